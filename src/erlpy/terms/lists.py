"""Conversions between Erlang lists and Python sequences/strings."""

from .types import NIL, Cons

__all__ = [
    "from_iter", "from_seq", "to_pylist", "estr", "list_to_str", "is_proper_list",
    "list_length", "NotAList",
]


class NotAList(Exception):
    """Raised by to_pylist on an improper list (callers turn it into badarg)."""


def from_seq(seq, tail=NIL):
    """Build an Erlang list from a Python sequence (indexable, reversible)."""
    r = tail
    for x in reversed(seq):
        r = Cons(x, r)
    return r


def from_iter(it, tail=NIL):
    return from_seq(list(it), tail)


def to_pylist(lst):
    """Elements of a proper Erlang list as a Python list; NotAList otherwise."""
    out = []
    append = out.append
    while type(lst) is Cons:
        append(lst.hd)
        lst = lst.tl
    if lst is not NIL:
        raise NotAList(lst)
    return out


def estr(s):
    """Python str -> Erlang string (list of code points)."""
    r = NIL
    for ch in reversed(s):
        r = Cons(ord(ch), r)
    return r


def list_to_str(lst):
    """Erlang list of code points -> Python str; NotAList/ValueError on bad input."""
    out = []
    append = out.append
    while type(lst) is Cons:
        c = lst.hd
        if type(c) is not int or c < 0 or c > 0x10FFFF:
            raise NotAList(lst)
        append(chr(c))
        lst = lst.tl
    if lst is not NIL:
        raise NotAList(lst)
    return "".join(out)


def is_proper_list(lst):
    while type(lst) is Cons:
        lst = lst.tl
    return lst is NIL


def list_length(lst):
    """Length of a proper list, or -1 if improper."""
    n = 0
    while type(lst) is Cons:
        n += 1
        lst = lst.tl
    return n if lst is NIL else -1
