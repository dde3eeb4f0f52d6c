"""prim_file's NIFs and BIFs (OTP 25, Unix semantics) in Python.

prim_file.erl hands every path to its NIFs as encoded by
internal_name2native/1: a binary ending in NUL. A file handle is a magic
reference carrying a `_File` (the OS file descriptor and its state); file
operations on a closed handle give {error, einval}, on anything else badarg.
As in BEAM, a file is monitored by the process that opened it: when that
process exits, its files still open are closed (BEAM asks the prim_file
helper process to do it; here the runtime's exit hook closes them at once).

Results follow prim_file_nif.c / unix_prim_file.c: errors are
{error, Posix} with OTP's errno atoms, read_info gives the 14-tuple
#file_info with POSIX times that prim_file.erl then adjusts.
"""

import errno
import fcntl
import os
import stat
import struct
import unicodedata

from ..terms import A, Atom, Ref, NIL, Cons, BitString, badarg, from_seq, TRUE, FALSE
from ..code.contract import VM, per_vm_state
from ..bifs.registry import bif

__all__ = []

_OK = A.ok
_ERROR = A.error
_EOF = A.eof
_CONTINUE = A["continue"]

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_INT32_MIN = -(1 << 31)
_INT32_MAX = (1 << 31) - 1
_U32 = 0xFFFFFFFF

# -- errno atoms (erl_errno_id) ---------------------------------------------------------

_ERRNO_ATOMS = {}


def _errno_atom(code):
    a = _ERRNO_ATOMS.get(code)
    if a is None:
        if code == getattr(errno, "ENOTSUP", None):
            name = "enotsup"
        elif code == getattr(errno, "EDEADLK", None):
            name = "edeadlk"
        elif code == getattr(errno, "EAGAIN", None):
            name = "eagain"
        else:
            name = errno.errorcode.get(code, "unknown").lower()
        a = _ERRNO_ATOMS[code] = A[name]
    return a


def _error(code):
    return (_ERROR, _errno_atom(code))


def _oserror(e):
    return _error(e.errno if e.errno is not None else errno.EINVAL)


# -- argument helpers --------------------------------------------------------------------

def _is_number(t):
    return type(t) is int or type(t) is float


def _int64(t):
    """t as a signed 64-bit integer, or None (enif_get_int64)."""
    if type(t) is int and _INT64_MIN <= t <= _INT64_MAX:
        return t
    return None


def _int32(t):
    if type(t) is int and _INT32_MIN <= t <= _INT32_MAX:
        return t
    return None


def _path(t):
    """efile_marshal_path: a binary ending in one or more NULs with no NUL
    before them; the path without them, or None (-> einval)."""
    if type(t) is not bytes:
        return None
    i = t.find(b"\0")
    if i < 0 or t[i:].strip(b"\0"):
        return None
    return t[:i]


def _call(op, *args):
    """ok once op(*args) has run, or {error, Errno} for the OSError it raised."""
    try:
        op(*args)
    except OSError as e:
        return _oserror(e)
    return _OK


def _path_call(names, op, on_error=None):
    """Decode the path arguments (einval if one is not a path) and run op on
    them: what op returns (ok for None), or the error on_error(e, *paths) makes
    of an OSError (by default its errno); a value too large for the OS is einval."""
    paths = []
    for t in names:
        path = _path(t)
        if path is None:
            return _EINVAL
        paths.append(path)
    try:
        result = op(*paths)
    except OSError as e:
        return _oserror(e) if on_error is None else on_error(e, *paths)
    except OverflowError:
        return _EINVAL
    return _OK if result is None else result


# -- file handles ------------------------------------------------------------------------

READ, WRITE, APPEND, EXCLUSIVE, SYNC, SKIP_TYPE_CHECK, DIRECTORY, FROM_FD = (
    1, 2, 4, 8, 16, 32, 128, 256)

_MODE_BITS = {A.read: READ, A.write: WRITE, A.append: APPEND, A.exclusive: EXCLUSIVE,
              A.sync: SYNC, A.skip_type_check: SKIP_TYPE_CHECK, A.directory: DIRECTORY}


