"""erlpy.nifs"""
