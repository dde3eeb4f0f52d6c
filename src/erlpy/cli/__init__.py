"""erlpy.cli"""
