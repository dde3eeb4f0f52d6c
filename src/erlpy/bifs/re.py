"""The `re` module's BIFs (run/2,3, internal_run/4, compile/1,2, inspect/2,
version/0): PCRE 8.44 semantics on top of Python's `re`.

OTP links PCRE into the emulator; re.erl implements replace/split and the
global loop (grun) on top of these BIFs. Here a PCRE pattern is parsed into a
small tree (PCRE's syntax, error texts and error offsets) and the tree is
written out as a Python pattern in which everything that differs is spelled
out: `.`, `^`, `$`, `\\Z` under each newline convention, `\\w`/`\\d`/`\\s`
and POSIX classes from the Latin-1 tables OTP builds PCRE with (or Unicode
properties under `ucp`), caseless matching by explicit case sets, atomic
groups and possessive quantifiers (native on Python >= 3.11, else the
`(?=(X))\\N` equivalent), lookbehinds split per branch, `\\K`, `\\G`,
`notempty`, `notbol`, `noteol`, `firstline`. Latin-1 subjects are matched as
bytes; with `unicode` the subject is decoded and every offset converted back
to a byte offset into the UTF-8 binary, as PCRE reports them.

What OTP's re:compile returns is {re_pattern, NumGroups, Unicode, UseCRLF,
Bin}; Bin here is b"ERPY" + the compile options + the pattern source, so any
copy of the term (sent, stored in ETS, written to disk) compiles back to the
same pattern; compiled patterns are cached by Bin.

PCRE behaviours that are observable are reproduced: its error texts and
offsets (and which error of its two passes comes first), auto-possessification
by its fixed table (which makes `.+\\R` or `\\h+\\S` fail where backtracking
would succeed), \\w and \\W tested on ASCII only in the first repetitions of
X+ and X{n,} in UTF mode, no match starting between CR and LF under the
crlf/any/anycrlf conventions, BEAM's traps to re:grun/urun/ucompile.
Subroutine calls to other groups ((?1), (?&name), \\g<name>) are inlined as
atomic groups that set no captures, which is what PCRE 8 makes of them.

Not supported: recursion ((?R), (?0), a group calling itself) and the verbs
(*ACCEPT) (*COMMIT) (*PRUNE) (*SKIP) (*THEN) compile to the error "... is not
supported by erlpy" (reported only if PCRE finds no error of its own);
callouts and (*MARK) are ignored; \\C in UTF mode matches a whole character;
\\X is CR LF, a control, or a character with its marks (no Hangul, regional
indicator or emoji sequences); script names in \\p{...} are read from
Unicode character names; Unicode data is Python's, not PCRE 8.44's. There is
no match limit: a pattern that backtracks exponentially runs until done
(PCRE gives up after 10,000,000 steps), and a match does not yield to other
processes.
"""

import bisect
import re as _pyre
import struct
import unicodedata

from ..terms import A, NIL, Cons, Map, ErlangError, badarg, from_seq, atom
from ..terms.errors import ERROR
from ..terms.bits import iolist_to_bytes
from ..code.contract import VM, Trap, Exit
from .registry import bif

try:
    _pyre.compile("(?>a)a*+")
    _NATIVE_ATOMIC = True
except _pyre.error:
    _NATIVE_ATOMIC = False

_MAXCP = 0x10FFFF
_VERSION = b"8.44 2020-02-12"


class _CompileError(Exception):
    def __init__(self, msg, offset):
        Exception.__init__(self, msg)
        self.msg = msg
        self.offset = offset


# ---------------------------------------------------------------------------
# Sets of code points: sorted lists of disjoint, non-adjacent (lo, hi) pairs

def _norm(ranges):
    out = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _union(*sets):
    allr = []
    for s in sets:
        allr.extend(s)
    return _norm(allr)


def _complement(s, top):
    out = []
    nxt = 0
    for lo, hi in s:
        if lo > top:
            break
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= top:
        out.append((nxt, top))
    return out


def _clip(s, top):
    out = []
    for lo, hi in s:
        if lo > top:
            break
        out.append((lo, min(hi, top)))
    return out


def _from_chars(cps):
    return _norm((c, c) for c in cps)


# The Latin-1 character tables OTP builds PCRE with (pcre_latin_1_table.c),
# as PCRE sees them for code points below 256.
_L1 = {
    "alpha": [(65, 90), (97, 122), (170, 170), (181, 181), (186, 186), (192, 214),
              (216, 246), (248, 255)],
    "lower": [(97, 122), (170, 170), (181, 181), (186, 186), (223, 246), (248, 255)],
    "upper": [(65, 90), (192, 214), (216, 222)],
    "digit": [(48, 57)],
    "xdigit": [(48, 57), (65, 70), (97, 102)],
    "space": [(9, 13), (32, 32)],
    "blank": [(9, 9), (32, 32)],
    "cntrl": [(0, 31), (127, 159)],
    "graph": [(33, 126), (160, 255)],
    "print": [(32, 126), (160, 255)],
    "punct": [(33, 47), (58, 64), (91, 96), (123, 126), (160, 169), (171, 180),
              (182, 185), (187, 191), (215, 215), (247, 247)],
    "ascii": [(0, 127)],
}
_L1["alnum"] = _union(_L1["alpha"], _L1["digit"])
_L1["word"] = _union(_L1["alnum"], [(95, 95)])

_HSPACE = [(9, 9), (32, 32), (0xA0, 0xA0), (0x1680, 0x1680), (0x180E, 0x180E),
           (0x2000, 0x200A), (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000)]
_VSPACE = [(10, 13), (0x85, 0x85), (0x2028, 0x2029)]

_L1_ASCII_WORD = [(48, 57), (65, 90), (95, 95), (97, 122)]

_POSIX_NAMES = ("alpha", "lower", "upper", "alnum", "ascii", "blank", "cntrl", "digit",
                "graph", "print", "punct", "space", "word", "xdigit")

# Unicode general categories, computed once when a pattern first needs them.
_CATS = {}


def _categories():
    if _CATS:
        return _CATS
    acc = {}
    cat = unicodedata.category
    start = 0
    cur = cat(chr(0))
    for cp in range(1, _MAXCP + 2):
        c = cat(chr(cp)) if cp <= _MAXCP else None
        if c != cur:
            acc.setdefault(cur, []).append((start, cp - 1))
            start = cp
            cur = c
    for k, v in acc.items():
        _CATS[k] = v
    for major in "CLMNPSZ":
        _CATS[major] = _union(*[v for k, v in acc.items() if k[0] == major])
    for k in ("Cc", "Cf", "Cn", "Co", "Cs", "Ll", "Lm", "Lo", "Lt", "Lu", "Mc", "Me", "Mn",
              "Nd", "Nl", "No", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "Sc", "Sk", "Sm",
              "So", "Zl", "Zp", "Zs"):
        _CATS.setdefault(k, [])
    _CATS["L&"] = _union(_CATS["Lu"], _CATS["Ll"], _CATS["Lt"])
    _CATS["Any"] = [(0, _MAXCP)]
    _CATS["Xan"] = _union(_CATS["L"], _CATS["N"])
    _CATS["Xwd"] = _union(_CATS["Xan"], [(95, 95)])
    _CATS["Xps"] = _union(_CATS["Z"], _HSPACE, _VSPACE)
    _CATS["Xsp"] = _CATS["Xps"]
    _CATS["Xuc"] = [(0x24, 0x24), (0x40, 0x40), (0x60, 0x60), (0xA0, 0xD7FF), (0xE000, _MAXCP)]
    graph = _union(_CATS["L"], _CATS["M"], _CATS["N"], _CATS["P"], _CATS["S"], _CATS["Cf"])
    graph = _subtract(graph, [(0x061C, 0x061C), (0x180E, 0x180E), (0x2066, 0x2069)])
    _CATS["_graph"] = graph
    _CATS["_print"] = _union(graph, _subtract(_CATS["Zs"], _CATS["Cc"]))
    _CATS["_punct"] = _union(_CATS["P"], _clip(_CATS["S"], 127))
    return _CATS


def _subtract(a, b):
    return _intersect(a, _complement(b, _MAXCP))


def _intersect(a, b):
    out = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo = max(a[i][0], b[j][0])
        hi = min(a[i][1], b[j][1])
        if lo <= hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


_SCRIPTS = {}


# Caseless matching. Non-UTF mode: the Latin-1 table's case pairs. UTF mode:
# code points grouped by their (one-character) case folding.
_L1_CASE = {}
for _c in range(65, 91):
    _L1_CASE[_c] = (_c, _c + 32)
    _L1_CASE[_c + 32] = (_c, _c + 32)
for _c in range(0xC0, 0xDF):
    if _c != 0xD7:
        _L1_CASE[_c] = (_c, _c + 32)
        _L1_CASE[_c + 32] = (_c, _c + 32)
del _c

_UCASE = {}        # code point -> tuple of its case set (only sets of 2 or more)
_UCASE_KEYS = []   # sorted code points that have one


def _ucase():
    if _UCASE_KEYS:
        return _UCASE
    groups = {}
    for cp in range(0x1F000):
        c = chr(cp)
        f = c.casefold()
        if len(f) != 1:
            f = c.lower()
            if len(f) != 1:
                continue
        if f != c:
            groups.setdefault(ord(f), set([ord(f)])).add(cp)
        lo = c.lower()
        if len(lo) == 1 and lo != c and ord(lo) not in groups.get(ord(f), ()):
            groups.setdefault(ord(f), set([ord(f)])).add(ord(lo))
    for g in groups.values():
        t = tuple(sorted(g))
        for cp in t:
            _UCASE[cp] = t
    _UCASE_KEYS.extend(sorted(_UCASE))
    return _UCASE


def _case_set(cp, utf):
    if utf:
        return _ucase().get(cp)
    return _L1_CASE.get(cp)


def _case_close(ranges, utf):
    """The set plus every other case of its members."""
    extra = []
    if utf:
        table = _ucase()
        keys = _UCASE_KEYS
        for lo, hi in ranges:
            i = bisect.bisect_left(keys, lo)
            while i < len(keys) and keys[i] <= hi:
                for c in table[keys[i]]:
                    extra.append((c, c))
                i += 1
    else:
        for lo, hi in ranges:
            for c in range(max(lo, 0), min(hi, 255) + 1):
                t = _L1_CASE.get(c)
                if t:
                    extra.append((t[0], t[0]))
                    extra.append((t[1], t[1]))
    if not extra:
        return ranges
    return _union(ranges, extra)


# ---------------------------------------------------------------------------
# Options

# Compile option bits (kept in the pattern binary).
_CASELESS = 0x1
_MULTILINE = 0x2
_DOTALL = 0x4
_EXTENDED = 0x8
_ANCHORED = 0x10
_DOLLAR_ENDONLY = 0x20
_UNGREEDY = 0x40
_NO_AUTO_CAPTURE = 0x80
_DUPNAMES = 0x100
_UCP = 0x200
_NEVER_UTF = 0x400
_FIRSTLINE = 0x800
_UTF8 = 0x1000
_NO_START_OPTIMIZE = 0x2000
_EXTRA = 0x4000
_NL_SHIFT = 16       # 3 bits: 0 default (LF), 1 CR, 2 LF, 3 CRLF, 4 ANY, 5 ANYCRLF
_BSR_SHIFT = 20      # 2 bits: 1 ANYCRLF, 2 UNICODE

_NL_CR, _NL_LF, _NL_CRLF, _NL_ANY, _NL_ANYCRLF = 1, 2, 3, 4, 5

# Exec option bits.
_E_ANCHORED = 0x1
_E_NOTEMPTY = 0x2
_E_NOTEMPTY_ATSTART = 0x4
_E_NOTBOL = 0x8
_E_NOTEOL = 0x10

# parse flags (as erl_bif_re.c)
_F_UNIQUE_COMPILE = 1
_F_UNIQUE_EXEC = 2
_F_UNICODE = 4
_F_CAPTURE = 16
_F_GLOBAL = 32
_F_REPORT_ERRORS = 64

