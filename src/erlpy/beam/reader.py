"""The BEAM file container: IFF chunks, and the tables that are not code.

read_beam(data) -> BeamFile with atoms, imports, exports, locals, funs,
literals (decoded once), string table, line table, attributes, compile
info, type table and the raw Code chunk. Any inconsistency raises BadBeam,
which code loading reports as {error, badfile}.
"""

import struct
import zlib
import hashlib

from ..terms import atom, ErlangError
from ..terms.etf import binary_to_term

__all__ = ["BeamFile", "BadBeam", "read_beam", "chunks"]


class BadBeam(Exception):
    """The file is not a well-formed BEAM module."""


class BeamFile:
    __slots__ = ("module", "atoms", "imports", "exports", "locals", "funs", "literals",
                 "strings", "code", "code_header", "lines", "line_fnames", "attributes",
                 "compile_info", "types", "md5", "meta", "chunk_ids")

    def __init__(self):
        self.literals = []
        self.strings = b""
        self.funs = []
        self.locals = []
        self.lines = None
        self.line_fnames = []
        self.attributes = None
        self.compile_info = None
        self.types = None
        self.meta = None


def chunks(data):
    """{chunk_id: bytes} of an IFF BEAM file."""
    if len(data) < 12 or data[:4] != b"FOR1" or data[8:12] != b"BEAM":
        raise BadBeam("not a BEAM file")
    size = struct.unpack(">I", data[4:8])[0]
    end = 8 + size
    if end > len(data):
        raise BadBeam("truncated file")
    out = {}
    order = []
    pos = 12
    while pos + 8 <= end:
        cid = data[pos:pos + 4].decode("latin-1")
        clen = struct.unpack(">I", data[pos + 4:pos + 8])[0]
        start = pos + 8
        if start + clen > end:
            raise BadBeam("truncated chunk %s" % cid)
        out[cid] = data[start:start + clen]
        order.append(cid)
        pos = start + ((clen + 3) & ~3)
    return out, order


def _u32(b, pos):
    if pos + 4 > len(b):
        raise BadBeam("truncated table")
    return struct.unpack_from(">I", b, pos)[0]


def _atoms(chunk, utf8):
    n = _u32(chunk, 0)
    pos = 4
    names = [None]  # atoms are 1-based
    enc = "utf-8" if utf8 else "latin-1"
    for _ in range(n):
        if pos >= len(chunk):
            raise BadBeam("truncated atom table")
        ln = chunk[pos]
        pos += 1
        if pos + ln > len(chunk):
            raise BadBeam("truncated atom table")
        try:
            names.append(atom(chunk[pos:pos + ln].decode(enc)))
        except UnicodeDecodeError:
            raise BadBeam("bad atom encoding")
        pos += ln
    return names


def _triples(chunk, width):
    n = _u32(chunk, 0)
    if 4 + n * 4 * width > len(chunk):
        raise BadBeam("truncated table")
    return [struct.unpack_from(">" + "I" * width, chunk, 4 + i * 4 * width) for i in range(n)]


def _atom(atoms, i):
    if not 0 < i < len(atoms):
        raise BadBeam("bad atom index %d" % i)
    return atoms[i]


def _literals(chunk):
    if len(chunk) < 4:
        raise BadBeam("bad literal table")
    usize = _u32(chunk, 0)
    try:
        raw = zlib.decompress(chunk[4:]) if usize else chunk[4:]
    except zlib.error:
        raise BadBeam("bad literal table compression")
    n = _u32(raw, 0)
    pos = 4
    lits = []
    for _ in range(n):
        sz = _u32(raw, pos)
        pos += 4
        if pos + sz > len(raw):
            raise BadBeam("truncated literal")
        try:
            lits.append(binary_to_term(raw[pos:pos + sz]))
        except ErlangError:
            raise BadBeam("bad literal")
        pos += sz
    return lits


def _term_chunk(chunk):
    try:
        return binary_to_term(chunk)
    except ErlangError:
        raise BadBeam("bad term chunk")


