"""erlpy.jit"""
