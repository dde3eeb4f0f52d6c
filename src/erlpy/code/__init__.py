"""erlpy.code"""
