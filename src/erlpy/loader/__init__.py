"""erlpy.loader"""