_COPT_ATOMS = {
    "caseless": _CASELESS, "dollar_endonly": _DOLLAR_ENDONLY, "dotall": _DOTALL,
    "extended": _EXTENDED, "firstline": _FIRSTLINE, "multiline": _MULTILINE,
    "no_auto_capture": _NO_AUTO_CAPTURE, "dupnames": _DUPNAMES, "ungreedy": _UNGREEDY,
    "ucp": _UCP, "never_utf": _NEVER_UTF, "no_start_optimize": _NO_START_OPTIMIZE,
    "unicode": _UTF8,
}
_EOPT_ATOMS = {
    "notempty": _E_NOTEMPTY, "notempty_atstart": _E_NOTEMPTY_ATSTART,
    "notbol": _E_NOTBOL, "noteol": _E_NOTEOL,
}
_NEWLINES = {"cr": _NL_CR, "lf": _NL_LF, "crlf": _NL_CRLF, "anycrlf": _NL_ANYCRLF, "any": _NL_ANY}
_INT_MAX = 0x7FFFFFFF


class _Opts:
    __slots__ = ("copt", "eopt", "flags", "offset", "cap_values", "cap_type", "newline",
                 "bsr")

    def __init__(self):
        self.copt = 0
        self.eopt = 0
        self.flags = 0
        self.offset = 0
        self.cap_values = None
        self.cap_type = None
        self.newline = 0
        self.bsr = 0


class _BadOpt(Exception):
    pass


def _parse_options(lst):
    """parse_options() of erl_bif_re.c; _BadOpt for anything it refuses."""
    o = _Opts()
    while type(lst) is Cons:
        item = lst.hd
        lst = lst.tl
        if type(item) is tuple:
            if len(item) == 3 and item[0] is A.capture:
                o.cap_values = item[1]
                o.cap_type = item[2]
                o.flags |= _F_CAPTURE | _F_UNIQUE_EXEC
                continue
            if len(item) != 2 or type(item[0]) is not type(A.capture):
                raise _BadOpt()
            key, val = item
            name = key.name
            if name == "capture":
                o.cap_values = val
                o.cap_type = A.index
                o.flags |= _F_CAPTURE | _F_UNIQUE_EXEC
            elif name in ("offset", "match_limit", "match_limit_recursion"):
                if type(val) is not int or val < 0 or val > _INT_MAX:
                    raise _BadOpt()
                if name == "offset":
                    o.offset = val
                o.flags |= _F_UNIQUE_EXEC
            elif name == "newline":
                nl = _NEWLINES.get(val.name) if type(val) is type(A.capture) else None
                if nl is None:
                    raise _BadOpt()
                o.newline |= nl
            else:
                raise _BadOpt()
        elif type(item) is type(A.capture):
            name = item.name
            bit = _COPT_ATOMS.get(name)
            if bit is not None:
                o.copt |= bit
                o.flags |= _F_UNIQUE_COMPILE
                if bit == _UTF8:
                    o.flags |= _F_UNICODE
                continue
            bit = _EOPT_ATOMS.get(name)
            if bit is not None:
                o.eopt |= bit
                o.flags |= _F_UNIQUE_EXEC
            elif name == "anchored":
                o.copt |= _ANCHORED
                o.eopt |= _E_ANCHORED
            elif name == "report_errors":
                o.flags |= _F_UNIQUE_EXEC | _F_REPORT_ERRORS
            elif name == "global":
                o.flags |= _F_UNIQUE_EXEC | _F_GLOBAL
            elif name == "bsr_anycrlf":
                o.bsr |= 1
            elif name == "bsr_unicode":
                o.bsr |= 2
            else:
                raise _BadOpt()
        else:
            raise _BadOpt()
    if lst is not NIL:
        raise _BadOpt()
    return o


# ---------------------------------------------------------------------------
# Scripts (\p{Greek}...): Python has no script property, so a code point's
# script is read from the first words of its Unicode name; Inherited is the
# remaining combining marks and Common every other assigned code point.

_SCRIPT_NAMES = (
    "Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak Bengali Bopomofo Brahmi Braille "
    "Buginese Buhid Canadian_Aboriginal Carian Caucasian_Albanian Chakma Cham Cherokee Common "
    "Coptic Cuneiform Cypriot Cyrillic Deseret Devanagari Duployan Egyptian_Hieroglyphs "
    "Elbasan Ethiopic Georgian Glagolitic Gothic Grantha Greek Gujarati Gurmukhi Han Hangul "
    "Hanunoo Hebrew Hiragana Imperial_Aramaic Inherited Inscriptional_Pahlavi "
    "Inscriptional_Parthian Javanese Kaithi Kannada Katakana Kayah_Li Kharoshthi Khmer Khojki "
    "Khudawadi Lao Latin Lepcha Limbu Linear_A Linear_B Lisu Lycian Lydian Mahajani Malayalam "
    "Mandaic Manichaean Meetei_Mayek Mende_Kikakui Meroitic_Cursive Meroitic_Hieroglyphs Miao "
    "Modi Mongolian Mro Myanmar Nabataean New_Tai_Lue Nko Ogham Ol_Chiki Old_Italic "
    "Old_North_Arabian Old_Permic Old_Persian Old_South_Arabian Old_Turkic Oriya Osmanya "
    "Pahawh_Hmong Palmyrene Pau_Cin_Hau Phags_Pa Phoenician Psalter_Pahlavi Rejang Runic "
    "Samaritan Saurashtra Sharada Shavian Siddham Sinhala Sora_Sompeng Sundanese Syloti_Nagri "
    "Syriac Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet Takri Tamil Telugu Thaana Thai Tibetan "
    "Tifinagh Tirhuta Ugaritic Vai Warang_Citi Yi").split()

_SCRIPT_WORDS = {
    "CJK UNIFIED IDEOGRAPH": "Han", "CJK COMPATIBILITY IDEOGRAPH": "Han", "CJK RADICAL": "Han",
    "KANGXI RADICAL": "Han", "IDEOGRAPHIC ITERATION": "Han", "CANADIAN SYLLABICS": "Canadian_Aboriginal",
    "NKO": "Nko", "PHAGS-PA": "Phags_Pa", "EGYPTIAN HIEROGLYPH": "Egyptian_Hieroglyphs",
    "LINEAR B": "Linear_B", "LINEAR A": "Linear_A", "HALFWIDTH HANGUL": "Hangul",
    "HALFWIDTH KATAKANA": "Katakana", "CIRCLED KATAKANA": "Katakana",
    "MEROITIC HIEROGLYPHIC": "Meroitic_Hieroglyphs", "MEROITIC CURSIVE": "Meroitic_Cursive",
    "MENDE KIKAKUI": "Mende_Kikakui", "ANATOLIAN HIEROGLYPH": None, "YI SYLLABLE": "Yi",
    "YI RADICAL": "Yi", "MODIFIER LETTER": None,
}
for _s in _SCRIPT_NAMES:
    _SCRIPT_WORDS.setdefault(_s.upper().replace("_", " "), _s)
del _s


def _script(name):
    if not _SCRIPTS:
        acc = dict((k, []) for k in _SCRIPT_NAMES)
        uname = unicodedata.name
        ucat = unicodedata.category
        words = _SCRIPT_WORDS
        for cp in range(0x323B0):
            c = chr(cp)
            cat = ucat(c)
            if cat == "Cn":
                continue
            n = uname(c, "")
            found = None
            if n:
                parts = n.split(" ", 3)
                for k in (3, 2, 1):
                    key = " ".join(parts[:k])
                    if key in words:
                        found = words[key]
                        break
            if found is None:
                if 0x3400 <= cp <= 0x9FFF or 0x20000 <= cp or 0xF900 <= cp <= 0xFAFF:
                    found = "Han" if cat == "Lo" else "Common"
                elif (cp < 0x80 and c.isalpha()) or (0xC0 <= cp <= 0x24F and cat[0] == "L"):
                    found = "Latin"
                elif cat in ("Mn", "Me"):
                    found = "Inherited"
                else:
                    found = "Common"
            acc[found].append((cp, cp))
        for k, v in acc.items():
            _SCRIPTS[k] = _norm(v)
    return _SCRIPTS.get(name)


# ---------------------------------------------------------------------------
# The pattern parser: PCRE syntax -> tree

_ERR = {
    1: "\\ at end of pattern", 2: "\\c at end of pattern", 3: "unrecognized character follows \\",
    4: "numbers out of order in {} quantifier", 5: "number too big in {} quantifier",
    6: "missing terminating ] for character class",
    7: "invalid escape sequence in character class", 8: "range out of order in character class",
    9: "nothing to repeat", 12: "unrecognized character after (? or (?-",
    13: "POSIX named classes are supported only within a class", 14: "missing )",
    15: "reference to non-existent subpattern", 18: "missing ) after comment",
    22: "unmatched parentheses", 24: "unrecognized character after (?<",
    25: "lookbehind assertion is not fixed length", 26: "malformed number or name after (?(",
    27: "conditional group contains more than two branches",
    28: "assertion expected after (?( or (?(?C)",
    29: "(?R or (?[+-]digits must be followed by )", 30: "unknown POSIX class name",
    31: "POSIX collating elements are not supported",
    34: "character value in \\x{} or \\o{} is too large", 35: "invalid condition (?(0)",
    36: "\\C not allowed in lookbehind assertion",
    37: "PCRE does not support \\L, \\l, \\N{name}, \\U, or \\u",
    38: "number after (?C is > 255", 39: "closing ) for (?C expected",
    41: "unrecognized character after (?P",
    42: "syntax error in subpattern name (missing terminator)",
    43: "two named subpatterns have the same name", 44: "invalid UTF-8 string",
    46: "malformed \\P or \\p sequence", 47: "unknown property name after \\P or \\p",
    48: "subpattern name is too long (maximum 32 characters)",
    51: "octal value is greater than \\377 in 8-bit non-UTF-8 mode",
    54: "DEFINE group contains more than one branch", 56: "inconsistent NEWLINE options",
    57: "\\g is not followed by a braced, angle-bracketed, or quoted name/number or by a plain number",
    58: "a numbered reference must not be zero",
    59: "an argument is not allowed for (*ACCEPT), (*FAIL), or (*COMMIT)",
    60: "(*VERB) not recognized or malformed", 61: "number is too big",
    62: "subpattern name expected", 63: "digit expected after (?+",
    66: "(*MARK) must have an argument", 68: "\\c must be followed by an ASCII character",
    69: "\\k is not followed by a braced, angle-bracketed, or quoted name",
    71: "\\N is not supported in a class",
    73: "disallowed Unicode code point (>= 0xd800 && <= 0xdfff)",
    78: "setting UTF is disabled by the application",
    79: "non-hex character in \\x{} (closing brace missing?)",
    80: "non-octal character in \\o{} (closing brace missing?)",
    81: "missing opening brace after \\o", 83: "invalid range in character class",
    84: "group name must start with a non-digit", 86: "digits missing in \\x{} or \\o{}",
}

def _isdigit(c):
    return 48 <= c <= 57


def _isxdigit(c):
    return 48 <= c <= 57 or 65 <= c <= 70 or 97 <= c <= 102


def _isword(c):
    # PCRE's ctype_word from the Latin-1 tables (names are made of these)
    return c < 256 and (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 or c == 95 or
                        c in (170, 181, 186) or (192 <= c <= 255 and c not in (215, 247)))


def _isletter(c):
    # PCRE's ctype_letter from the Latin-1 tables
    return 65 <= c <= 90 or 97 <= c <= 122 or c in (170, 181, 186) or \
        (192 <= c <= 255 and c not in (215, 247))


def _isspace(c):
    return 9 <= c <= 13 or c == 32


# PCRE's autoposstab (pcre_compile.c): 1 where a repeat of the row type
# followed by the column type is made possessive.
_TYPE_INDEX = {"D": 0, "d": 1, "S": 2, "s": 3, "W": 4, "w": 5, "N": 6, "C": 8, "R": 11,
               "H": 12, "h": 13, "V": 14, "v": 15, "X": 16}
