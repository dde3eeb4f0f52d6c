"""zlib's NIFs (zlib.erl's *_nif functions) over Python's zlib module.

A stream is a magic reference to a _ZStream. As in BEAM's NIF, input is
queued by enqueue_nif/2 and deflate_nif/4 and inflate_nif/4 each consume at
most one input chunk per queued binary and produce at most one output chunk,
answering {continue, Out} or {finished, Out} (or {need_dictionary, Adler,
Out}) so that zlib.erl loops; errors are raised as the NIF raises them.

Python's compressor and decompressor take the place of the z_stream:
- deflate: output zlib has produced but the caller's chunk cannot take waits
  in `pending`, so chunks are cut where BEAM cuts them. The compressed bytes
  equal BEAM's for every level but 0 (stored blocks are sized by zlib after
  the output space it is given, which Python's compressor does not expose).
- inflate: the zlib header is read here, so that a stream with a preset
  dictionary stops with need_dictionary after its first 6 bytes as zlib's
  inflate() does; the sliding window that inflateGetDictionary/1 returns is
  kept here too, with zlib's rules for what enters it.
- deflateParams/3 and a dictionary set on a raw stream once data went
  through restart a raw compressor primed with the last window of input;
  the container's trailer is then written here. The result is a valid
  stream with the same content, but not byte for byte what BEAM writes.
"""

import re
import zlib as _zlib

from ..terms import A, Ref, Pid, NIL, badarg, from_seq
from ..terms.errors import error
from ..terms.bits import iolist_to_bytes
from ..code.contract import VM
from ..bifs.registry import bif
from .ioq import IOQueue, iovec_elements

_OK = A.ok
_CONTINUE = A["continue"]
_FINISHED = A.finished

# stream states
_NONE, _DEFLATE, _INFLATE, _CLOSED = 0, 1, 2, 3
# zlib return codes
Z_OK, Z_STREAM_END, Z_NEED_DICT = 0, 1, 2
Z_ERRNO, Z_STREAM_ERROR, Z_DATA_ERROR, Z_MEM_ERROR, Z_BUF_ERROR = -1, -2, -3, -4, -5
Z_VERSION_ERROR = -6
# flush modes
Z_NO_FLUSH, Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_FINISH = 0, 2, 3, 4
# what inflate does with data after the end of the stream
_EOS_ERROR, _EOS_RESET, _EOS_CUT = 0, 1, 2
# deflate progress, as zlib's status: nothing written yet / busy / finished
_D_INIT, _D_BUSY, _D_FINISH = 0, 1, 2
# containers
_RAW, _ZLIB, _GZIP, _AUTO = 0, 1, 2, 3

_INT_MIN, _INT_MAX = -(1 << 31), (1 << 31) - 1
_NO_LIMIT = 1 << 62
_ERROR_CODE = re.compile(r"Error (-?\d+)")


