"""erlpy: an Erlang virtual machine (BEAM) written in Python."""

__version__ = "0.1.0"
