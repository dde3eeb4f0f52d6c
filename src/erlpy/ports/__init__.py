"""erlpy.ports"""