class _ZStream:
    __slots__ = (
        "owner", "state", "queue", "stash", "bufsize", "eos_behavior", "eos_seen",
        "want_in_crc", "want_out_crc", "in_crc", "out_crc",
        # deflate
        "comp", "level", "method", "wbits", "memlevel", "strategy", "wrap", "wsize",
        "dstatus", "pending", "clean", "zdict", "history", "check", "isize", "manual",
        # inflate
        "dec", "started", "header", "need_dict", "window",
    )

    def __init__(self, owner):
        self.owner = owner
        self.state = _NONE
        self.queue = IOQueue()
        self.stash = None
        self.bufsize = 4000
        self.eos_behavior = _EOS_CUT
        self.eos_seen = False
        self.want_in_crc = self.want_out_crc = False
        self.in_crc = self.out_crc = 0
        self.comp = self.dec = None
        self.pending = bytearray()
        self.window = bytearray()

    def reset_input(self):
        self.queue.clear()
        self.stash = None

    # -- deflate ---------------------------------------------------------------------------
    def new_compressor(self, zdict=None, raw=False):
        wbits = -self.wsize.bit_length() + 1 if raw else self.wbits
        if zdict:
            return _zlib.compressobj(self.level, self.method, wbits, self.memlevel,
                                     self.strategy, zdict)
        return _zlib.compressobj(self.level, self.method, wbits, self.memlevel, self.strategy)

    def deflate_fresh(self):
        """The state deflateInit2/deflateReset leave: nothing written yet."""
        self.dstatus = _D_INIT
        self.pending = bytearray()
        self.clean = True
        self.zdict = b""
        self.history = b""
        self.check = 1 if self.wrap == _ZLIB else 0
        self.isize = 0
        self.manual = False

    def compress(self, block):
        data = self.comp.compress(block)
        self.dstatus = _D_BUSY
        self.clean = False
        if self.want_in_crc:
            self.in_crc = _zlib.crc32(block, self.in_crc)
        if self.wrap == _ZLIB:
            self.check = _zlib.adler32(block, self.check)
        elif self.wrap == _GZIP:
            self.check = _zlib.crc32(block, self.check)
            self.isize += len(block)
        w = self.wsize
        if len(block) >= w:
            self.history = block[-w:]
        else:
            self.history = (self.history + block)[-w:]
        self.pending += data

    def flush(self, mode):
        """deflate() called with no input and `mode`, as the NIF does once the
        queue is empty."""
        if self.dstatus == _D_FINISH:
            if mode != Z_FINISH:
                raise error(A.stream_error)
            return
        if mode == Z_NO_FLUSH:
            data = self.comp.compress(b"")
        else:
            try:
                data = self.comp.flush(mode)
            except _zlib.error:
                raise error(A.stream_error)
            if mode == Z_FINISH:
                self.dstatus = _D_FINISH
                if self.manual:
                    data += self.trailer()
                self.pending += data
                return
            if mode == Z_SYNC_FLUSH or mode == Z_FULL_FLUSH:
                self.clean = True
        self.dstatus = _D_BUSY
        self.pending += data

    def trailer(self):
        if self.wrap == _ZLIB:
            return self.check.to_bytes(4, "big")
        if self.wrap == _GZIP:
            return self.check.to_bytes(4, "little") + (self.isize & 0xFFFFFFFF).to_bytes(4, "little")
        return b""

    def restart_raw(self, zdict):
        """Go on with a raw compressor that knows `zdict` as history (the
        stream is at a byte boundary with no input pending)."""
        self.comp = self.new_compressor(zdict, raw=True)
        self.manual = self.wrap != _RAW

    # -- inflate ---------------------------------------------------------------------------
    def inflate_fresh(self):
        """The state inflateInit2/inflateReset leave."""
        self.dec = _zlib.decompressobj(self.wbits)
        self.started = False
        self.header = b""
        self.need_dict = None
        self.window = bytearray()
        self.eos_seen = False
        wb = self.wbits
        if self.wrap == _RAW:
            self.wsize = 1 << -wb
        elif self.wrap == _GZIP:
            self.wsize = 1 << ((wb & 15) or 15)
        else:
            # windowBits 0 (+32): the zlib header's size
            self.wsize = 1 << (wb & 15) if wb & 15 else 0

    def add_window(self, data):
        w = self.window
        w += data
        size = self.wsize or 32768
        if len(w) > size:
            del w[:len(w) - size]

    def inflate_call(self, block, space):
        """One inflate() call on `block` with `space` bytes of output room:
        (return code, bytes of block consumed, output)."""
        if self.eos_seen:
            return Z_STREAM_END, 0, b""
        if self.need_dict is not None:
            return Z_NEED_DICT, 0, b""
        prefix = 0
        if not self.started and (self.wrap == _ZLIB or self.wrap == _AUTO):
            held = self.header
            buf = held + block if held else block
            if len(buf) < 2:
                self.header = buf
                return Z_OK, len(block), b""
            cmf, flg = buf[0], buf[1]
            if self.wrap == _AUTO and cmf == 0x1F and flg == 0x8B:
                if not self.wsize:
                    self.wsize = 1 << 15
            elif (cmf << 8 | flg) % 31 == 0 and cmf & 15 == 8:
                bits = (cmf >> 4) + 8
                limit = self.wbits & 15
                if bits <= 15 and (not limit or bits <= limit):
                    if not self.wsize:
                        self.wsize = 1 << bits
                    if flg & 0x20:
                        if len(buf) < 6:
                            self.header = buf
                            return Z_OK, len(block), b""
                        self.need_dict = int.from_bytes(buf[2:6], "big")
                        self.header = buf[:6]
                        return Z_NEED_DICT, 6 - len(held), b""
            prefix = len(held)
            block = buf
            self.header = b""
        dec = self.dec
        try:
            data = dec.decompress(block, space)
        except _zlib.error as e:
            m = _ERROR_CODE.search(str(e))
            code = int(m.group(1)) if m else Z_DATA_ERROR
            raise error(A.stream_error if code == Z_STREAM_ERROR else A.data_error)
        self.started = True
        if dec.eof:
            used = len(block) - len(dec.unused_data)
            self.eos_seen = True
            res = Z_STREAM_END
        else:
            used = len(block) - len(dec.unconsumed_tail)
            res = Z_OK
        if data:
            if self.want_out_crc:
                self.out_crc = _zlib.crc32(data, self.out_crc)
            # the call that checks a zlib or gzip trailer leaves its output
            # out of the window (inflate() resets its count at the check)
            if not (res == Z_STREAM_END and self.wrap != _RAW):
                self.add_window(data)
        return res, max(used - prefix, 0), data