class _File:
    """The resource behind a prim_file handle."""

    __slots__ = ("fd", "modes", "owner", "closed", "__weakref__")

    def __init__(self, fd, modes, owner):
        self.fd = fd
        self.modes = modes
        self.owner = owner
        self.closed = False

    def __repr__(self):
        return "<prim_file fd=%d%s>" % (self.fd, " closed" if self.closed else "")


_OWNED = {}     # owner pid -> {_File}: files open, closed when the owner exits


def _owner_exited(pid, reason=None):
    files = _OWNED.pop(pid, None)
    if files:
        for f in list(files):
            if not f.closed:
                f.closed = True
                try:
                    _close_fd(f)
                except OSError:
                    pass


@per_vm_state
def _close_all():
    """A new VM: the files the previous one's processes left open are closed."""
    for pid in list(_OWNED):
        _owner_exited(pid)


def _close_fd(f):
    fd, f.fd = f.fd, -1
    if fd >= 0:
        os.close(fd)


def _new_handle(fd, modes):
    p = VM.current
    owner = p.pid if p is not None else None
    f = _File(fd, modes, owner)
    if owner is not None:
        rt = VM.runtime
        if rt is not None and _owner_exited not in rt.exit_hooks:
            rt.exit_hooks.append(_owner_exited)
        _OWNED.setdefault(owner, set()).add(f)
    r = VM.make_ref()
    r.magic = f
    return (_OK, r)


def _forget(f):
    files = _OWNED.get(f.owner)
    if files is not None:
        files.discard(f)
        if not files:
            del _OWNED[f.owner]


def _file(t):
    """The open _File behind handle t; badarg for a non-handle. Returns None
    when the file is closed (the caller answers {error, einval})."""
    if type(t) is not Ref or type(t.magic) is not _File:
        raise badarg()
    f = t.magic
    return None if f.closed else f


_EINVAL = (_ERROR, A.einval)


def _open_flags(modes):
    if modes & READ and not modes & WRITE:
        flags = os.O_RDONLY
    elif modes & WRITE and not modes & READ:
        flags = os.O_TRUNC | os.O_WRONLY | os.O_CREAT
    else:
        flags = os.O_RDWR | os.O_CREAT
    if modes & APPEND:
        flags = (flags & ~os.O_TRUNC) | os.O_APPEND
    if modes & EXCLUSIVE:
        flags |= os.O_EXCL
    if modes & SYNC:
        flags |= os.O_SYNC
    return flags | getattr(os, "O_CLOEXEC", 0)


def _open(path, modes):
    """efile_open: the fd, or raises OSError."""
    flags = _open_flags(modes)
    if modes & DIRECTORY:
        flags |= getattr(os, "O_DIRECTORY", 0)
        perm = 0o777
    else:
        perm = 0o666
    fd = os.open(path, flags, perm)
    if not modes & (SKIP_TYPE_CHECK | DIRECTORY):
        try:
            is_dir = stat.S_ISDIR(os.fstat(fd).st_mode)
        except OSError:
            is_dir = False
        if is_dir:
            os.close(fd)
            raise OSError(errno.EISDIR, "is a directory")
    return fd


@bif("prim_file", "open_nif", 2)
def open_nif(name, modes):
    if modes is not NIL and type(modes) is not Cons:
        raise badarg()
    bits = 0
    m = modes
    while type(m) is Cons:
        b = _MODE_BITS.get(m.hd) if type(m.hd) is Atom else None
        if b:
            bits |= b
        m = m.tl
    if bits & (APPEND | EXCLUSIVE):
        bits |= WRITE
    elif not bits & (READ | WRITE):
        bits |= READ
    path = _path(name)
    if path is None:
        return _EINVAL
    try:
        fd = _open(path, bits)
    except OSError as e:
        return _oserror(e)
    return _new_handle(fd, bits)


@bif("prim_file", "file_desc_to_ref_nif", 1)
def file_desc_to_ref_nif(fd):
    if not _is_number(fd) or _int32(fd) is None:
        raise badarg()
    try:
        fcntl.fcntl(fd, fcntl.F_GETFL)
    except OSError as e:
        if e.errno == errno.EBADF:
            return _oserror(e)
    except (ValueError, OverflowError):
        return _error(errno.EBADF)
    return _new_handle(fd, FROM_FD)


