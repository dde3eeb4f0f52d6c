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

__all__ = ["base_dir", "cache_dir", "load", "store", "key"]

_DISABLED = os.environ.get("ERLPY_NO_CACHE") == "1"

# Bumped whenever what a prepared module holds changes within one erlpy version.
FORMAT = "3"


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
    if _DISABLED:
        return None
    try:
        with open(os.path.join(cache_dir(), k + ".pickle"), "rb") as f:
            return pickle.load(f)
    except Exception:
        return None


def store(k, pm):
    if _DISABLED:
        return
    d = cache_dir()
    beam = pm.beam
    pm.beam = None          # the raw chunks are not needed once prepared
    try:
        os.makedirs(d, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=d, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(pm, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, os.path.join(d, k + ".pickle"))
    except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
        try:
            os.unlink(tmp)
        except (OSError, UnboundLocalError):
            pass
    finally:
        pm.beam = beam