# -- helpers -------------------------------------------------------------------------------

def _stream(z):
    if type(z) is not Ref or type(z.magic) is not _ZStream:
        raise badarg()
    return z.magic


def _owner_check(d):
    cur = VM.current
    pid = cur.pid if cur is not None else None
    if pid is not d.owner and pid != d.owner:
        raise error(A.not_on_controlling_process)


def _stream_of(z, *ints):
    """The stream behind `z` after the NIF's argument checks (C ints), then
    the controlling process check."""
    d = _stream(z)
    for v in ints:
        if type(v) is not int or not _INT_MIN <= v <= _INT_MAX:
            raise badarg()
    _owner_check(d)
    return d


def _in_state(d, state):
    if d.state != state:
        raise error(A.not_initialized)


def _zlib_return(code):
    if code == Z_OK:
        return _OK
    if code == Z_STREAM_END:
        return A.stream_end
    if code == Z_STREAM_ERROR:
        raise error(A.stream_error)
    if code == Z_DATA_ERROR:
        raise error(A.data_error)
    if code == Z_MEM_ERROR:
        return A.mem_error
    if code == Z_BUF_ERROR:
        return A.buf_error
    if code == Z_VERSION_ERROR:
        return A.version_error
    return A.unknown_error


def _c_int(v):
    """A 32-bit unsigned checksum as enif_make_int makes it."""
    return v - (1 << 32) if v > _INT_MAX else v


def _bytes(data):
    try:
        return iolist_to_bytes(data)
    except Exception:
        raise badarg()


def _out(chunks):
    return from_seq([b"".join(chunks)]) if chunks else NIL


# -- the stream ----------------------------------------------------------------------------

@bif("zlib", "open_nif", 0)
def open_nif():
    cur = VM.current
    r = VM.make_ref()
    r.magic = _ZStream(cur.pid if cur is not None else None)
    return r


@bif("zlib", "close_nif", 1)
def close_nif(z):
    d = _stream_of(z)
    if d.state == _CLOSED:
        raise error(A.not_initialized)
    d.state = _CLOSED
    d.stash = None
    d.comp = d.dec = None
    return _OK


@bif("zlib", "set_controller_nif", 2)
def set_controller_nif(z, pid):
    d = _stream(z)
    if type(pid) is not Pid or pid.node is not VM.runtime.node:
        raise badarg()
    _owner_check(d)
    d.owner = pid
    return _OK


@bif("zlib", "getStash_nif", 1)
def getStash_nif(z):
    d = _stream_of(z)
    if d.stash is None:
        return A.empty
    return (_OK, d.stash[0])


@bif("zlib", "clearStash_nif", 1)
def clearStash_nif(z):
    d = _stream_of(z)
    if d.stash is None:
        raise error(A.error)
    d.stash = None
    return _OK


@bif("zlib", "setStash_nif", 2)
def setStash_nif(z, term):
    d = _stream_of(z)
    if d.stash is not None:
        raise error(A.error)
    d.stash = (term,)
    return _OK


@bif("zlib", "getBufSize_nif", 1)
def getBufSize_nif(z):
    return _stream_of(z).bufsize


@bif("zlib", "setBufSize_nif", 2)
def setBufSize_nif(z, size):
    d = _stream_of(z)
    if type(size) is not int or not _INT_MIN <= size <= _INT_MAX:
        raise badarg()
    d.bufsize = size
    return _OK


@bif("zlib", "enqueue_nif", 2)
def enqueue_nif(z, iovec):
    d = _stream_of(z)
    if d.state != _DEFLATE and d.state != _INFLATE:
        raise error(A.not_initialized)
    r = iovec_elements(iovec, 256)
    if r is None:
        raise badarg()
    parts, tail = r
    q = d.queue
    for p in parts:
        q.enq(p)
    if tail is not NIL:
        return (_CONTINUE, tail)
    return _OK


@bif("zlib", "crc32_nif", 1)
def crc32_nif(z):
    d = _stream_of(z)
    if d.state == _DEFLATE:
        return d.in_crc
    if d.state == _INFLATE:
        return d.out_crc
    raise error(A.not_initialized)


# -- deflate -------------------------------------------------------------------------------

