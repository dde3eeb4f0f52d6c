"""erlpy.runtime"""