_AUTOPOSS = [[int(x) for x in row.split()] for row in """
0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
1 0 0 1 1 0 0 0 0 0 0 1 0 1 0 1 0
0 0 0 1 0 0 0 0 0 0 0 1 0 1 0 1 0
0 1 1 0 0 1 0 0 0 0 0 0 0 0 0 0 0
0 1 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0
0 0 0 1 1 0 0 0 0 0 0 1 0 1 0 1 0
0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0
0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
0 1 0 1 0 1 1 0 0 0 0 0 0 1 0 0 0
0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 0 0
0 1 1 0 0 1 0 0 0 0 0 1 1 0 0 1 0
0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 1 0
0 1 1 0 0 1 0 0 0 0 0 0 0 1 1 0 0
0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0""".strip().split("\n")]


class _Parser:
    def __init__(self, src, copt, newline, bsr):
        self.copt = copt
        self.newline = newline
        self.bsr = bsr
        self.utf = bool(copt & _UTF8)
        self.start_items(src)
        if self.utf:
            if copt & _NEVER_UTF:
                raise _CompileError(_ERR[78], 0)
            try:
                text = src.decode("utf-8")
            except UnicodeDecodeError as e:
                raise _CompileError(_ERR[44], e.start)
            self.p = [ord(ch) for ch in text]
            offs = [0]
            o = 0
            for ch in self.p:
                o += 1 if ch < 0x80 else 2 if ch < 0x800 else 3 if ch < 0x10000 else 4
                offs.append(o)
            self.offs = offs
            # the verbs at the start are ASCII: same index in both
        else:
            self.p = list(src)
            self.offs = None
        self.n = len(self.p)
        self.top = _MAXCP if self.utf else 255
        self.ucp = bool(self.copt & _UCP)
        self.opts = copt & (_CASELESS | _MULTILINE | _DOTALL | _EXTENDED | _UNGREEDY |
                            _DUPNAMES | _EXTRA)
        self.ncap = 0
        self.names = []          # (name, number) in order of definition
        self.groups = {}         # number -> capture node (for subroutine calls)
        self.inq = False
        self.has_G = False
        self.has_K = False
        self.has_crlf = False    # PCRE_HASCRORLF: \r or \n written in the pattern
        self.refs = []           # (order, kind, ref, offset) checked once the count is known
        self.deferred = []       # (order, message, offset): errors of PCRE's second pass
        self.dupnames_seen = bool(copt & _DUPNAMES)

    # -- the (*UTF8), (*CR)... items at the start of a pattern
    def start_items(self, src):
        pos = 0
        while src[pos:pos + 2] == b"(*":
            end = src.find(b")", pos)
            if end < 0:
                break
            name = src[pos + 2:end]
            if name in (b"UTF8", b"UTF"):
                self.copt |= _UTF8
                self.utf = True
            elif name == b"UCP":
                self.copt |= _UCP
            elif name in (b"NO_AUTO_POSSESS", b"NO_START_OPT"):
                pass
            elif name == b"CR":
                self.newline = _NL_CR
            elif name == b"LF":
                self.newline = _NL_LF
            elif name == b"CRLF":
                self.newline = _NL_CRLF
            elif name == b"ANY":
                self.newline = _NL_ANY
            elif name == b"ANYCRLF":
                self.newline = _NL_ANYCRLF
            elif name == b"BSR_ANYCRLF":
                self.bsr = 1
            elif name == b"BSR_UNICODE":
                self.bsr = 2
            elif (name.startswith(b"LIMIT_MATCH=") or name.startswith(b"LIMIT_RECURSION=")) \
                    and name.split(b"=", 1)[1].isdigit():
                pass
            else:
                break
            pos = end + 1
        self.start = pos

    # -- helpers
    def off(self, i):
        if self.offs is None:
            return i
        return self.offs[min(i, self.n)]

    def err(self, code, i):
        raise _CompileError(_ERR[code], self.off(i))

    def unsupported(self, what, i):
        """A valid construct erlpy cannot match: reported once the whole
        pattern is known to have no error PCRE would give."""
        self.deferred.append((2 * self.n + 2 + i, "%s is not supported by erlpy" % what,
                              self.off(i)))
        return ("fail",)

    def peek(self, k=0):
        i = self.pos + k
        return self.p[i] if i < self.n else -1

    def at(self, s, k=0):
        i = self.pos + k
        if i + len(s) > self.n:
            return False
        for j, ch in enumerate(s):
            if self.p[i + j] != ord(ch):
                return False
        return True

    def literal(self, cp):
        if cp == 10 or cp == 13:
            self.has_crlf = True
        if self.opts & _CASELESS:
            t = _case_set(cp, self.utf)
            if t:
                return ("set", _from_chars(t))
        return ("lit", cp)

    def clip(self, s):
        return s if self.utf else _clip(s, 255)

    def is_newline_at(self, i):
        """Length of the newline (compile-time convention) at p[i], or 0."""
        nl = self.newline
        c = self.p[i]
        if nl in (0, _NL_LF):
            return 1 if c == 10 else 0
        if nl == _NL_CR:
            return 1 if c == 13 else 0
        if nl == _NL_CRLF:
            return 2 if c == 13 and i + 1 < self.n and self.p[i + 1] == 10 else 0
        if c == 13:
            return 2 if i + 1 < self.n and self.p[i + 1] == 10 else 1
        if c == 10:
            return 1
        if nl == _NL_ANY and c in (11, 12, 0x85, 0x2028, 0x2029):
            return 1
        return 0

    def skip_ws(self):
        """Skip what is not part of the pattern: extended-mode white space
        and # comments, and (?#...) comments."""
        while self.pos < self.n:
            c = self.p[self.pos]
            if self.inq:
                return
            if self.opts & _EXTENDED:
                if _isspace(c):
                    self.pos += 1
                    continue
                if c == 35:    # '#'
                    while self.pos < self.n:
                        k = self.is_newline_at(self.pos)
                        if k:
                            self.pos += k
                            break
                        self.pos += 1
                    continue
            if c == 40 and self.at("?#", 1):
                i = self.pos + 3
                while i < self.n and self.p[i] != 41:
                    i += 1
                if i >= self.n:
                    self.err(18, self.n)
                self.pos = i + 1
                continue
            if c == 92 and self.at("E", 1):    # orphan \E
                self.pos += 2
                continue
            if c == 92 and self.at("Q", 1):
                self.pos += 2
                self.inq = True
                continue
            return

    # -- entry point
    def parse(self):
        self.pos = self.start
        tree = self.parse_alt()
        if self.pos < self.n:
            # a ')' with no group open: PCRE reads no further, and reports
            # it after the errors of its second pass over what came before
            self.deferred.append((self.n, _ERR[22], self.off(self.pos)))
        self.check_refs()
        if self.deferred:
            _order, msg, off = min(self.deferred)
            raise _CompileError(msg, off)
        self.names.sort(key=lambda nn: (nn[0].encode("utf-8") if self.utf
                                        else nn[0].encode("latin-1"), nn[1]))
        return tree

    def parse_alt(self, reset=False):
        base = self.ncap
        top = base
        branches = []
        while True:
            if reset:
                self.ncap = base
            branches.append(self.parse_branch())
            if self.ncap > top:
                top = self.ncap
            if self.pos < self.n and self.p[self.pos] == 124 and not self.inq:
                self.pos += 1
                continue
            break
        self.ncap = top
        return ("alt", branches)

    def parse_branch(self):
        items = []
        types = []
        while True:
            self.skip_ws()
            if self.pos >= self.n:
                break
            c = self.p[self.pos]
            self.atom_type = None
            if self.inq:
                if self.at("\\E"):
                    self.pos += 2
                    self.inq = False
                    continue
                self.pos += 1
                node = self.literal(c)
                items.append(self.parse_quant(node, True))
                types.append(None)
                continue
            if c == 124 or c == 41:
                break
            node, rep = self.parse_atom()
            if node is None:
                continue
            types.append(self.atom_type)
            items.append(self.parse_quant(node, rep))
        self.auto_possess(items, types)
        return ("seq", items)

    def auto_possess(self, items, types):
        """PCRE makes a repeated character type possessive when the type that
        follows cannot match the same characters, by a fixed table that is
        wrong for a few pairs (. and \\R, \\S and \\R, \\h and \\S...): the
        results are observable, so do as PCRE does."""
        for i in range(len(items) - 1):
            left = types[i]
            node = items[i]
            if left is None or node[0] != "rep" or node[4] == "p" or node[2] == node[3]:
                continue
            right = types[i + 1]
            nxt = items[i + 1]
            if right is None or (nxt[0] == "rep" and nxt[2] == 0):
                continue
            if _AUTOPOSS[left][right]:
                items[i] = ("rep", node[1], node[2], node[3], "p")
        if self.utf and not self.ucp:
            # PCRE 8.44 compiles X+ and X{n,...} (n >= 2) with a loop over the
            # first n that, in UTF mode, tests \\w and \\W on ASCII only (the
            # rest use the Latin-1 table); X{1,m} is X then X{0,m-1}
            for i, node in enumerate(items):
                if types[i] in (4, 5) and node[0] == "rep" and \
                        (node[2] >= 2 or (node[2] == 1 and node[3] is None)):
                    ascii = _L1_ASCII_WORD if types[i] == 5 else \
                        _complement(_L1_ASCII_WORD, _MAXCP)
                    mn, mx = node[2], node[3]
                    first = ("rep", ("set", ascii), mn, mn, "g")
                    if mx == mn:
                        items[i] = first
                    else:
                        rest = ("rep", node[1], 0, None if mx is None else mx - mn, node[4])
                        items[i] = ("seq", [first, rest])

    def counted_repeat(self, i):
        """(min, max, index after '}') if p[i] starts a {n}, {n,} or {n,m}
        quantifier (i is just after the '{'), else None."""
        n = self.n
        j = i
        if j >= n or not _isdigit(self.p[j]):
            return None
        while j < n and _isdigit(self.p[j]):
            j += 1
        mn = int("".join(chr(c) for c in self.p[i:j]))
        if j < n and self.p[j] == 125:
            return mn, mn, j + 1
        if j >= n or self.p[j] != 44:
            return None
        j += 1
        if j < n and self.p[j] == 125:
            return mn, None, j + 1
        k = j
        if k >= n or not _isdigit(self.p[k]):
            return None
        while k < n and _isdigit(self.p[k]):
            k += 1
        if k >= n or self.p[k] != 125:
            return None
        mx = int("".join(chr(c) for c in self.p[j:k]))
        return mn, mx, k + 1

    def parse_quant(self, node, rep):
        if self.inq:
            if self.at("\\E"):
                self.pos += 2
                self.inq = False
            else:
                return node
        self.skip_ws()
        if self.pos >= self.n or self.inq:
            return node
        c = self.p[self.pos]
        qpos = self.pos
        if c == 42:
            mn, mx = 0, None
            self.pos += 1
        elif c == 43:
            mn, mx = 1, None
            self.pos += 1
        elif c == 63:
            mn, mx = 0, 1
            self.pos += 1
        elif c == 123:
            q = self.counted_repeat(self.pos + 1)
            if q is None:
                return node
            mn, mx, end = q
            if mn > 65535 or (mx is not None and mx > 65535):
                self.err(5, end - 1)
            if mx is not None and mx < mn:
                self.err(4, end - 1)
            qpos = end - 1
            self.pos = end
        else:
            return node
        if not rep:
            self.err(9, qpos)
        mode = "g"
        c = self.peek()
        if c == 43:
            mode = "p"
            self.pos += 1
        elif c == 63:
            mode = "l"
            self.pos += 1
        if self.opts & _UNGREEDY and mode != "p":
            mode = "l" if mode == "g" else "g"
        return ("rep", node, mn, mx, mode)

    def parse_atom(self):
        c = self.p[self.pos]
        if c == 40:
            return self.parse_paren()
        if c == 91:
            if self.at("[[:<:]]"):
                self.pos += 7
                return self.word_edge(True), False
            if self.at("[[:>:]]"):
                self.pos += 7
                return self.word_edge(False), False
            return self.parse_class(), True
        if c == 92:
            return self.parse_escape()
        if c == 46:
            self.pos += 1
            if self.opts & _DOTALL:
                self.atom_type = 7
                return ("set", [(0, self.top)]), True
            self.atom_type = 6
            return ("dot",), True
        if c == 94:
            self.pos += 1
            return (("bolm",) if self.opts & _MULTILINE else ("bol",)), False
        if c == 36:
            self.pos += 1
            if self.opts & _MULTILINE:
                return ("eolm",), False
            if self.copt & _DOLLAR_ENDONLY:
                return ("eolend",), False
            return ("eol",), False
        if c in (42, 43, 63):
            self.err(9, self.pos)
        if c == 123:
            q = self.counted_repeat(self.pos + 1)
            if q is not None:
                self.err(9, q[2] - 1)
        self.pos += 1
        return self.literal(c), True

    def word_set(self):
        if self.ucp:
            return self.clip(_categories()["Xwd"])
        return _L1["word"]

    def word_edge(self, start):
        w = ("set", self.word_set())
        look = ("la", ("alt", [("seq", [w])])) if start else ("lb", ("alt", [("seq", [w])]), 0)
        return ("seq", [("wb", False, self.word_set()), look])

    # -- escapes
    def read_escape(self, in_class):
        """check_escape(): self.pos at the backslash. Returns ("char", cp),
        ("esc", letter) or ("ref", n) (a back reference, outside classes) and
        leaves self.pos after the sequence."""
        i = self.pos + 1
        if i >= self.n:
            self.err(1, self.n)
        c = self.p[i]
        self.pos = i + 1
        if c < 48 or c > 122 or (57 < c < 65) or (90 < c < 97):
            return ("char", c)
        ch = chr(c)
        simple = {"a": 7, "e": 27, "f": 12, "n": 10, "r": 13, "t": 9}
        if ch in simple:
            return ("char", simple[ch])
        if ch in "ABCDEGHKNPQRSVWXZbdhkpsvwz":
            if ch == "N" and self.peek() == 123 and self.counted_repeat(self.pos + 1) is None:
                self.err(37, i)
            return ("esc", ch)
        if ch in "lLuU":
            self.err(37, i)
        if ch == "g":
            if in_class:
                return ("char", c)
            return self.read_g(i)
        if ch == "c":
            if i + 1 >= self.n:
                self.err(2, i + 1)
            d = self.p[i + 1]
            if d > 127:
                self.err(68, i + 1)
            self.pos = i + 2
            if 97 <= d <= 122:
                d -= 32
            return ("char", d ^ 0x40)
        if ch == "x":
            return self.read_hex(i)
        if ch == "o":
            return self.read_obrace(i)
        if "1" <= ch <= "9" and not in_class:
            j = i
            s = 0
            while j < self.n and _isdigit(self.p[j]):
                s = s * 10 + self.p[j] - 48
                j += 1
                if s > _INT_MAX:
                    while j < self.n and _isdigit(self.p[j]):
                        j += 1
                    self.err(61, j - 1)
            if s < 8 or s <= self.ncap:
                self.pos = j
                return ("ref", s)
        if ch in "89":
            return ("char", c)
        if "0" <= ch <= "7":
            v = c - 48
            j = i + 1
            k = 0
            while k < 2 and j < self.n and 48 <= self.p[j] <= 55:
                v = v * 8 + self.p[j] - 48
                j += 1
                k += 1
            self.pos = j
            if not self.utf and v > 255:
                self.err(51, j - 1)
            return ("char", v)
        if self.opts & _EXTRA:
            self.err(3, i)
        return ("char", c)

    def read_hex(self, i):
        j = i + 1
        if j < self.n and self.p[j] == 123:
            j += 1
            if j < self.n and self.p[j] == 125:
                self.err(86, j)
            v = 0
            while j < self.n and self.p[j] < 128 and _isxdigit(self.p[j]):
                v = v * 16 + int(chr(self.p[j]), 16)
                j += 1
                if v > self.top:
                    while j < self.n and self.p[j] < 128 and _isxdigit(self.p[j]):
                        j += 1
                    self.err(34, j)
            if j >= self.n or self.p[j] != 125:
                self.err(79, j)
            if self.utf and 0xD800 <= v <= 0xDFFF:
                self.err(73, j)
            self.pos = j + 1
            return ("char", v)
        v = 0
        k = 0
        while k < 2 and j < self.n and self.p[j] < 128 and _isxdigit(self.p[j]):
            v = v * 16 + int(chr(self.p[j]), 16)
            j += 1
            k += 1
        self.pos = j
        return ("char", v)

    def read_obrace(self, i):
        j = i + 1
        if j >= self.n or self.p[j] != 123:
            self.err(81, i)
        j += 1
        if j < self.n and self.p[j] == 125:
            self.err(86, i)
        v = 0
        while j < self.n and 48 <= self.p[j] <= 55:
            v = v * 8 + self.p[j] - 48
            j += 1
            if v > self.top:
                while j < self.n and 48 <= self.p[j] <= 55:
                    j += 1
                self.err(34, j)
        if j >= self.n or self.p[j] != 125:
            self.err(80, j)
        if self.utf and 0xD800 <= v <= 0xDFFF:
            self.err(73, j)
        self.pos = j + 1
        return ("char", v)

    def read_g(self, i):
        """\\g after the backslash (i at the g), outside a class."""
        j = i + 1
        c = self.p[j] if j < self.n else -1
        if c in (60, 39):    # \g<...> \g'...': a subroutine call
            term = 62 if c == 60 else 39
            cf = self.p[j + 1] if j + 1 < self.n else -1
            if cf not in (43, 45) and not _isdigit(cf):
                name, k = self.read_ref_name(j + 1, term)
                self.pos = k + 1
                return ("call", name, self.off(k))
            k = j + 2
            while k < self.n and _isdigit(self.p[k]):
                k += 1
            if k >= self.n or self.p[k] != term:
                self.err(57, j)
            return self.numeric_call(j + 1, term)
        braced = False
        if c == 123:
            k = j + 1
            while k < self.n and self.p[k] != 125 and (self.p[k] == 45 or _isdigit(self.p[k])):
                k += 1
            if k < self.n and self.p[k] != 125:
                # \g{name}
                return self.read_name_ref(j, 125, 57)
            braced = True
            j += 1
        neg = False
        if j < self.n and self.p[j] == 45:
            neg = True
            j += 1
        s = 0
        while j < self.n and _isdigit(self.p[j]):
            s = s * 10 + self.p[j] - 48
            j += 1
            if s > _INT_MAX:
                self.err(61, j - 1)
        last = j - 1
        if braced:
            if j >= self.n or self.p[j] != 125:
                self.err(57, j)
            last = j
            j += 1
        if s == 0:
            self.err(58, last)
        if neg:
            if s > self.ncap:
                self.err(15, last)
            s = self.ncap - (s - 1)
        self.pos = j
        return ("ref", s)

    def read_name_ref(self, j, term, errcode):
        """A back reference by name: p[j] is the opening delimiter."""
        name, k = self.read_ref_name(j + 1, term)
        self.pos = k + 1
        return ("nref", name, self.off(k))

    def scan_name(self, k):
        """Skip name characters from p[k]. PCRE reads bytes: in UTF mode a
        character whose UTF-8 bytes are not all word bytes (Latin-1 table)
        ends the name inside it. Returns (index, bytes of p[index] read)."""
        while k < self.n:
            c = self.p[k]
            if c < 128 or not self.utf:
                if not _isword(c):
                    return k, 0
            else:
                bs = chr(c).encode("utf-8")
                j = 0
                while j < len(bs) and _isword(bs[j]):
                    j += 1
                if j < len(bs):
                    return k, j
            k += 1
        return k, 0

    def read_ref_name(self, j, term):
        """A name in a reference or call, starting at p[j] (PCRE's
        NAMED_REF_OR_RECURSE): (name, index of the terminator)."""
        k = j
        if k < self.n and _isdigit(self.p[k]):
            self.err(84, k)
        k, extra = self.scan_name(k)
        if extra:
            raise _CompileError(_ERR[42], self.off(k) + extra)
        if k == j:
            self.err(62, k)
        if k >= self.n or self.p[k] != term:
            self.err(42, k)
        if k - j > 32:
            self.err(48, k)
        return "".join(chr(x) for x in self.p[j:k]), k

    def numeric_call(self, j, term):
        """(?n) (?+n) (?-n) \\g<n>: p[j] is the sign or first digit."""
        sign = self.p[j] if self.p[j] in (43, 45) else 0
        if sign:
            j += 1
            if not (j < self.n and _isdigit(self.p[j])):
                self.err(63, j)
        k = j
        v = 0
        while k < self.n and _isdigit(self.p[k]):
            v = v * 10 + self.p[k] - 48
            k += 1
            if v > _INT_MAX // 10:
                self.err(61, k)
        if k >= self.n or self.p[k] != term:
            self.err(29, k)
        if sign == 45:
            if v == 0:
                self.err(58, k)
            v = self.ncap - v + 1
            if v <= 0:
                self.err(15, k)
        elif sign == 43:
            if v == 0:
                self.err(58, k)
            v = self.ncap + v
        self.pos = k + 1
        if v == 0:
            return self.unsupported("recursion (?R)", k), True
        self.refs.append((k, v, self.off(k)))
        return ("call", v, self.off(k)), True

    def escape_set(self, ch):
        neg = ch.isupper()
        ch = ch.lower()
        if ch == "d":
            s = _categories()["Nd"] if self.ucp else _L1["digit"]
        elif ch == "s":
            s = _categories()["Xps"] if self.ucp else _L1["space"]
        elif ch == "w":
            s = _categories()["Xwd"] if self.ucp else _L1["word"]
        elif ch == "h":
            s = _HSPACE
        else:
            s = _VSPACE
        s = self.clip(s)
        if neg:
            s = _complement(s, self.top)
        return s

    def read_property(self, letter):
        """\\p or \\P (self.pos after the letter): the set it matches."""
        neg = letter == "P"
        if self.pos >= self.n:
            self.err(46, self.pos)
        c = self.p[self.pos]
        if c == 123:
            k = self.pos + 1
            if k < self.n and self.p[k] == 94:
                neg = not neg
                k += 1
            j = k
            while j < self.n and self.p[j] != 125:
                j += 1
            if j >= self.n:
                self.err(46, j)
            name = "".join(chr(x) for x in self.p[k:j])
            endpos = j
            self.pos = j + 1
        else:
            name = chr(c)
            endpos = self.pos
            self.pos += 1
        s = self.property_set(name, endpos)
        if s is None:
            self.err(47, endpos)
        s = self.clip(s)
        if neg:
            s = _complement(s, self.top)
        return s

    def property_set(self, name, pos):
        cats = _categories()
        if name == "L&":
            return cats["L&"]
        if name in ("Any", "Xan", "Xwd", "Xps", "Xsp", "Xuc") or \
                (name in cats and not name.startswith("_") and len(name) <= 2):
            return cats.get(name)
        if name in _SCRIPT_NAMES:
            return _script(name)
        return None

    def parse_escape(self):
        kind = self.read_escape(False)
        t = kind[0]
        if t == "char":
            return self.literal(kind[1]), True
        if t == "ref":
            self.refs.append((self.n + 1, kind[1], self.off(self.n)))
            return ("bref", kind[1], bool(self.opts & _CASELESS)), True
        if t == "nref":
            self.refs.append((self.pos - 1, kind[1], kind[2]))
            return ("bref", kind[1], bool(self.opts & _CASELESS)), True
        if t == "call":
            self.refs.append((self.pos - 1, kind[1], kind[2]))
            return ("call", kind[1], kind[2]), True
        ch = kind[1]
        if ch in _TYPE_INDEX and not (self.ucp and ch in "dDsSwW"):
            self.atom_type = _TYPE_INDEX[ch]
        if ch in "dDsSwWhHvV":
            return ("set", self.escape_set(ch)), True
        if ch in "pP":
            return ("set", self.read_property(ch)), True
        if ch == "A":
            return ("A",), False
        if ch == "z":
            return ("z",), False
        if ch == "Z":
            return ("Z",), False
        if ch == "G":
            self.has_G = True
            return ("G",), False
        if ch in "bB":
            return ("wb", ch == "B", self.word_set()), False
        if ch == "K":
            self.has_K = True
            return ("K",), False
        if ch == "N":
            return ("dot",), True
        if ch == "R":
            return ("R",), True
        if ch == "X":
            return self.grapheme(), True
        if ch == "C":
            return ("set", [(0, self.top)]), True
        if ch == "E":
            return None, False
        if ch == "Q":
            if self.at("\\E"):
                self.pos += 2
            else:
                self.inq = True
            return None, False
        if ch == "k":
            c = self.peek()
            if c == 60:
                term = 62
            elif c == 39:
                term = 39
            elif c == 123:
                term = 125
            else:
                self.err(69, self.pos - 1)
            kind = self.read_name_ref(self.pos, term, 69)
            self.refs.append((self.pos - 1, kind[1], kind[2]))
            return ("bref", kind[1], bool(self.opts & _CASELESS)), True
        raise AssertionError(ch)

    def grapheme(self):
        if not self.utf:
            return ("atomic", ("alt", [("seq", [("lit", 13), ("lit", 10)]),
                                       ("seq", [("set", [(0, 255)])])]))
        # CR LF, a control, or anything else followed by its extending marks
        # (no Hangul, regional indicator or emoji sequence rules)
        cats = _categories()
        joiners = [(0x200C, 0x200D)]
        control = _union(cats["Cc"], cats["Zl"], cats["Zp"], _subtract(cats["Cf"], joiners))
        extend = _union(cats["M"], joiners)
        return ("atomic", ("alt", [
            ("seq", [("lit", 13), ("lit", 10)]),
            ("seq", [("set", control)]),
            ("seq", [("set", _complement(control, _MAXCP)),
                     ("rep", ("set", extend), 0, None, "p")])]))

    # -- character classes
    def posix_end(self, i):
        """check_posix_syntax(): index of the terminator of a [: :] item
        starting at p[i] == '[', or None."""
        term = self.p[i + 1]
        j = i + 2
        while j < self.n:
            c = self.p[j]
            if c == 92 and j + 1 < self.n and self.p[j + 1] in (93, 92):
                j += 2
                continue
            if (c == 91 and j + 1 < self.n and self.p[j + 1] == term) or c == 93:
                return None
            if c == term and j + 1 < self.n and self.p[j + 1] == 93:
                return j
            j += 1
        return None

    def posix_set(self, i):
        """The POSIX item at p[i] == '['; self.pos is left after it."""
        end = self.posix_end(i)
        if self.p[i + 1] != 58:
            self.err(31, i)
        j = i + 2
        neg = False
        if self.p[j] == 94:
            neg = True
            j += 1
        name = "".join(chr(x) for x in self.p[j:end])
        if name not in _POSIX_NAMES:
            self.err(30, j)
        if self.opts & _CASELESS and name in ("lower", "upper"):
            name = "alpha"
        if self.ucp and name not in ("ascii", "xdigit"):
            cats = _categories()
            s = {"alpha": cats["L"], "lower": cats["Ll"], "upper": cats["Lu"],
                 "alnum": cats["Xan"], "digit": cats["Nd"], "space": cats["Xps"],
                 "word": cats["Xwd"], "blank": _HSPACE, "cntrl": cats["Cc"],
                 "graph": cats["_graph"], "print": cats["_print"],
                 "punct": cats["_punct"]}[name]
            s = self.clip(s)
            if neg:
                s = _complement(s, self.top)
        else:
            s = _L1[name]
            if neg:
                s = _complement(s, 255)
                if not self.ucp and self.utf:
                    s = _union(s, [(256, _MAXCP)])
        self.pos = end + 2
        return s

    def parse_class(self):
        i = self.pos
        if self.peek(1) in (58, 46, 61) and self.posix_end(i) is not None:
            self.err(13 if self.peek(1) == 58 else 31, i)
        self.pos += 1
        negate = False
        while True:
            if self.at("\\E"):
                self.pos += 2
            elif self.at("\\Q\\E"):
                self.pos += 4
            elif not negate and self.peek() == 94:
                negate = True
                self.pos += 1
            else:
                break
        plain = []
        special = []
        inq = False
        first = True
        while True:
            if self.pos >= self.n:
                self.err(6, self.n)
            c = self.p[self.pos]
            if inq:
                if c == 92 and self.at("E", 1):
                    inq = False
                    self.pos += 2
                    continue
                self.pos += 1
                inq = self.class_range(c, plain, inq)
                first = False
                continue
            if c == 93 and not first:
                self.pos += 1
                break
            first = False
            if c == 91 and self.peek(1) in (58, 46, 61) and self.posix_end(self.pos) is not None:
                special.append(self.posix_set(self.pos))
                continue
            if c == 92:
                kind = self.read_escape(True)
                if kind[0] == "char":
                    inq = self.class_range(kind[1], plain, inq)
                    continue
                ch = kind[1]
                if ch == "b":
                    inq = self.class_range(8, plain, inq)
                elif ch == "N":
                    self.err(71, self.pos - 1)
                elif ch == "Q":
                    if self.at("\\E"):
                        self.pos += 2
                    else:
                        inq = True
                elif ch == "E":
                    pass
                elif ch in "dDsSwWhHvV":
                    special.append(self.escape_set(ch))
                elif ch in "pP":
                    special.append(self.read_property(ch))
                else:
                    if self.opts & _EXTRA:
                        self.err(7, self.pos - 1)
                    inq = self.class_range(ord(ch), plain, inq)
                continue
            self.pos += 1
            inq = self.class_range(c, plain, inq)
        s = _norm(plain)
        if self.opts & _CASELESS:
            s = _case_close(s, self.utf)
        s = _union(s, *special)
        if negate:
            s = _complement(s, self.top)
        return ("set", s)

    def class_range(self, c, plain, inq):
        """A single character c was read (self.pos after it): add it, or the
        range it starts. Returns the new \\Q state."""
        if c == 10 or c == 13:
            self.has_crlf = True
        while self.at("\\E"):
            inq = False
            self.pos += 2
        if inq or self.peek() != 45:
            plain.append((c, c))
            return inq
        save = self.pos
        self.pos += 1
        while self.at("\\E"):
            self.pos += 2
        while self.at("\\Q"):
            self.pos += 2
            if self.at("\\E"):
                self.pos += 2
                continue
            inq = True
            break
        if self.pos >= self.n or (not inq and self.p[self.pos] == 93):
            self.pos = save
            plain.append((c, c))
            return False
        d = self.p[self.pos]
        dpos = self.pos
        if not inq:
            if d == 92:
                kind = self.read_escape(True)
                if kind[0] == "char":
                    d = kind[1]
                elif kind[1] == "b":
                    d = 8
                else:
                    self.err(83, self.pos - 1)
                dpos = self.pos - 1
            elif d == 91 and self.peek(1) in (58, 46, 61) and self.posix_end(self.pos) is not None:
                self.err(83, self.pos)
            else:
                self.pos += 1
        else:
            self.pos += 1
        if d < c:
            self.err(8, dpos)
        plain.append((c, d))
        return inq

    # -- parentheses
    def read_name(self, j, term):
        """A group name starting at p[j], ended by `term`: (name, index of term)."""
        k = j
        if k < self.n and _isdigit(self.p[k]):
            self.err(84, k)
        k, extra = self.scan_name(k)
        if extra:
            raise _CompileError(_ERR[42], self.off(k) + extra)
        if k >= self.n or self.p[k] != term:
            self.err(42, k)
        if k - j > 32:
            self.err(48, k)
        return "".join(chr(x) for x in self.p[j:k]), k

    def group_body(self, reset=False):
        saved = self.opts
        body = self.parse_alt(reset)
        self.opts = saved
        if self.pos >= self.n or self.p[self.pos] != 41:
            self.err(14, self.n)
        self.pos += 1
        return body

    def capture(self, name, namepos):
        self.ncap += 1
        num = self.ncap
        if name is not None:
            for nm, other in self.names:
                if nm == name and other != num and not (self.opts & _DUPNAMES):
                    self.err(43, namepos)
            if self.opts & _DUPNAMES:
                self.dupnames_seen = True
            self.names.append((name, num))
        node = ["cap", num, None]
        self.groups.setdefault(num, node)
        node[2] = self.group_body()
        return tuple(node), True

    def parse_paren(self):
        c1 = self.peek(1)
        if c1 == 42 and (self.peek(2) == 58 or _isletter(self.peek(2))):
            return self.parse_verb()
        if c1 != 63:
            self.pos += 1
            if self.copt & _NO_AUTO_CAPTURE:
                return ("nc", self.group_body()), True
            return self.capture(None, 0)
        self.pos += 2
        c = self.peek()
        if c == 58:
            self.pos += 1
            return ("nc", self.group_body()), True
        if c == 124:
            self.pos += 1
            return ("nc", self.group_body(reset=True)), True
        if c == 62:
            self.pos += 1
            return ("atomic", self.group_body()), True
        if c == 61:
            self.pos += 1
            return ("la", self.group_body()), True
        if c == 33:
            self.pos += 1
            return ("nla", self.group_body()), True
        if c == 60:
            c2 = self.peek(1)
            if c2 in (61, 33):
                self.pos += 2
                body = self.group_body()
                self.check_lookbehind(body, self.pos - 1)
                return ("lb" if c2 == 61 else "nlb", body, self.pos - 1), True
            if not _isword(c2):
                self.err(24, self.pos + 1)
            name, k = self.read_name(self.pos + 1, 62)
            self.pos = k + 1
            return self.capture(name, k)
        if c == 39:
            name, k = self.read_name(self.pos + 1, 39)
            self.pos = k + 1
            return self.capture(name, k)
        if c == 80:    # P
            c2 = self.peek(1)
            if c2 == 60:
                name, k = self.read_name(self.pos + 2, 62)
                self.pos = k + 1
                return self.capture(name, k)
            if c2 in (61, 62):
                name, k = self.read_ref_name(self.pos + 2, 41)
                self.pos = k + 1
                self.refs.append((k, name, self.off(k)))
                if c2 == 61:
                    return ("bref", name, bool(self.opts & _CASELESS)), True
                return ("call", name, self.off(k)), True
            self.err(41, self.pos + 1)
        if c == 40:
            return self.parse_cond()
        if c == 43 and not _isdigit(self.peek(1)):
            self.err(63, self.pos + 1)
        if c == 82 and self.peek(1) == 41:
            self.pos += 2
            return self.unsupported("recursion (?R)", self.pos - 1), True
        if c == 82:
            self.err(29, self.pos + 1)
        if _isdigit(c) or (c in (43, 45) and _isdigit(self.peek(1))):
            return self.numeric_call(self.pos, 41)
        if c == 38:    # &
            name, k = self.read_ref_name(self.pos + 1, 41)
            self.pos = k + 1
            self.refs.append((k, name, self.off(k)))
            return ("call", name, self.off(k)), True
        if c == 67:    # C: callout, ignored
            j = self.pos + 1
            v = 0
            while j < self.n and _isdigit(self.p[j]):
                v = v * 10 + self.p[j] - 48
                j += 1
            if v > 255:
                self.err(38, j)
            if j >= self.n or self.p[j] != 41:
                self.err(39, j)
            self.pos = j + 1
            return None, False
        # option settings
        on = 0
        off = 0
        neg = False
        bits = {105: _CASELESS, 109: _MULTILINE, 115: _DOTALL, 120: _EXTENDED, 74: _DUPNAMES,
                85: _UNGREEDY, 88: _EXTRA}
        while True:
            c = self.peek()
            if c == 45 and not neg:
                neg = True
            elif c in bits:
                if neg:
                    off |= bits[c]
                else:
                    on |= bits[c]
            elif c in (41, 58):
                break
            else:
                self.err(12, self.pos)
            self.pos += 1
        newopts = (self.opts | on) & ~off
        if on & _DUPNAMES:
            self.dupnames_seen = True
        self.pos += 1
        if c == 41:
            self.opts = newopts
            return None, False
        saved = self.opts
        self.opts = newopts
        body = self.parse_alt()
        self.opts = saved
        if self.pos >= self.n or self.p[self.pos] != 41:
            self.err(14, self.n)
        self.pos += 1
        return ("nc", body), True

    def parse_cond(self):
        # self.pos at the '(' after "(?"
        i = self.pos + 1
        if self.at("?", 1) and (self.at("=", 2) or self.at("!", 2) or self.at("<=", 2) or
                                self.at("<!", 2)):
            node, _ = self.parse_paren()
            return self.cond_body(("assert", node))
        if self.at("?C", 1):
            k = self.pos + 3
            while k < self.n and _isdigit(self.p[k]):
                k += 1
            t = k + 1 if k < self.n and self.p[k] == 41 else self.pos + 1
            if t >= self.n or self.p[t] != 40:
                self.err(28, self.pos)
            save = self.pos
            self.pos = t
            if self.at("?", 1) and (self.at("=", 2) or self.at("!", 2) or self.at("<=", 2) or
                                    self.at("<!", 2)):
                node, _ = self.parse_paren()
                return self.cond_body(("assert", node))
            self.pos = save
        j = i
        c = self.p[j] if j < self.n else -1
        term = 0
        sign = -1
        if c == 82 and self.at("&", j - self.pos + 1):     # (?(R&name)
            term = -1
            j += 2
        elif c == 60:
            term = 62
            j += 1
        elif c == 39:
            term = 39
            j += 1
        elif c in (43, 45):
            sign = c
            j += 1
        elif _isdigit(c):
            sign = 0
        name = None
        recno = 0
        if sign >= 0:
            while j < self.n and _isdigit(self.p[j]):
                recno = recno * 10 + self.p[j] - 48
                j += 1
                if recno > _INT_MAX // 10:
                    self.err(61, j)
        else:
            c = self.p[j] if j < self.n else -1
            if _isdigit(c):
                self.err(84, j)
            k = j
            j, extra = self.scan_name(j)
            if j == k and not extra:
                self.err(28, j)
            if extra:
                raise _CompileError(_ERR[26], self.off(j) + extra)
            name = "".join(chr(x) for x in self.p[k:j])
        if term > 0:
            if j >= self.n or self.p[j] != term:
                self.err(26, j)
            j += 1
        if j >= self.n or self.p[j] != 41:
            self.err(26, j)
        j += 1
        self.pos = j
        if name is None:
            if recno <= 0:
                self.defer(35, j)
                cond = ("never",)
            else:
                if sign == 45:
                    recno = self.ncap - recno + 1
                elif sign == 43:
                    recno = self.ncap + recno
                if recno <= 0:
                    self.defer(15, j)
                    cond = ("never",)
                else:
                    self.refs.append((j, recno, self.off(j)))
                    cond = ("ref", recno)
        elif term == -1:
            self.refs.append((j, name, self.off(j)))
            cond = ("never",)
        elif term > 0 or any(nm == name for nm, _ in self.names) or \
                not (name[0] == "R" and name[1:].isdigit() or name == "R" or
                     name == "DEFINE"):
            # a group name (PCRE knows every name from its first pass)
            self.refs.append((j, name, self.off(j)))
            cond = ("ref", name)
        elif name[0] == "R":
            cond = ("never",)
        else:
            body = self.group_body()
            if len(body[1]) > 1:
                self.defer(54, self.pos - 1)
            return ("define", body), True
        return self.cond_body(cond)

    def cond_body(self, cond):
        body = self.group_body()
        branches = body[1]
        if len(branches) > 2:
            self.defer(27, self.pos - 1)
        yes = branches[0]
        no = branches[1] if len(branches) > 1 else ("seq", [])
        return ("cond", cond, yes, no), True

    def parse_verb(self):
        start = self.pos
        j = self.pos + 2
        while j < self.n and (_isletter(self.p[j])):
            j += 1
        name = "".join(chr(x) for x in self.p[self.pos + 2:j])
        arg = None
        if j < self.n and self.p[j] == 58:
            k = j + 1
            while k < self.n and self.p[k] != 41:
                k += 1
            arg = "".join(chr(x) for x in self.p[j + 1:k])
            j = k
        if j >= self.n or self.p[j] != 41:
            self.err(60, j)
        self.pos = j + 1
        if name in ("F", "FAIL", "ACCEPT", "COMMIT") and arg is not None:
            self.err(59, j)
        if name in ("F", "FAIL"):
            return ("fail",), False
        if name in ("MARK", "") :
            if not arg:
                self.err(66, j)
            return None, False
        if name in ("ACCEPT", "COMMIT", "PRUNE", "SKIP", "THEN"):
            return self.unsupported("(*%s)" % name, start), True
        self.err(60, j)

    # -- after parsing
    def name_numbers(self, name):
        return sorted(num for nm, num in self.names if nm == name)

    def defer(self, code, i):
        self.deferred.append((i, _ERR[code], self.off(i)))

    def check_refs(self):
        for order, ref, off in self.refs:
            if type(ref) is int:
                if ref > self.ncap:
                    self.deferred.append((order, _ERR[15], off))
            elif not self.name_numbers(ref):
                self.deferred.append((order, _ERR[15], off))

    def check_lookbehind(self, body, close):
        for br in body[1]:
            mn, mx = _width(br, self)
            if mx is None or mn != mx:
                self.defer(25, close)
                return


