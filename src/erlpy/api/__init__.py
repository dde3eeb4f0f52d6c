"""erlpy.api"""
