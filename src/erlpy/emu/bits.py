"""Interpreter closures for the bit-syntax instructions; the work itself is
done by terms/bits.py. Old-style construction sequences (bs_init2 + bs_put_*)
reach here already fused into bs_create_bin by the loader."""

from ..terms import A, Atom, NIL
from ..terms import bits as B
from .gen import factory_namespace

__all__ = ["BS_BUILDERS"]

factory_namespace.update({
    "B": B, "MatchCtx": B.MatchCtx, "create_bin": B.create_bin, "ALL": B.ALL,
    "start_match": B.start_match, "get_integer": B.get_integer, "get_float": B.get_float,
    "get_binary": B.get_binary, "skip_bits": B.skip_bits, "get_utf8": B.get_utf8,
    "get_utf16": B.get_utf16, "get_utf32": B.get_utf32, "get_tail": B.get_tail,
    "match_string": B.match_string, "_bs_badarg": lambda: B.badarg(),
})


def _num(op):
    return op[1]


def _size_expr(s, op):
    """Size operand: a register, an integer, or the atom all."""
    if op[0] == "c":
        v = op[1]
        if v is A.all:
            return s.val(B.ALL)
        return s.val(v)
    return s.src(op)


def _flags(op):
    return B.norm_flags(op[1])


def _ctx(s, op):
    return s.src(op)


def _fail_or_badarg(s, fail):
    if fail is None:
        return "raise _bs_badarg()"
    return s.jump(fail)


def _start_match4(s, mod, ins):
    _, fail, _live, src, dst = ins
    s.line("c = start_match(%s)" % s.src(src))
    s.line("if c is None: %s" % _fail_or_badarg(s, fail))
    s.line("%s = c" % s.dst(dst))


def _start_match3(s, mod, ins):
    _, fail, src, _live, dst = ins
    s.line("c = start_match(%s)" % s.src(src))
    s.line("if c is None: %s" % _fail_or_badarg(s, fail))
    s.line("%s = c" % s.dst(dst))


def _get_position(s, mod, ins):
    s.line("%s = %s.pos" % (s.dst(ins[2]), _ctx(s, ins[1])))


def _set_position(s, mod, ins):
    s.line("%s.pos = %s" % (_ctx(s, ins[1]), s.src(ins[2])))


def _get_tail(s, mod, ins):
    s.line("%s = get_tail(%s)" % (s.dst(ins[2]), _ctx(s, ins[1])))


def _getter(fn, with_flags):
    def build(s, mod, ins):
        _, fail, ctx, _live, size, unit, flags, dst = ins
        args = [_ctx(s, ctx), _size_expr(s, size), s.val(_num(unit))]
        if with_flags:
            args.append(s.val(_flags(flags)))
        s.line("v = %s(%s)" % (fn, ", ".join(args)))
        s.line("if v is None: " + s.jump(fail))
        s.line("%s = v" % s.dst(dst))
    return build


def _skip_bits(s, mod, ins):
    _, fail, ctx, size, unit, _flags_op = ins
    s.line("if not skip_bits(%s, %s, %s): %s" % (
        _ctx(s, ctx), _size_expr(s, size), s.val(_num(unit)), s.jump(fail)))


def _test_tail(s, mod, ins):
    _, fail, ctx, bits = ins
    s.line("c = %s" % _ctx(s, ctx))
    s.line("if c.end - c.pos != %s: %s" % (s.val(_num(bits)), s.jump(fail)))


def _test_unit(s, mod, ins):
    _, fail, ctx, unit = ins
    s.line("c = %s" % _ctx(s, ctx))
    s.line("if (c.end - c.pos) %% %s: %s" % (s.val(_num(unit)), s.jump(fail)))