def _width(node, parser, depth=0):
    """(min, max) length of what a node matches; max None if unbounded or
    variable in a way PCRE does not accept in a lookbehind."""
    k = node[0]
    if k in ("lit", "set", "dot"):
        return 1, 1
    if k in ("bol", "bolm", "eol", "eolm", "eolend", "A", "z", "Z", "G", "K", "wb", "fail",
             "la", "nla", "lb", "nlb", "define"):
        return 0, 0
    if k == "R":
        return 1, 2
    if k == "seq":
        mn = mx = 0
        for item in node[1]:
            a, b = _width(item, parser, depth)
            mn += a
            mx = None if mx is None or b is None else mx + b
        return mn, mx
    if k == "alt":
        ws = [_width(b, parser, depth) for b in node[1]]
        mn = min(w[0] for w in ws)
        mx = None if any(w[1] is None for w in ws) else max(w[1] for w in ws)
        if mx is None or mn != mx:
            return mn, None
        return mn, mx
    if k == "cap":
        return _width(node[2], parser, depth)
    if k in ("nc", "atomic"):
        return _width(node[1], parser, depth)
    if k == "rep":
        a, b = _width(node[1], parser, depth)
        if node[3] is None or b is None or node[2] != node[3]:
            return a * node[2], None
        return a * node[2], b * node[3]
    if k == "cond":
        a = _width(node[2], parser, depth)
        b = _width(node[3], parser, depth)
        if a != b:
            return min(a[0], b[0]), None
        return a
    if k == "call" and depth < 20:
        num = node[1]
        if type(num) is str:
            nums = parser.name_numbers(num)
            num = nums[0] if nums else None
        g = parser.groups.get(num)
        if g is not None and g[2] is not None:
            return _width(g[2], parser, depth + 1)
    return 0, None