@bif("prim_file", "close_nif", 1)
def close_nif(ref):
    f = _file(ref)
    if f is None:
        return _EINVAL
    f.closed = True
    _forget(f)
    return _call(_close_fd, f)


@bif("prim_file", "delayed_close_nif", 1)
def delayed_close_nif(ref):
    if type(ref) is not Ref or type(ref.magic) is not _File:
        raise badarg()
    f = ref.magic
    f.closed = True
    _forget(f)
    try:
        _close_fd(f)
    except OSError:
        pass
    return _OK


def _read_fd(fd, size, offset=None):
    """Read until `size` bytes or end of file (efile_readv / efile_preadv)."""
    parts = []
    left = size
    while left > 0:
        if offset is None:
            chunk = os.read(fd, left)
        else:
            chunk = os.pread(fd, left, offset)
            offset += len(chunk)
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _write_fd(fd, data, offset=None):
    view = memoryview(data)
    total = 0
    while total < len(data):
        if offset is None:
            n = os.write(fd, view[total:])
        else:
            n = os.pwrite(fd, view[total:], offset + total)
        if n <= 0:
            break
        total += n
    return total


@bif("prim_file", "read_nif", 2)
def read_nif(ref, size):
    f = _file(ref)
    if f is None:
        return _EINVAL
    if not _is_number(size):
        raise badarg()
    size = _int64(size)
    if size is None or size < 0:
        return _EINVAL
    try:
        data = _read_fd(f.fd, size)
    except MemoryError:
        return _error(errno.ENOMEM)
    except OSError as e:
        return _oserror(e)
    if not data:
        return _EOF
    return (_OK, data)


_IOV_MAX = 64


def _iovec(t):
    """enif_inspect_iovec with 64 elements at most: (bytes, tail) or badarg."""
    parts = []
    while type(t) is Cons and len(parts) < _IOV_MAX:
        h = t.hd
        if type(h) is not bytes:
            raise badarg()
        parts.append(h)
        t = t.tl
    if t is not NIL and type(t) is not Cons:
        raise badarg()
    return b"".join(parts), t


@bif("prim_file", "write_nif", 2)
def write_nif(ref, iovec):
    f = _file(ref)
    if f is None:
        return _EINVAL
    data, tail = _iovec(iovec)
    try:
        _write_fd(f.fd, data)
    except OSError as e:
        return _oserror(e)
    if tail is not NIL:
        return (_CONTINUE, tail)
    return _OK


@bif("prim_file", "pread_nif", 3)
def pread_nif(ref, offset, size):
    f = _file(ref)
    if f is None:
        return _EINVAL
    if not _is_number(offset) or not _is_number(size):
        raise badarg()
    offset, size = _int64(offset), _int64(size)
    if offset is None or size is None or offset < 0 or size < 0:
        return _EINVAL
    try:
        data = _read_fd(f.fd, size, offset)
    except MemoryError:
        return _error(errno.ENOMEM)
    except OSError as e:
        return _oserror(e)
    if not data:
        return _EOF
    return (_OK, data)


@bif("prim_file", "pwrite_nif", 3)
def pwrite_nif(ref, offset, iovec):
    f = _file(ref)
    if f is None:
        return _EINVAL
    if not _is_number(offset):
        raise badarg()
    data, tail = _iovec(iovec)
    offset = _int64(offset)
    if offset is None or offset < 0:
        return _EINVAL
    try:
        n = _write_fd(f.fd, data, offset)
    except OSError as e:
        return _oserror(e)
    if tail is not NIL:
        return (_CONTINUE, n, tail)
    return _OK


_WHENCE = {A.bof: os.SEEK_SET, A.cur: os.SEEK_CUR, A.eof: os.SEEK_END}


@bif("prim_file", "seek_nif", 3)
def seek_nif(ref, mark, offset):
    f = _file(ref)
    if f is None:
        return _EINVAL
    offset = _int64(offset)
    if offset is None:
        raise badarg()
    whence = _WHENCE.get(mark) if type(mark) is Atom else None
    if whence is None:
        raise badarg()
    try:
        pos = os.lseek(f.fd, offset, whence)
    except OSError as e:
        return _oserror(e)
    return (_OK, pos)


