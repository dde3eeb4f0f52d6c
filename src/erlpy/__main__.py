"""python -m erlpy: the same as the `erlpy` command."""
from .cli.main import entry

entry()