def _resolve(node, parser, stack=()):
    """Name references to group numbers, subroutine calls inlined."""
    k = node[0]
    if k == "bref":
        ref = node[1]
        nums = [ref] if type(ref) is int else parser.name_numbers(ref)
        return ("bref", nums, node[2])
    if k == "call":
        ref = node[1]
        if type(ref) is str:
            nums = parser.name_numbers(ref)
            if not nums:
                raise _CompileError(_ERR[15], node[2])
            ref = nums[0]
        if ref > parser.ncap or ref not in parser.groups:
            raise _CompileError(_ERR[15], node[2])
        if ref in stack:
            raise _CompileError("recursive subpattern calls are not supported by erlpy",
                                node[2])
        if parser.groups[ref][2] is None:
            raise _CompileError("recursive subpattern calls are not supported by erlpy",
                                node[2])
        body = _resolve(parser.groups[ref][2], parser, stack + (ref,))
        return ("callin", body)
    if k == "cond":
        cond = node[1]
        if cond[0] == "ref":
            ref = cond[1]
            nums = [ref] if type(ref) is int else parser.name_numbers(ref)
            cond = ("grp", nums)
        elif cond[0] == "assert":
            cond = ("assert", _resolve(cond[1], parser, stack))
        return ("cond", cond, _resolve(node[2], parser, stack), _resolve(node[3], parser, stack))
    if k in ("seq", "alt"):
        return (k, [_resolve(x, parser, stack) for x in node[1]])
    if k == "cap":
        return ("cap", node[1], _resolve(node[2], parser, stack))
    if k in ("nc", "atomic", "la", "nla", "define"):
        return (k, _resolve(node[1], parser, stack))
    if k in ("lb", "nlb"):
        return (k, _resolve(node[1], parser, stack), node[2])
    if k == "rep":
        return ("rep", _resolve(node[1], parser, stack), node[2], node[3], node[4])
    return node