@bif("zlib", "deflateInit_nif", 6)
def deflateInit_nif(z, level, method, wbits, memlevel, strategy):
    d = _stream_of(z, level, method, wbits, memlevel, strategy)
    if d.state != _NONE:
        raise error(A.already_initialized)
    try:
        comp = _zlib.compressobj(level, method, wbits, memlevel, strategy)
    except (ValueError, _zlib.error, OverflowError):
        raise error(A.stream_error)
    d.comp = comp
    d.level = 6 if level == -1 else level
    d.method, d.wbits, d.memlevel, d.strategy = method, wbits, memlevel, strategy
    if wbits < 0:
        d.wrap, bits = _RAW, -wbits
    elif wbits > 15:
        d.wrap, bits = _GZIP, wbits - 16
    else:
        d.wrap, bits = _ZLIB, wbits
    d.wsize = 1 << max(bits, 9)
    d.state = _DEFLATE
    d.eos_seen = False
    d.want_out_crc = False
    d.want_in_crc = d.wrap == _RAW
    d.in_crc = d.out_crc = 0
    d.deflate_fresh()
    return _OK


@bif("zlib", "deflateSetDictionary_nif", 2)
def deflateSetDictionary_nif(z, dictionary):
    d = _stream(z)
    dictionary = _bytes(dictionary)
    _owner_check(d)
    _in_state(d, _DEFLATE)
    if d.wrap == _GZIP:
        raise error(A.stream_error)
    if d.dstatus == _D_INIT:
        # zlib's deflateSetDictionary adds to what earlier calls gave
        d.zdict += dictionary
        d.comp = d.new_compressor(d.zdict)
        d.history = d.zdict[-d.wsize:]
        if d.wrap == _ZLIB:
            return _c_int(_zlib.adler32(d.zdict))
        return _c_int(_zlib.adler32(dictionary, 0))
    if d.wrap == _ZLIB or not d.clean:
        raise error(A.stream_error)
    d.history = (d.history + dictionary)[-d.wsize:]
    d.restart_raw(d.history)
    return _c_int(_zlib.adler32(dictionary, 0))


@bif("zlib", "deflateReset_nif", 1)
def deflateReset_nif(z):
    d = _stream_of(z)
    _in_state(d, _DEFLATE)
    d.comp = d.new_compressor()
    d.deflate_fresh()
    d.in_crc = 0
    d.eos_seen = False
    d.reset_input()
    return _OK


@bif("zlib", "deflateEnd_nif", 1)
def deflateEnd_nif(z):
    d = _stream_of(z)
    _in_state(d, _DEFLATE)
    res = Z_DATA_ERROR if d.dstatus == _D_BUSY else Z_OK
    if res == Z_OK and d.queue.size:
        res = Z_DATA_ERROR
    d.reset_input()
    d.state = _NONE
    d.comp = None
    d.pending = bytearray()
    return _zlib_return(res)


@bif("zlib", "deflateParams_nif", 3)
def deflateParams_nif(z, level, strategy):
    d = _stream_of(z, level, strategy)
    _in_state(d, _DEFLATE)
    if level == -1:
        level = 6
    if not 0 <= level <= 9 or not 0 <= strategy <= 4:
        raise error(A.stream_error)
    if level == d.level and strategy == d.strategy:
        return _OK
    if d.dstatus == _D_INIT:
        d.level, d.strategy = level, strategy
        d.comp = d.new_compressor(d.zdict)
        return _OK
    if d.dstatus == _D_FINISH or not d.clean:
        # zlib would have to flush pending input into the NIF's 1-byte buffer
        raise error(A.stream_error)
    d.level, d.strategy = level, strategy
    d.restart_raw(d.history)
    return _OK


@bif("zlib", "deflate_nif", 4)
def deflate_nif(z, in_chunk, out_chunk, flush):
    d = _stream_of(z, in_chunk, out_chunk, flush)
    _in_state(d, _DEFLATE)
    if out_chunk < 0:
        return A.mem_error
    limit = in_chunk if in_chunk >= 0 else _NO_LIMIT
    q = d.queue
    pending = d.pending
    consumed = 0
    for block in q.blocks(limit):
        if consumed >= limit or len(pending) >= out_chunk:
            break
        if d.dstatus == _D_FINISH:
            q.deq(consumed)
            raise error(A.stream_error)
        d.compress(block)
        consumed += len(block)
    q.deq(consumed)
    if not q.size and len(pending) < out_chunk:
        d.flush(flush)
    produced = min(len(pending), out_chunk)
    if produced:
        chunk = bytes(pending[:produced])
        del pending[:produced]
        out = from_seq([chunk])
    else:
        out = NIL
    remaining = q.size
    if not consumed and not produced and remaining:
        raise error(A.data_error)
    if not remaining and produced < out_chunk:
        return (_FINISHED, out)
    return (_CONTINUE, out)


