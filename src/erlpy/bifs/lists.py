"""The BIFs of module lists (OTP 25): member/2, reverse/2, keyfind/3,
keymember/3, keysearch/3. The rest of lists is Erlang code.

Matching follows BEAM exactly: member/2 uses =:=; the key functions use ==,
except that a small-integer key meets a float element through a C double
conversion, so keyfind(2**53 + 1, 1, [{2.0**53}]) finds the tuple."""

from ..terms import A, Atom, Nil, NIL, Cons, badarg, TRUE, FALSE, eq, eq_exact
from .registry import bif

__all__ = ["keyfind_tuple"]

_SMALL_MIN = -(1 << 59)
_SMALL_MAX = (1 << 59) - 1


@bif("lists", "member", 2)
def member(x, lst):
    if lst is NIL:
        return FALSE
    cons = Cons
    if type(lst) is not cons:
        raise badarg()
    tx = type(x)
    if tx is Atom or tx is Nil:
        while type(lst) is cons:
            if lst.hd is x:
                return TRUE
            lst = lst.tl
    elif tx is int:
        while type(lst) is cons:
            h = lst.hd
            if h == x and type(h) is int:
                return TRUE
            lst = lst.tl
    else:
        while type(lst) is cons:
            if eq_exact(lst.hd, x):
                return TRUE
            lst = lst.tl
    if lst is not NIL:
        raise badarg()
    return FALSE


@bif("lists", "reverse", 2)
def reverse(lst, tail):
    cons = Cons
    r = tail
    while type(lst) is cons:
        r = cons(lst.hd, r)
        lst = lst.tl
    if lst is not NIL:
        raise badarg()
    return r


def keyfind_tuple(key, pos, lst):
    """The first tuple in lst whose element `pos` equals key, or None.
    badarg for a position that is not a positive small integer, or when
    the search reaches the end of an improper list."""
    if type(pos) is not int or not 0 < pos <= _SMALL_MAX:
        raise badarg()
    i = pos - 1
    n = pos
    cons = Cons
    tup = tuple
    size = len
    tk = type(key)
    if tk is Atom or tk is Nil:
        while type(lst) is cons:
            t = lst.hd
            if type(t) is tup and size(t) >= n and t[i] is key:
                return t
            lst = lst.tl
    elif tk is int and _SMALL_MIN <= key <= _SMALL_MAX:
        fkey = float(key)
        while type(lst) is cons:
            t = lst.hd
            if type(t) is tup and size(t) >= n:
                e = t[i]
                te = type(e)
                if (te is int and e == key) or (te is float and e == fkey):
                    return t
            lst = lst.tl
    else:
        while type(lst) is cons:
            t = lst.hd
            if type(t) is tup and size(t) >= n and eq(key, t[i]):
                return t
            lst = lst.tl
    if lst is not NIL:
        raise badarg()
    return None


@bif("lists", "keyfind", 3)
def keyfind(key, pos, lst):
    t = keyfind_tuple(key, pos, lst)
    return FALSE if t is None else t


@bif("lists", "keymember", 3)
def keymember(key, pos, lst):
    return FALSE if keyfind_tuple(key, pos, lst) is None else TRUE


@bif("lists", "keysearch", 3)
def keysearch(key, pos, lst):
    t = keyfind_tuple(key, pos, lst)
    return FALSE if t is None else (A.value, t)