# ---------------------------------------------------------------------------
# Tree -> Python pattern

def _cesc(cp):
    if 48 <= cp <= 57 or 65 <= cp <= 90 or 97 <= cp <= 122:
        return chr(cp)
    if cp < 0x100:
        return "\\x%02x" % cp
    if cp < 0x10000:
        return "\\u%04x" % cp
    return "\\U%08x" % cp


def _set_src(ranges, top):
    if not ranges:
        return "(?!)"
    if len(ranges) == 1:
        lo, hi = ranges[0]
        if lo == hi:
            return _cesc(lo)
        if lo == 0 and hi >= top:
            return "."
    comp = _complement(ranges, top)
    neg = len(comp) < len(ranges)
    parts = []
    for lo, hi in (comp if neg else ranges):
        if lo == hi:
            parts.append(_cesc(lo))
        elif hi == lo + 1:
            parts.append(_cesc(lo) + _cesc(hi))
        else:
            parts.append(_cesc(lo) + "-" + _cesc(hi))
    return ("[^" if neg else "[") + "".join(parts) + "]"


_NL_AT = {0: "\\n", _NL_LF: "\\n", _NL_CR: "\\r", _NL_CRLF: "\\r\\n",
          _NL_ANYCRLF: "(?:\\r\\n|[\\r\\n])"}
_NL_BEFORE = {0: "(?<=\\n)", _NL_LF: "(?<=\\n)", _NL_CR: "(?<=\\r)", _NL_CRLF: "(?<=\\r\\n)",
              _NL_ANYCRLF: "(?<=[\\r\\n])"}
_DOT = {0: "[^\\n]", _NL_LF: "[^\\n]", _NL_CR: "[^\\r]", _NL_CRLF: "(?:(?!\\r\\n).)",
        _NL_ANYCRLF: "[^\\r\\n]"}


