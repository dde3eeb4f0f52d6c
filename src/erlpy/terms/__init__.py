"""Erlang terms as Python objects (see DESIGN.md, "Terms").

integer -> int, float -> float, atom -> Atom, tuple -> tuple, binary -> bytes,
[] -> NIL, [H|T] -> Cons, map -> Map; pids, ports, refs, funs, bitstrings
are small classes in `types`.
"""

from .atom import Atom, atom, existing_atom, A
from .types import NIL, Nil, Cons, BitString, Pid, Port, Ref, Fun, ExportFun
from .compare import compare, eq, eq_exact, hkey, compare_keys
from .maps import Map, EMPTY_MAP
from .lists import from_seq, from_iter, to_pylist, estr, list_to_str, is_proper_list, \
    list_length, NotAList
from .errors import ErlangError, badarg, badarith
from .printer import format_term

TRUE = A.true
FALSE = A.false


def boolean(b):
    """Python truth value -> the atom true/false."""
    return TRUE if b else FALSE


__all__ = [
    "Atom", "atom", "existing_atom", "A", "NIL", "Nil", "Cons", "BitString", "Pid", "Port",
    "Ref", "Fun", "ExportFun", "compare", "eq", "eq_exact", "hkey", "compare_keys", "Map",
    "EMPTY_MAP", "from_seq", "from_iter", "to_pylist", "estr", "list_to_str",
    "is_proper_list", "list_length", "NotAList", "ErlangError", "badarg", "badarith",
    "format_term", "TRUE", "FALSE", "boolean",
]