# -- inflate -------------------------------------------------------------------------------

@bif("zlib", "inflateInit_nif", 3)
def inflateInit_nif(z, wbits, eos_behavior):
    d = _stream_of(z, wbits, eos_behavior)
    if d.state != _NONE:
        raise error(A.already_initialized)
    try:
        _zlib.decompressobj(wbits)
    except (ValueError, _zlib.error, OverflowError):
        raise error(A.stream_error)
    d.wbits = wbits
    if wbits < 0:
        d.wrap = _RAW
    elif wbits < 16:
        d.wrap = _ZLIB
    elif wbits < 32:
        d.wrap = _GZIP
    else:
        d.wrap = _AUTO
    d.state = _INFLATE
    d.eos_behavior = eos_behavior
    d.inflate_fresh()
    d.want_out_crc = d.wrap == _RAW
    d.want_in_crc = False
    d.in_crc = d.out_crc = 0
    return _OK


@bif("zlib", "inflateSetDictionary_nif", 2)
def inflateSetDictionary_nif(z, dictionary):
    d = _stream(z)
    dictionary = _bytes(dictionary)
    _owner_check(d)
    _in_state(d, _INFLATE)
    if d.need_dict is not None:
        if _zlib.adler32(dictionary) != d.need_dict:
            raise error(A.data_error)
        d.dec = _zlib.decompressobj(d.wbits, zdict=dictionary)
        d.dec.decompress(d.header)
        d.started = True
        d.need_dict = None
        d.header = b""
        d.window = bytearray()
        d.add_window(dictionary)
        return _OK
    if d.wrap != _RAW:
        raise error(A.stream_error)
    # a raw stream takes a dictionary at any time: it joins the window
    d.add_window(dictionary)
    d.dec = _zlib.decompressobj(d.wbits, zdict=bytes(d.window))
    return _OK


@bif("zlib", "inflateGetDictionary_nif", 1)
def inflateGetDictionary_nif(z):
    d = _stream_of(z)
    _in_state(d, _INFLATE)
    return bytes(d.window)


@bif("zlib", "inflateReset_nif", 1)
def inflateReset_nif(z):
    d = _stream_of(z)
    _in_state(d, _INFLATE)
    d.inflate_fresh()
    d.out_crc = 0
    d.reset_input()
    return _OK


@bif("zlib", "inflateEnd_nif", 1)
def inflateEnd_nif(z):
    d = _stream_of(z)
    _in_state(d, _INFLATE)
    res = Z_OK
    if not d.eos_seen or d.queue.size:
        res = Z_DATA_ERROR
    d.reset_input()
    d.state = _NONE
    d.dec = None
    return _zlib_return(res)


@bif("zlib", "inflate_nif", 4)
def inflate_nif(z, in_chunk, out_chunk, flush):
    d = _stream_of(z, in_chunk, out_chunk, flush)
    _in_state(d, _INFLATE)
    q = d.queue
    if d.eos_seen and q.size:
        b = d.eos_behavior
        if b == _EOS_ERROR:
            raise error(A.data_error)
        if b == _EOS_RESET:
            out_crc = d.out_crc
            d.inflate_fresh()
            d.out_crc = out_crc
        elif b == _EOS_CUT:
            d.reset_input()
    if out_chunk < 0:
        return A.mem_error
    limit = in_chunk if in_chunk >= 0 else _NO_LIMIT
    chunks = []
    produced = consumed = 0
    res = Z_OK
    try:
        for block in q.blocks(limit):
            if consumed >= limit:
                break
            space = out_chunk - produced
            if space <= 0:
                res = Z_BUF_ERROR
                break
            res, used, data = d.inflate_call(block, space)
            consumed += used
            if data:
                chunks.append(data)
                produced += len(data)
            if res != Z_OK:
                break
    finally:
        q.deq(consumed)
    if res == Z_OK and not q.size and produced < out_chunk:
        res, _, data = d.inflate_call(b"", out_chunk - produced)
        if data:
            chunks.append(data)
            produced += len(data)
    remaining = q.size
    if not consumed and not produced and remaining:
        raise error(A.data_error)
    out = _out(chunks)
    if not remaining and produced < out_chunk:
        return (_FINISHED, out)
    if res != Z_NEED_DICT:
        return (_CONTINUE, out)
    return (A.need_dictionary, _c_int(d.need_dict), out)
