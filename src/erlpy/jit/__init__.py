"""The JIT: BEAM functions compiled to Python functions (see compiler.py)."""