@bif("prim_file", "sync_nif", 2)
def sync_nif(ref, data_only):
    f = _file(ref)
    if f is None:
        return _EINVAL
    if _int32(data_only) is None:
        raise badarg()
    if data_only and hasattr(os, "fdatasync"):
        return _call(os.fdatasync, f.fd)
    return _call(os.fsync, f.fd)


@bif("prim_file", "truncate_nif", 1)
def truncate_nif(ref):
    f = _file(ref)
    if f is None:
        return _EINVAL
    return _call(lambda fd: os.ftruncate(fd, os.lseek(fd, 0, os.SEEK_CUR)), f.fd)


def _offset_length(offset, length):
    """(offset, length) checked as allocate/advise do: badarg for non-numbers,
    None (-> einval) for negatives or values outside int64."""
    if not _is_number(offset) or not _is_number(length):
        raise badarg()
    offset, length = _int64(offset), _int64(length)
    if offset is None or length is None or offset < 0 or length < 0:
        return None
    return offset, length


@bif("prim_file", "allocate_nif", 3)
def allocate_nif(ref, offset, length):
    f = _file(ref)
    if f is None:
        return _EINVAL
    ol = _offset_length(offset, length)
    if ol is None:
        return _EINVAL
    fallocate = getattr(os, "posix_fallocate", None)
    if fallocate is None:
        return _error(errno.ENOTSUP)
    return _call(fallocate, f.fd, ol[0], ol[1])


_ADVICE = {A.normal: "POSIX_FADV_NORMAL", A.random: "POSIX_FADV_RANDOM",
           A.sequential: "POSIX_FADV_SEQUENTIAL", A.will_need: "POSIX_FADV_WILLNEED",
           A.dont_need: "POSIX_FADV_DONTNEED", A.no_reuse: "POSIX_FADV_NOREUSE"}


@bif("prim_file", "advise_nif", 4)
def advise_nif(ref, offset, length, advise):
    f = _file(ref)
    if f is None:
        return _EINVAL
    ol = _offset_length(offset, length)
    if ol is None:
        return _EINVAL
    name = _ADVICE.get(advise) if type(advise) is Atom else None
    if name is None:
        return _EINVAL
    fadvise = getattr(os, "posix_fadvise", None)
    if fadvise is None or not hasattr(os, name):
        return _OK
    return _call(fadvise, f.fd, ol[0], ol[1], getattr(os, name))


@bif("prim_file", "ipread_s32bu_p32bu_nif", 3)
def ipread_s32bu_p32bu_nif(ref, offset, max_size):
    f = _file(ref)
    if f is None:
        return _EINVAL
    if not _is_number(offset) or not _is_number(max_size):
        raise badarg()
    offset, max_size = _int64(offset), _int64(max_size)
    if offset is None or max_size is None or offset < 0 or max_size >= 1 << 31:
        return _EINVAL
    try:
        pointer = _read_fd(f.fd, 8, offset)
        if len(pointer) < 8:
            return _EOF
        size, where = struct.unpack(">II", pointer)
        if size > max_size:
            return _EOF
        data = _read_fd(f.fd, size, where)
    except OSError as e:
        return _oserror(e)
    return (_OK, (size, where, data if data else _EOF))


@bif("prim_file", "get_handle_nif", 1)
def get_handle_nif(ref):
    f = _file(ref)
    if f is None:
        return _EINVAL
    return struct.pack("=i", f.fd)


# -- file information -------------------------------------------------------------------

_MIN_FILETIME = -2145916800     # {{1902,1,1},{0,0,0}}

_READ_ACCESS = {0: A.none, 1: A.read, 2: A.write, 3: A.read_write}


def _file_type(mode):
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return A.device
    if stat.S_ISDIR(mode):
        return A.directory
    if stat.S_ISREG(mode):
        return A.regular
    if stat.S_ISLNK(mode):
        return A.symlink
    return A.other


def _file_info(st, access):
    return (A.file_info, st.st_size, _file_type(st.st_mode), _READ_ACCESS[access],
            max(_MIN_FILETIME, int(st.st_atime)), max(_MIN_FILETIME, int(st.st_mtime)),
            max(_MIN_FILETIME, int(st.st_ctime)), st.st_mode & _U32, st.st_nlink & _U32,
            st.st_dev & _U32, st.st_rdev & _U32, st.st_ino & _U32, st.st_uid & _U32,
            st.st_gid & _U32)