class _Emitter:
    def __init__(self, pat, newline, bsr, eopt, goff, base):
        self.utf = pat.utf
        self.top = _MAXCP if pat.utf else 255
        self.nl = newline
        self.bsr = bsr
        self.notbol = bool(eopt & _E_NOTBOL)
        self.noteol = bool(eopt & _E_NOTEOL)
        self.goff = goff
        self.ng = base
        self.gmap = {}
        self.closed = set()
        self.kmarks = []
        self.in_lb = 0
        self.strip = 0
        if newline == _NL_ANY:
            v = "\\n\\x0b\\x0c\\r\\x85" + ("\\u2028\\u2029" if self.utf else "")
            self.nl_at = "(?:\\r\\n|[%s])" % v
            self.nl_before = "(?<=[%s])" % v
            self.dot = "[^%s]" % v
        else:
            self.nl_at = _NL_AT[newline]
            self.nl_before = _NL_BEFORE[newline]
            self.dot = _DOT[newline]

    def group(self):
        self.ng += 1
        return self.ng

    def atomic(self, inner):
        """inner as an atomic group."""
        if self.in_lb:
            return "(?:" + inner + ")"
        if _NATIVE_ATOMIC:
            return "(?>" + inner + ")"
        raise AssertionError("atomic emulation needs the group allocated first")

    def emit(self, node):
        k = node[0]
        f = getattr(self, "e_" + k)
        return f(node)

    def body(self, alt):
        return "|".join(self.emit(b) for b in alt[1])

    def e_seq(self, node):
        return "".join(self.emit(x) for x in node[1])

    def e_alt(self, node):
        return "(?:" + self.body(node) + ")"

    def e_lit(self, node):
        return _cesc(node[1])

    def e_set(self, node):
        return _set_src(node[1], self.top)

    def e_dot(self, node):
        return self.dot

    def e_fail(self, node):
        return "(?!)"

    def e_bol(self, node):
        return "(?!)" if self.notbol else "\\A"

    def e_bolm(self, node):
        after = self.nl_before + "(?!\\Z)"
        return after if self.notbol else "(?:\\A|" + after + ")"

    def e_eol(self, node):
        return "(?!)" if self.noteol else "(?=(?:%s)?\\Z)" % self.nl_at

    def e_eolend(self, node):
        return "(?!)" if self.noteol else "\\Z"

    def e_eolm(self, node):
        return "(?=%s)" % self.nl_at if self.noteol else "(?:(?=%s)|\\Z)" % self.nl_at

    def e_A(self, node):
        return "\\A"

    def e_z(self, node):
        return "\\Z"

    def e_Z(self, node):
        return "(?=(?:%s)?\\Z)" % self.nl_at

    def e_G(self, node):
        if not self.goff:
            return "\\A"
        return "(?<=\\A.{%d})" % self.goff

    def e_K(self, node):
        if self.in_lb or self.strip:
            return ""
        g = self.group()
        self.kmarks.append(g)
        return "()"

    def e_wb(self, node):
        w = _set_src(node[2], self.top)
        if node[1]:
            return "(?:(?<=%s)(?=%s)|(?<!%s)(?!%s))" % (w, w, w, w)
        return "(?:(?<=%s)(?!%s)|(?<!%s)(?=%s))" % (w, w, w, w)

    def e_R(self, node):
        if self.bsr == 1:
            v = "\\r\\n"
        else:
            v = "\\n\\x0b\\x0c\\r\\x85" + ("\\u2028\\u2029" if self.utf else "")
        return "(?:\\r\\n|(?!\\r\\n)[%s])" % v

    def e_cap(self, node):
        if self.strip:
            return "(?:" + self.body(node[2]) + ")"
        g = self.group()
        self.gmap.setdefault(node[1], []).append(g)
        s = "(" + self.body(node[2]) + ")"
        self.closed.add(g)
        return s

    def e_nc(self, node):
        return "(?:" + self.body(node[1]) + ")"

    def e_define(self, node):
        return "(?:(?!)(?:" + self.body(node[1]) + "))?"

    def e_atomic(self, node):
        if self.in_lb or _NATIVE_ATOMIC:
            return self.atomic(self.body(node[1]))
        g = self.group()
        s = "(?=(" + self.body(node[1]) + "))"
        self.closed.add(g)
        return s + "(?:\\%d)" % g

    def e_callin(self, node):
        self.strip += 1
        try:
            return self.e_atomic(("atomic", node[1]))
        finally:
            self.strip -= 1

    def e_la(self, node):
        return "(?=" + self.body(node[1]) + ")"

    def e_nla(self, node):
        return "(?!" + self.body(node[1]) + ")"

    def e_lb(self, node):
        self.in_lb += 1
        try:
            parts = ["(?<=" + self.emit(b) + ")" for b in node[1][1]]
        finally:
            self.in_lb -= 1
        return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"

    def e_nlb(self, node):
        self.in_lb += 1
        try:
            return "".join("(?<!" + self.emit(b) + ")" for b in node[1][1])
        finally:
            self.in_lb -= 1

    def e_rep(self, node):
        item, mn, mx, mode = node[1], node[2], node[3], node[4]
        if item[0] in ("la", "nla", "lb", "nlb"):
            if mx == 0:
                return ""
            inner = self.emit(item)
            return "(?:" + inner + ")?" if mn == 0 else inner
        if mx is None:
            q = "*" if mn == 0 else "+" if mn == 1 else "{%d,}" % mn
        elif mn == 0 and mx == 1:
            q = "?"
        elif mn == mx:
            q = "{%d}" % mn
        else:
            q = "{%d,%d}" % (mn, mx)
        if mode == "p" and not self.in_lb and not _NATIVE_ATOMIC:
            g = self.group()
            inner = self.emit(item)
            if not (item[0] in ("lit", "set") and not inner.startswith("(")):
                inner = "(?:" + inner + ")"
            self.closed.add(g)
            return "(?=(" + inner + q + "))(?:\\%d)" % g
        inner = self.emit(item)
        if not (item[0] in ("lit", "set", "dot") and not inner.startswith("(")):
            inner = "(?:" + inner + ")"
        if mode == "l":
            q += "?"
        elif mode == "p" and not self.in_lb:
            q += "+"
        return inner + q

    def e_bref(self, node):
        nums, caseless = node[1], node[2]
        pys = []
        for n in nums:
            pys.extend(g for g in self.gmap.get(n, ()) if g in self.closed)
        if not pys:
            return "(?!)"
        if len(pys) == 1:
            s = "\\%d" % pys[0]
            return "(?i:%s)" % s if caseless else "(?:%s)" % s
        out = "(?!)"
        for g in reversed(pys):
            s = "\\%d" % g
            if caseless:
                s = "(?i:%s)" % s
            out = "(?(%d)%s|%s)" % (g, s, out)
        return out

    def e_cond(self, node):
        cond, yes, no = node[1], node[2], node[3]
        if cond[0] == "never":
            return "(?:" + self.emit(no) + ")"
        if cond[0] == "grp":
            pys = []
            for n in cond[1]:
                pys.extend(g for g in self.gmap.get(n, ()) if g in self.closed)
            if not pys:
                # the group is not closed yet here: it cannot be set
                return "(?:" + self.emit(no) + ")"
            if len(pys) == 1:
                return "(?(%d)%s|%s)" % (pys[0], self.emit(yes), self.emit(no))
            # several groups (duplicate names): "any of them set" and "none set"
            anyset = "(?!)"
            noneset = ""
            for g in reversed(pys):
                anyset = "(?(%d)|%s)" % (g, anyset)
                noneset = "(?(%d)(?!)|%s)" % (g, noneset)
            return "(?:" + anyset + self.emit(yes) + "|" + noneset + self.emit(no) + ")"
        # an assertion as the condition: (?:A yes | not-A no), A evaluated
        # again in the second branch (captures only from the first); pieces
        # are emitted in the order they appear so that groups number right
        a = cond[1]
        kind = a[0]
        flip = {"la": "nla", "nla": "la", "lb": "nlb", "nlb": "lb"}[kind]
        if kind in ("la", "lb"):
            s1 = self.emit(a)
        else:
            self.strip += 1
            try:
                s1 = self.emit(a)
            finally:
                self.strip -= 1
        s2 = self.emit(yes)
        self.strip += 1
        try:
            s3 = self.emit((flip,) + a[1:])
        finally:
            self.strip -= 1
        s4 = self.emit(no)
        return "(?:" + s1 + s2 + "|" + s3 + s4 + ")"


class _Variant:
    __slots__ = ("regex", "gmap", "kmarks")


# ---------------------------------------------------------------------------
# Compiled patterns

class _Pattern:
    __slots__ = ("ncap", "utf", "ucp", "names", "dupnames", "tree", "copt", "newline", "bsr",
                 "has_G", "has_crlf", "variants", "term", "error")

    def variant(self, newline, bsr, eopt, goff, ne):
        key = (newline, bsr, eopt & (_E_NOTBOL | _E_NOTEOL), goff, ne)
        v = self.variants.get(key)
        if v is None:
            em = _Emitter(self, newline, bsr, eopt, goff, 1 if ne else 0)
            src = em.emit(self.tree)
            if ne:
                src = "(?=(.*))(?:" + src + ")(?!\\1)"
            if not self.utf:
                src = src.encode("latin-1")
            v = _Variant()
            v.regex = _pyre.compile(src, _pyre.S)
            v.gmap = em.gmap
            v.kmarks = em.kmarks
            if len(self.variants) > 64:
                self.variants.clear()
            self.variants[key] = v
        return v


_MAGIC = b"ERPY"
_CACHE = {}


def _compile(src, copt, newline, bsr):
    """The _Pattern for pattern bytes and options (cached), or _CompileError."""
    key = _MAGIC + struct.pack(">I", copt | (newline << _NL_SHIFT) | (bsr << _BSR_SHIFT)) + src
    pat = _CACHE.get(key)
    if pat is None:
        pat = _Pattern()
        pat.error = None
        try:
            if newline > 5:
                raise _CompileError(_ERR[56], 0)
            if bsr == 3:
                raise _CompileError(_ERR[56], 0)
            parser = _Parser(src, copt, newline, bsr)
            tree = parser.parse()
            pat.tree = _resolve(tree, parser)
            pat.ncap = parser.ncap
            pat.utf = parser.utf
            pat.ucp = parser.ucp
            pat.copt = parser.copt
            pat.newline = parser.newline
            pat.bsr = parser.bsr
            pat.has_G = parser.has_G
            pat.has_crlf = parser.has_crlf
            pat.names = [((nm.encode("utf-8") if parser.utf else nm.encode("latin-1")), num)
                         for nm, num in parser.names]
            pat.dupnames = bool(copt & _DUPNAMES)
            pat.variants = {}
            pat.term = None
            pat.variant(pat.newline, pat.bsr, 0, 0, False)
        except _CompileError as e:
            pat.error = (e.msg, e.offset)
        except (_pyre.error, RecursionError, OverflowError, ValueError) as e:
            pat.error = ("erlpy could not translate this pattern (%s)" % e, 0)
        if len(_CACHE) > 2000:
            _CACHE.clear()
        _CACHE[key] = pat
        if pat.error is None:
            nl = pat.newline
            crlf = 1 if nl in (_NL_ANY, _NL_CRLF, _NL_ANYCRLF) else 0
            pat.term = (A.re_pattern, pat.ncap, 1 if copt & _UTF8 else 0, crlf, key)
    return pat


def _from_term(t):
    """The _Pattern of a {re_pattern, ...} term, or badarg."""
    if t[0] is not A.re_pattern or type(t[1]) is not int or type(t[2]) is not int \
            or type(t[3]) is not int or type(t[4]) is not bytes:
        raise badarg()
    b = t[4]
    pat = _CACHE.get(b)
    if pat is None:
        if len(b) < 8 or not b.startswith(_MAGIC):
            raise badarg()
        word = struct.unpack(">I", b[4:8])[0]
        copt = word & 0xFFFF
        newline = (word >> _NL_SHIFT) & 7
        bsr = (word >> _BSR_SHIFT) & 3
        pat = _compile(b[8:], copt, newline, bsr)
    if pat.error is not None:
        raise badarg()
    return pat


# ---------------------------------------------------------------------------
# Matching

class _View:
    """A subject as the regex sees it: bytes, or str with byte offsets."""
    __slots__ = ("data", "text", "c2b", "size")


_LAST_VIEW = [None, None]


def _view(subj, utf):
    if not utf:
        v = _View()
        v.data = subj
        v.text = subj
        v.c2b = None
        v.size = len(subj)
        return v
    last = _LAST_VIEW[0]
    if last is not None and (subj is last or (len(subj) == len(last) and subj == last)):
        return _LAST_VIEW[1]
    try:
        text = subj.decode("utf-8")
    except UnicodeDecodeError:
        raise badarg()
    v = _View()
    v.data = subj
    v.text = text
    v.size = len(subj)
    if len(text) == len(subj):
        v.c2b = None
    else:
        c2b = [0] * (len(text) + 1)
        o = 0
        i = 0
        for ch in text:
            c = ord(ch)
            o += 1 if c < 0x80 else 2 if c < 0x800 else 3 if c < 0x10000 else 4
            i += 1
            c2b[i] = o
        v.c2b = c2b
    _LAST_VIEW[0] = subj
    _LAST_VIEW[1] = v
    return v


