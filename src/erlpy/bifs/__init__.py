"""erlpy.bifs"""
