"""erlpy.emu"""
