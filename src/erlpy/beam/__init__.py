"""erlpy.beam"""