@bif("prim_file", "read_info_nif", 2)
def read_info_nif(name, follow_links):
    if _int32(follow_links) is None:
        raise badarg()
    path = _path(name)
    if path is None:
        return _EINVAL
    try:
        st = os.stat(path) if follow_links else os.lstat(path)
    except OSError as e:
        return _oserror(e)
    access = (1 if os.access(path, os.R_OK) else 0) | (2 if os.access(path, os.W_OK) else 0)
    return _file_info(st, access)


def _handle_access(st):
    """check_access: the owner's, group's or others' read/write bits."""
    m = st.st_mode
    if st.st_uid == os.geteuid():
        r, w = m & stat.S_IRUSR, m & stat.S_IWUSR
    elif st.st_gid == os.getegid():
        r, w = m & stat.S_IRGRP, m & stat.S_IWGRP
    else:
        r, w = m & stat.S_IROTH, m & stat.S_IWOTH
    return (1 if r else 0) | (2 if w else 0)


@bif("prim_file", "read_handle_info_nif", 1)
def read_handle_info_nif(ref):
    f = _file(ref)
    if f is None:
        return _EINVAL
    try:
        st = os.fstat(f.fd)
    except OSError as e:
        return _oserror(e)
    return _file_info(st, _handle_access(st))


@bif("prim_file", "set_permissions_nif", 2)
def set_permissions_nif(name, permissions):
    if type(permissions) is not int or not 0 <= permissions <= _U32:
        raise badarg()
    mode = permissions & (stat.S_ISUID | stat.S_ISGID | 0o777)

    def chmod(path):
        try:
            os.chmod(path, mode)
        except OSError:
            # not allowed to set the set-id bits: try again without them
            os.chmod(path, mode & ~(stat.S_ISUID | stat.S_ISGID))
    return _path_call((name,), chmod)


@bif("prim_file", "set_owner_nif", 3)
def set_owner_nif(name, uid, gid):
    if _int32(uid) is None or _int32(gid) is None:
        raise badarg()
    return _path_call((name,), lambda path: os.chown(path, uid, gid))


@bif("prim_file", "set_time_nif", 4)
def set_time_nif(name, atime, mtime, ctime):
    if _int64(atime) is None or _int64(mtime) is None or _int64(ctime) is None:
        raise badarg()
    return _path_call((name,), lambda path: os.utime(path, (atime, mtime)))


# -- file system operations -------------------------------------------------------------

@bif("prim_file", "read_file_nif", 1)
def read_file_nif(name):
    path = _path(name)
    if path is None:
        return _EINVAL
    try:
        fd = _open(path, READ)
    except OSError as e:
        return _oserror(e)
    try:
        try:
            size = os.fstat(fd).st_size
        except OSError:
            size = 0
        if size > 0:
            # BEAM reads the size fstat gave (less if the file shrank), no more
            data = _read_fd(fd, size)
        else:
            # size unknown (/proc files...): read to the end
            parts = []
            while True:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    break
                parts.append(chunk)
            data = b"".join(parts)
    except MemoryError:
        os.close(fd)
        return _error(errno.ENOMEM)
    except OSError as e:
        os.close(fd)
        return _oserror(e)
    os.close(fd)
    return (_OK, data)


@bif("prim_file", "read_link_nif", 1)
def read_link_nif(name):
    return _path_call((name,), lambda path: _link_target(os.readlink(path)))


def _link_target(target):
    return (_OK, target) if target else _EINVAL


@bif("prim_file", "list_dir_nif", 1)
def list_dir_nif(name):
    return _path_call((name,), lambda path: _dir_list(os.listdir(path)))


def _dir_list(names):
    # BEAM conses the entries in readdir order, so the list comes out reversed
    lst = NIL
    for n in names:
        lst = Cons(n, lst)
    return (_OK, lst)


def _rename_error(e, source, dest):
    if e.errno == errno.ENOTEMPTY:
        return _error(errno.EEXIST)
    if source == b"/":
        return _EINVAL
    return _oserror(e)


@bif("prim_file", "rename_nif", 2)
def rename_nif(source, dest):
    return _path_call((source, dest), os.rename, _rename_error)