def _match_string(s, mod, ins):
    _, fail, ctx, bits, offset = ins
    nbits = _num(bits)
    off = _num(offset)
    data = mod.strings[off:off + (nbits + 7) // 8]
    s.line("if not match_string(%s, %s, %s): %s" % (
        _ctx(s, ctx), s.val(nbits), s.val(data), s.jump(fail)))


def _utf_getter(kind, skip):
    def build(s, mod, ins):
        if skip:
            _, fail, ctx, _live, flags = ins
        else:
            _, fail, ctx, _live, flags, dst = ins
        c = _ctx(s, ctx)
        if kind == "utf8":
            call = "get_utf8(%s)" % c
        else:
            call = "get_%s(%s, %s)" % (kind, c, s.val(_flags(flags)))
        s.line("v = " + call)
        s.line("if v is None: " + s.jump(fail))
        if not skip:
            s.line("%s = v" % s.dst(dst))
    return build


def _create_bin(s, mod, ins):
    _, fail, _alloc, _live, _unit, dst, segs = ins
    items = []
    for i in range(0, len(segs), 6):
        kind_op, segno_op, unit_op, flags_op, value_op, size_op = segs[i:i + 6]
        kind = B.SEGMENT_KINDS[kind_op[1].name]
        unit = unit_op[1]
        flags = B.norm_flags(flags_op[1])
        if kind == B.BS_STRING:
            off, n = value_op[1], size_op[1]
            value = s.val(mod.strings[off:off + n])
            size = s.val(n)
        else:
            value = s.src(value_op)
            if size_op[0] == "c" and size_op[1] is A.undefined:
                size = s.val(None)   # utf segments have no size
            else:
                size = _size_expr(s, size_op)
        items.append("(%s, %s, %s, %s, %s, %s)" % (
            s.val(kind), s.val(segno_op[1]), s.val(unit), s.val(flags), value, size))
    call = "create_bin((%s,))" % ", ".join(items)
    if fail is None:
        s.line("%s = %s" % (s.dst(dst), call))
    else:
        s.try_call(call, fail)
        s.line("%s = r" % s.dst(dst))


def _bs_add(s, mod, ins):
    _, fail, a, b, unit, dst = ins
    call = "B.bs_add(%s, %s, %s)" % (s.src(a), s.src(b), s.val(_num(unit)))
    if fail is None:
        s.line("%s = %s" % (s.dst(dst), call))
        return
    s.try_call(call, fail)
    s.line("%s = r" % s.dst(dst))


def _utf_size(fn):
    def build(s, mod, ins):
        _, fail, src, dst = ins
        s.line("r = B.%s(%s)" % (fn, s.src(src)))
        s.line("if r is None: %s" % _fail_or_badarg(s, fail))
        s.line("%s = r" % s.dst(dst))
    return build


def _init_writable(s, mod, ins):
    s.line("%s = b''" % s.dst(("x", 0)))


def _context_to_binary(s, mod, ins):
    s.line("c = %s" % s.src(ins[1]))
    s.line("if type(c) is MatchCtx: %s = B.get_tail(MatchCtx(c.data, 0, c.end))" % s.dst(ins[1]))


BS_BUILDERS = {
    "bs_start_match4": _start_match4,
    "bs_start_match3": _start_match3,
    "bs_get_position": _get_position,
    "bs_set_position": _set_position,
    "bs_get_tail": _get_tail,
    "bs_get_integer2": _getter("get_integer", True),
    "bs_get_float2": _getter("get_float", True),
    "bs_get_binary2": _getter("get_binary", False),
    "bs_skip_bits2": _skip_bits,
    "bs_test_tail2": _test_tail,
    "bs_test_unit": _test_unit,
    "bs_match_string": _match_string,
    "bs_get_utf8": _utf_getter("utf8", False),
    "bs_skip_utf8": _utf_getter("utf8", True),
    "bs_get_utf16": _utf_getter("utf16", False),
    "bs_skip_utf16": _utf_getter("utf16", True),
    "bs_get_utf32": _utf_getter("utf32", False),
    "bs_skip_utf32": _utf_getter("utf32", True),
    "bs_create_bin": _create_bin,
    "bs_add": _bs_add,
    "bs_utf8_size": _utf_size("utf8_size"),
    "bs_utf16_size": _utf_size("utf16_size"),
    "bs_init_writable": _init_writable,
    "bs_context_to_binary": _context_to_binary,
}