def _first_newline(text, pos, newline, utf):
    """Index of the first newline at or after pos (or the end)."""
    best = len(text)
    if newline in (0, _NL_LF):
        seps = ["\n"]
    elif newline == _NL_CR:
        seps = ["\r"]
    elif newline == _NL_CRLF:
        seps = ["\r\n"]
    elif newline == _NL_ANYCRLF:
        seps = ["\r", "\n"]
    else:
        seps = ["\r", "\n", "\x0b", "\x0c", "\x85"] + (["\u2028", "\u2029"] if utf else [])
    for s in seps:
        if type(text) is bytes:
            s = s.encode("latin-1")
        i = text.find(s, pos)
        if 0 <= i < best:
            best = i
    return best


def _exec(pat, view, offset, eopt, newline, bsr):
    """Run the pattern; None or (match object, variant)."""
    text = view.text
    if view.c2b is None:
        pos = offset
    else:
        pos = bisect.bisect_left(view.c2b, offset)
        if pos >= len(view.c2b) or view.c2b[pos] != offset:
            raise badarg()
    goff = pos if pat.has_G else 0
    var = pat.variant(newline, bsr, eopt, goff, False)
    rx = var.regex
    anchored = (pat.copt & _ANCHORED) or (eopt & _E_ANCHORED)
    if anchored:
        m = rx.match(text, pos)
    else:
        m = rx.search(text, pos)
        if m is not None and newline in (_NL_CRLF, _NL_ANY, _NL_ANYCRLF) and not pat.has_crlf:
            # PCRE never starts a match between CR and LF (but at the offset)
            cr, lf = ("\r", "\n") if pat.utf else (b"\r", b"\n")
            while m is not None:
                p = m.start()
                if p > pos and text[p - 1:p] == cr and text[p:p + 1] == lf:
                    m = rx.search(text, p + 1)
                else:
                    break
    if m is not None and eopt & (_E_NOTEMPTY | _E_NOTEMPTY_ATSTART):
        atstart = not (eopt & _E_NOTEMPTY)
        ne = None
        n = len(text)
        plain = var
        while m is not None:
            start = _match_start(m, var)
            if m.end() != start or (atstart and start != pos):
                break
            p = m.start()
            if ne is None:
                ne = pat.variant(newline, bsr, eopt, goff, True)
            m2 = ne.regex.match(text, p)
            if m2 is not None and m2.end() != _match_start(m2, ne):
                m = m2
                var = ne
                break
            if anchored or p >= n:
                m = None
                break
            m = rx.search(text, p + 1)
            var = plain
            if m is not None and newline in (_NL_CRLF, _NL_ANY, _NL_ANYCRLF) and \
                    not pat.has_crlf:
                cr, lf = ("\r", "\n") if pat.utf else (b"\r", b"\n")
                while m is not None and text[m.start() - 1:m.start()] == cr and \
                        text[m.start():m.start() + 1] == lf:
                    m = rx.search(text, m.start() + 1)
    if m is None:
        return None
    if pat.copt & _FIRSTLINE and m.start() > _first_newline(text, pos, newline, pat.utf):
        return None
    return m, var


def _match_start(m, var):
    """Where the match starts: after the last \\K passed, if any."""
    if var.kmarks:
        ks = [m.start(g) for g in var.kmarks if m.start(g) >= 0]
        if ks:
            return max(ks)
    return m.start()


def _ovector(pat, view, m, var):
    """[(start, end)] byte offsets per group (-1 if unset) and PCRE's rc."""
    c2b = view.c2b
    start = _match_start(m, var)
    end = m.end()
    ov = [(start, end)]
    rc = 1
    gmap = var.gmap
    for g in range(1, pat.ncap + 1):
        best = (-1, -1)
        for pg in gmap.get(g, ()):
            s, e = m.span(pg)
            if s >= 0 and (best[0] < 0 or e > best[1]):
                best = (s, e)
        if best[0] >= 0:
            rc = g + 1
        ov.append(best)
    if c2b is not None:
        ov = [(c2b[s], c2b[e]) if s >= 0 else (s, e) for s, e in ov]
    return ov, rc


# ---------------------------------------------------------------------------
# Results

def _name_bytes(t):
    if type(t) is type(A.all):
        return t.name.encode("utf-8")
    return iolist_to_bytes(t)


def _lookup_name(pat, name):
    """A capture spec entry for a name: a group number, -1, or a list of
    numbers (duplicate names under the dupnames option)."""
    names = pat.names
    if pat.dupnames:
        nums = [num for nm, num in names if nm == name]
        if not nums:
            return -1
        return nums[0] if len(nums) == 1 else nums
    bot, top = 0, len(names)
    while top > bot:
        mid = (top + bot) // 2
        nm, num = names[mid]
        if name == nm:
            return num
        if name > nm:
            bot = mid + 1
        else:
            top = mid
    return -1


def _build_capture(o, pat):
    """(type, skip, spec): type 'index'/'list'/'binary'/'none'; spec None
    for every group from `skip` on, else a list of entries."""
    if not (o.flags & _F_CAPTURE):
        return "index", 0, None
    t = o.cap_type
    if t is A.index:
        typ = "index"
    elif t is A.list:
        typ = "list"
    elif t is A.binary:
        typ = "binary"
    else:
        raise badarg()
    v = o.cap_values
    if v is A.all:
        return typ, 0, None
    if v is A.none or v is NIL:
        return "none", 0, None
    if v is A.all_but_first:
        return typ, 1, None
    if v is A.first:
        return typ, 0, [0]
    if v is A.all_names:
        if not pat.names:
            return "none", 0, None
        spec = []
        last = None
        for nm, num in pat.names:
            if pat.dupnames:
                if nm != last:
                    spec.append(_lookup_name(pat, nm))
            else:
                spec.append(num)
            last = nm
        return typ, 0, spec
    if type(v) is not Cons:
        raise badarg()
    spec = []
    while type(v) is Cons:
        x = v.hd
        if type(x) is int:
            if x < 0 or x > _INT_MAX:
                raise badarg()
            spec.append(x)
        elif type(x) is bytes or type(x) is Cons or x is NIL or type(x) is type(A.all):
            spec.append(_lookup_name(pat, _name_bytes(x)))
        else:
            raise badarg()
        v = v.tl
    if v is not NIL:
        raise badarg()
    return typ, 0, spec


def _piece(typ, data, s, e):
    if typ == "index":
        if s < 0:
            return (-1, 0)
        return (s, e - s)
    if s < 0:
        return b"" if typ == "binary" else NIL
    if typ == "binary":
        return data[s:e]
    return from_seq(list(data[s:e]))


def _result(ri, data, ov, rc):
    typ, skip, spec = ri
    if typ == "none":
        return A.match
    if spec is None:
        items = [_piece(typ, data, ov[i][0], ov[i][1]) for i in range(skip, rc)]
    else:
        items = []
        for x in spec:
            if type(x) is list:
                found = -1
                for num in x:
                    if num < len(ov) and ov[num][0] >= 0:
                        found = num
                        break
                x = found
            if 0 <= x < rc:
                items.append(_piece(typ, data, ov[x][0], ov[x][1]))
            else:
                items.append(_piece(typ, data, -1, -1))
    return (A.match, from_seq(items))


# ---------------------------------------------------------------------------
# The BIFs

_BADOPT_INFO = Map.from_pairs([(A.cause, A.badopt), (A.module, A.erl_stdlib_errors)])


def _badopt():
    e = ErlangError(ERROR, A.badarg)
    e.error_info = _BADOPT_INFO
    return e


def _options(t):
    try:
        return _parse_options(t)
    except _BadOpt:
        raise _badopt()


def _estr(s):
    return from_seq([ord(c) if ord(c) < 256 else 63 for c in s])


def _trap(name, arity, args):
    return Trap(VM.code.export(A.re, atom(name), arity), args)


def _run(subj, pat_t, opts_t, fname):
    o = _options(opts_t)
    glob = o.flags & _F_GLOBAL
    list_cap = bool(o.flags & _F_CAPTURE) and o.cap_type is A.list
    if type(pat_t) is not tuple or len(pat_t) != 5:
        if type(pat_t) is not bytes and type(pat_t) is not Cons and pat_t is not NIL:
            raise badarg()
        if o.flags & _F_UNICODE and (type(pat_t) is not bytes or type(subj) is not bytes or
                                     (list_cap and not glob)):
            return _trap("urun", 3, [subj, pat_t, opts_t])
        pat = _compile(iolist_to_bytes(pat_t), o.copt, o.newline, o.bsr)
        if pat.error is not None:
            if o.flags & _F_REPORT_ERRORS:
                return (A.error, (A.compile, (_estr(pat.error[0]), pat.error[1])))
            raise badarg()
        if glob:
            clean = A.true if o.flags & _F_UNIQUE_COMPILE else A.false
            return _trap("grun", 3, [subj, pat.term, (opts_t, clean, pat_t)])
    else:
        if o.flags & _F_UNIQUE_COMPILE:
            raise badarg()
        if pat_t[0] is not A.re_pattern or type(pat_t[1]) is not int or \
                type(pat_t[2]) is not int or type(pat_t[3]) is not int or \
                type(pat_t[4]) is not bytes:
            raise badarg()
        if pat_t[2] and (type(subj) is not bytes or (list_cap and not glob)):
            return _trap("urun", 3, [subj, pat_t, opts_t])
        if glob:
            return _trap("grun", 3, [subj, pat_t, (opts_t, A.false)])
        pat = _from_term(pat_t)
    ri = _build_capture(o, pat)
    data = iolist_to_bytes(subj)
    if o.offset > len(data):
        frame = (A.re, atom(fname), from_seq([subj, pat_t, opts_t]),
                 from_seq([(A.error_info, Map.from_pairs([(A.module, A.erl_stdlib_errors)]))]))
        raise Exit((A.internal_error, from_seq([frame])))
    view = _view(data, pat.utf)
    newline = o.newline if 0 < o.newline <= 5 else pat.newline
    bsr = o.bsr if o.bsr in (1, 2) else pat.bsr
    res = _exec(pat, view, o.offset, o.eopt, newline, bsr)
    if res is None:
        return A.nomatch
    ov, rc = _ovector(pat, view, res[0], res[1])
    return _result(ri, data, ov, rc)


@bif("re", "run", 2, traps=True)
def run_2(subj, pat):
    return _run(subj, pat, NIL, "run")


@bif("re", "run", 3, traps=True)
def run_3(subj, pat, opts):
    return _run(subj, pat, opts, "run")


@bif("re", "internal_run", 4, traps=True)
def internal_run_4(subj, pat, opts, first):
    if first is not A.true and first is not A.false:
        raise badarg()
    return _run(subj, pat, opts, "internal_run")


def _compile_bif(p, opts_t):
    o = _options(opts_t)
    if o.flags & _F_UNIQUE_EXEC:
        raise _badopt()
    if o.flags & _F_UNICODE and type(p) is not bytes:
        return _trap("ucompile", 2, [p, opts_t])
    pat = _compile(iolist_to_bytes(p), o.copt, o.newline, o.bsr)
    if pat.error is not None:
        return (A.error, (_estr(pat.error[0]), pat.error[1]))
    return (A.ok, pat.term)


@bif("re", "compile", 1, traps=True)
def compile_1(p):
    return _compile_bif(p, NIL)


@bif("re", "compile", 2, traps=True)
def compile_2(p, opts):
    return _compile_bif(p, opts)


@bif("re", "inspect", 2)
def inspect_2(mp, what):
    if type(mp) is not tuple or len(mp) != 5 or mp[0] is not A.re_pattern or \
            type(mp[1]) is not int or type(mp[2]) is not int or type(mp[3]) is not int or \
            type(mp[4]) is not bytes or len(mp[4]) < 4 or what is not A.namelist:
        raise badarg()
    pat = _from_term(mp)
    out = []
    last = None
    for nm, _num in pat.names:
        if not (pat.dupnames and nm == last):
            out.append(nm)
        last = nm
    return (A.namelist, from_seq(out))


@bif("re", "version", 0)
def version_0():
    return _VERSION