@bif("prim_file", "make_hard_link_nif", 2)
def make_hard_link_nif(existing, new):
    return _path_call((existing, new), os.link)


@bif("prim_file", "make_soft_link_nif", 2)
def make_soft_link_nif(existing, new):
    return _path_call((existing, new), os.symlink)


@bif("prim_file", "make_dir_nif", 1)
def make_dir_nif(name):
    return _path_call((name,), lambda path: os.mkdir(path, 0o777))


def _del_file_error(e, path):
    if e.errno == errno.EISDIR:       # Linux's code for unlinking a directory
        return _error(errno.EPERM)
    return _oserror(e)


@bif("prim_file", "del_file_nif", 1)
def del_file_nif(name):
    return _path_call((name,), os.unlink, _del_file_error)


def _del_dir_error(e, path):
    """ENOTEMPTY reads as eexist, and removing the current directory as einval."""
    code = e.errno
    if code == errno.ENOTEMPTY:
        code = errno.EEXIST
    if code == errno.EEXIST:
        try:
            a, b = os.stat(path), os.stat(b".")
            if a.st_ino == b.st_ino and a.st_dev == b.st_dev:
                code = errno.EINVAL
        except OSError:
            pass
    return _error(code)


@bif("prim_file", "del_dir_nif", 1)
def del_dir_nif(name):
    return _path_call((name,), os.rmdir, _del_dir_error)


@bif("prim_file", "get_device_cwd_nif", 1)
def get_device_cwd_nif(index):
    if _int32(index) is None:
        raise badarg()
    return _error(errno.ENOTSUP)


@bif("prim_file", "get_cwd_nif", 0)
def get_cwd_nif():
    try:
        return (_OK, os.getcwdb())
    except OSError as e:
        return _oserror(e)


@bif("prim_file", "set_cwd_nif", 1)
def set_cwd_nif(name):
    return _path_call((name,), os.chdir)


@bif("prim_file", "altname_nif", 1)
def altname_nif(name):
    if _path(name) is None:
        return _EINVAL
    return _error(errno.ENOTSUP)


# -- filename BIFs (erl_unicode.c); the native filename encoding is UTF-8 -------------------

def _name_chars(t, out):
    """Append the characters of the (deep) character list t to out; False
    if t holds anything else (binaries, atoms, NUL, invalid code points)."""
    stack = [t]
    while stack:
        t = stack.pop()
        while type(t) is Cons:
            h = t.hd
            if type(h) is int:
                if h <= 0 or h > 0x10FFFF or 0xD800 <= h <= 0xDFFF:
                    return False
                out.append(h)
            elif h is NIL:
                pass
            elif type(h) is Cons:
                stack.append(t.tl)
                t = h
                continue
            else:
                return False
            t = t.tl
        if t is not NIL:
            return False
    return True


@bif("prim_file", "internal_name2native", 1)
def internal_name2native(name):
    if type(name) is bytes:
        if b"\0" in name:
            raise badarg()
        return name + b"\0"
    if type(name) is BitString:
        data = name.data[:name.bits >> 3]
        if b"\0" in data:
            raise badarg()
        return data + b"\0"
    if name is not NIL and type(name) is not Cons:
        raise badarg()
    chars = []
    if not _name_chars(name, chars):
        raise badarg()
    return "".join(map(chr, chars)).encode("utf-8") + b"\0"


def _binary_bytes(t):
    if type(t) is not bytes:
        raise badarg()
    return t


def _utf8(data):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


@bif("prim_file", "internal_native2name", 1)
def internal_native2name(native):
    data = _binary_bytes(native)
    if not data:
        return NIL
    s = _utf8(data)
    if s is None:
        return (_ERROR, A.warning)
    return from_seq([ord(c) for c in s])


@bif("prim_file", "internal_normalize_utf8", 1)
def internal_normalize_utf8(b):
    data = _binary_bytes(b)
    if not data:
        return NIL
    s = _utf8(data)
    if s is None:
        raise badarg()
    return from_seq([ord(c) for c in unicodedata.normalize("NFC", s)])


@bif("prim_file", "is_translatable", 1)
def is_translatable(b):
    data = _binary_bytes(b)
    if not data:
        return TRUE
    return TRUE if _utf8(data) is not None else FALSE
