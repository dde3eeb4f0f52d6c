"""On-disk cache of prepared (decoded and specialised) modules.

Keyed by the MD5 of the .beam bytes and erlpy's version, in the user's cache
directory ($ERLPY_CACHE_DIR, else $XDG_CACHE_HOME/erlpy, else ~/.cache/erlpy),
so a second start skips decoding. Anything unexpected (unwritable directory,
stale or corrupt entry) just means a miss.
"""

import hashlib
import os
import pickle
import tempfile

from .. import __version__
from .load import PreparedModule, BODY

__all__ = ["base_dir", "cache_dir", "load", "store", "key"]

_DISABLED = os.environ.get("ERLPY_NO_CACHE") == "1"

# Bumped whenever what a prepared module holds changes within one erlpy version.
FORMAT = "4"


def base_dir():
    """erlpy's cache directory for this version."""
    base = os.environ.get("ERLPY_CACHE_DIR")
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = os.path.join(xdg, "erlpy")
    return os.path.join(base, __version__)


def cache_dir():
    return os.path.join(base_dir(), "prepared-" + FORMAT)


def key(data):
    from ..bifs.registry import signature
    return hashlib.md5(data).hexdigest() + "-" + signature()


def load(k):
    """The prepared module stored under k, its BODY fields read on first use;
    None on a miss."""
    if _DISABLED:
        return None
    path = os.path.join(cache_dir(), k)
    try:
        with open(path + ".pickle", "rb") as f:
            head = pickle.load(f)
    except Exception:
        return None
    pm = PreparedModule()
    for field, value in head.items():
        setattr(pm, field, value)
    pm.body_source = lambda: _load_body(path)
    return pm


def _load_body(path):
    with open(path + ".body.pickle", "rb") as f:
        return pickle.load(f)


def store(k, pm):
    if _DISABLED:
        return
    d = cache_dir()
    head = {f: getattr(pm, f) for f in PreparedModule.__slots__
            if f not in BODY and f not in ("beam", "body_source")}
    body = tuple(getattr(pm, f) for f in BODY)
    try:
        os.makedirs(d, exist_ok=True)
        # the body first: a head on disk promises its body
        _write(os.path.join(d, k + ".body.pickle"), body)
        _write(os.path.join(d, k + ".pickle"), head)
    except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
        pass


def _write(path, obj):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