def read_beam(data):
    """Parse a .beam binary into a BeamFile (the Code chunk is decoded by the loader)."""
    cs, order = chunks(bytes(data))
    bf = BeamFile()
    bf.chunk_ids = order
    if "AtU8" in cs:
        atoms = _atoms(cs["AtU8"], True)
    elif "Atom" in cs:
        atoms = _atoms(cs["Atom"], False)
    else:
        raise BadBeam("no atom table")
    if len(atoms) < 2:
        raise BadBeam("empty atom table")
    bf.atoms = atoms
    bf.module = atoms[1]
    if "Code" not in cs:
        raise BadBeam("no code chunk")
    code = cs["Code"]
    if len(code) < 20:
        raise BadBeam("truncated code header")
    hsize, fmt, maxop, nlabels, nfuncs = struct.unpack_from(">IIIII", code, 0)
    if fmt != 0 or hsize < 16 or 4 + hsize > len(code):
        raise BadBeam("unsupported code format")
    bf.code_header = (maxop, nlabels, nfuncs)
    bf.code = code[4 + hsize:]
    bf.imports = [(_atom(atoms, m), _atom(atoms, f), a)
                  for m, f, a in _triples(cs.get("ImpT", b"\0\0\0\0"), 3)]
    bf.exports = [(_atom(atoms, f), a, lbl) for f, a, lbl in _triples(cs.get("ExpT", b"\0\0\0\0"), 3)]
    if "LocT" in cs:
        bf.locals = [(_atom(atoms, f), a, lbl) for f, a, lbl in _triples(cs["LocT"], 3)]
    if "FunT" in cs:
        bf.funs = [(_atom(atoms, f), a, lbl, idx, nfree, ouniq)
                   for f, a, lbl, idx, nfree, ouniq in _triples(cs["FunT"], 6)]
    if "LitT" in cs:
        bf.literals = _literals(cs["LitT"])
    bf.strings = cs.get("StrT", b"")
    if "Line" in cs:
        bf.lines, bf.line_fnames = _line_table(cs["Line"], atoms)
    if "Attr" in cs:
        bf.attributes = _term_chunk(cs["Attr"])
    if "CInf" in cs:
        bf.compile_info = _term_chunk(cs["CInf"])
    if "Meta" in cs:
        bf.meta = _term_chunk(cs["Meta"])
    bf.types = cs.get("Type")
    bf.md5 = module_md5(cs)
    return bf


def module_md5(cs):
    """erlang:md5 of the chunks that define the module, as beam_lib:md5/1 does."""
    h = hashlib.md5()
    for cid in ("AtU8", "Code", "StrT", "ImpT", "ExpT", "FunT", "LitT", "Meta"):
        if cid == "AtU8" and cid not in cs:
            cid = "Atom"
        if cid not in cs:
            continue
        data = cs[cid]
        if cid == "FunT":
            # BEAM hashes the fun table with each entry's OldUniq zeroed
            t = bytearray(data)
            for off in range(4 + 20, len(t) - 3, 24):
                t[off:off + 4] = b"\0\0\0\0"
            data = bytes(t)
        h.update(data)
    return h.digest()


def _line_table(chunk, atoms):
    """Line chunk -> (list of (fname_index, line) per line index, [fnames])."""
    from ..loader.compact import CompactReader
    if len(chunk) < 20:
        raise BadBeam("bad line table")
    ver, _flags, _ninstr, nitems, nfnames = struct.unpack_from(">IIIII", chunk, 0)
    if ver != 0:
        return None, []
    rd = CompactReader(chunk, 20, atoms, [])
    items = [(0, 0)]  # line index 0 means "no line information"
    fname = 0
    while len(items) <= nitems:
        tag, val = rd.raw()
        if tag == "a":
            fname = val
        elif tag == "i":
            items.append((fname, val))
        else:
            raise BadBeam("bad line item")
    pos = rd.pos
    fnames = []
    for _ in range(nfnames):
        if pos + 2 > len(chunk):
            raise BadBeam("bad line file names")
        ln = struct.unpack_from(">H", chunk, pos)[0]
        pos += 2
        fnames.append(chunk[pos:pos + ln].decode("utf-8", "replace"))
        pos += ln
    return items, fnames
