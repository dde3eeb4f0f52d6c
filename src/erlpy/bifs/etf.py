"""BIFs of the external term format and of term hashing: term_to_binary,
term_to_iovec, binary_to_term, external_size, phash, phash2.

Option lists are read as BEAM reads them: left to right, later options
overriding earlier ones, anything unknown (or an improper list) badarg.
"""

from ..terms import A, NIL, Cons, ErlangError, Map, badarg, from_seq
from ..terms.errors import ERROR
from ..terms import etf
from ..terms.hashing import make_hash2, phash as _phash, phash2 as _phash2
from .registry import bif

_COMPRESSED = A.compressed
_MINOR_VERSION = A.minor_version
_DETERMINISTIC = A.deterministic
_SAFE = A.safe
_USED = A.used

_DEFAULT_LEVEL = 6          # what zlib makes of Z_DEFAULT_COMPRESSION
_TWO_POW_32 = 1 << 32
_SMALL_MAX = (1 << 59) - 1


def _is_small(t):
    return type(t) is int and -_SMALL_MAX - 1 <= t <= _SMALL_MAX


def _t2b_options(opts):
    """(level, minor_version, deterministic) from a term_to_binary option list."""
    level = 0
    minor = 1
    deterministic = False
    while type(opts) is Cons:
        o = opts.hd
        if o is _COMPRESSED:
            level = _DEFAULT_LEVEL
        elif o is _DETERMINISTIC:
            deterministic = True
        elif type(o) is tuple and len(o) == 2 and o[0] is _MINOR_VERSION and _is_small(o[1]):
            if not 0 <= o[1] <= 2:
                raise badarg()
            minor = o[1]
        elif type(o) is tuple and len(o) == 2 and o[0] is _COMPRESSED and _is_small(o[1]):
            if not 0 <= o[1] <= 9:
                raise badarg()
            level = o[1]
        else:
            raise badarg()
        opts = opts.tl
    if opts is not NIL:
        raise badarg()
    return level, minor, deterministic


@bif("erlang", "term_to_binary", 1)
def term_to_binary_1(term):
    return etf.term_to_binary(term)


@bif("erlang", "term_to_binary", 2)
def term_to_binary_2(term, opts):
    level, minor, deterministic = _t2b_options(opts)
    return etf.term_to_binary(term, level, minor, deterministic)


def _iovec_term(result):
    return result if type(result) is bytes else from_seq(result)


@bif("erlang", "term_to_iovec", 1)
def term_to_iovec_1(term):
    return _iovec_term(etf.term_to_iovec(term))


@bif("erlang", "term_to_iovec", 2)
def term_to_iovec_2(term, opts):
    level, minor, deterministic = _t2b_options(opts)
    return _iovec_term(etf.term_to_iovec(term, level, minor, deterministic))


@bif("erlang", "binary_to_term", 1)
def binary_to_term_1(data):
    return etf.binary_to_term(data)


# An unknown option is a badarg whose error_info names the cause.
_BADOPT_INFO = Map.from_pairs([(A.cause, A.badopt), (A.module, A.erl_erts_errors)])


@bif("erlang", "binary_to_term", 2)
def binary_to_term_2(data, opts):
    safe = False
    used = False
    o = opts
    while type(o) is Cons:
        if o.hd is _SAFE:
            safe = True
        elif o.hd is _USED:
            used = True
        else:
            break
        o = o.tl
    if o is not NIL:
        e = ErlangError(ERROR, A.badarg)
        e.error_info = _BADOPT_INFO
        raise e
    return etf.binary_to_term(data, safe, used)


@bif("erlang", "external_size", 1)
def external_size_1(term):
    return etf.external_size(term)


@bif("erlang", "external_size", 2)
def external_size_2(term, opts):
    minor = 1
    while type(opts) is Cons:
        o = opts.hd
        if not (type(o) is tuple and len(o) == 2 and o[0] is _MINOR_VERSION
                and _is_small(o[1]) and 0 <= o[1] <= 1):
            raise badarg()
        minor = o[1]
        opts = opts.tl
    if opts is not NIL:
        raise badarg()
    return etf.external_size(term, minor)


def _hash_range(r):
    """A hash range: an integer 1..2**32."""
    if type(r) is not int or not 1 <= r <= _TWO_POW_32:
        raise badarg()
    return r


@bif("erlang", "phash", 2)
def phash(term, r):
    return _phash(term, _hash_range(r))


@bif("erlang", "phash2", 1)
def phash2_1(term):
    return make_hash2(term) & 0x7FFFFFF       # 27 bits


@bif("erlang", "phash2", 2)
def phash2_2(term, r):
    return _phash2(term, _hash_range(r))
