"""re:run/compile/inspect (erlpy.bifs.re) and re.erl's replace/split on top
of them, compared with real erl: every case is one apply/3 whose result
(or exception with its top frame) is printed by both VMs and must be equal.
"""

import pytest

from tests.bifs.bif_diff import HAVE_ERL, differences

# (module, function, argument list as Erlang source)
RUN = [
    # capture types and specs
    r'[<<"xaby">>, "(a)(b)"]',
    r'["xaby", "(a)(b)", [{capture, all, list}]]',
    r'["xaby", "(a)(b)", [{capture, all, binary}]]',
    r'["xaby", "(a)(b)", [{capture, first, list}]]',
    r'["xaby", "(a)(b)", [{capture, all_but_first, binary}]]',
    r'["xaby", "(a)(b)", [{capture, none}]]',
    r'["xaby", "(a)(b)", [{capture, []}]]',
    r'["xaby", "(a)(b)", [{capture, [2, 0, 7], index}]]',
    r'["abc", "(b)(x)?", [{capture, all, list}]]',
    r'["abc", "(b)(x)?(c)", [{capture, all, index}]]',
    r'["abc", "(b)(x)?(c)", [{capture, all, binary}]]',
    r'["abc", "(b)(x)?", [{capture, [2, 5], binary}]]',
    r'["abcd", "(?<B>.)(?<A>.)(?<C>.)", [{capture, all_names, binary}]]',
    '["abcd", "(?<B>.)(?<A>.)(?<C>.)", [{capture, [\'C\', <<"A">>, "B", nope], list}]]',
    r'["abcd", "(b)", [{capture, all_names}]]',
    r'["abcd", "(?J)(?<A>x)|(?<A>b)", [{capture, all_names, binary}]]',
    '["abcd", "(?<A>x)|(?<A>b)", [dupnames, {capture, [\'A\'], index}]]',
    r'["abcd", "(?<A>x)|(?<A>b)", [dupnames, {capture, all_names, list}]]',
    r'["abc", "x"]',
    r'["", ""]',
    r'[[<<"a">>, "bc", $d], <<"c">>]',
    r'["aaa", "a*?", [ungreedy]]',
    # global, empty matches and their advancement
    r'["abcabc", "b", [global]]',
    r'["abcabc", "(a)(x)?", [global, {capture, all, list}]]',
    r'["abc", "x*", [global]]',
    r'["a\r\nb", "x*", [global, {newline, crlf}]]',
    r'["aaa", "a|", [global, {capture, first, binary}]]',
    r'["abab", "(?<n>a)", [global, {capture, all_names, binary}]]',
    r'["abab", "b", [global, {capture, none}]]',
    r'["abab", "q", [global]]',
    r'["abcabc", "b", [global, {offset, 2}]]',
    r'[<<"été"/utf8>>, "", [global, unicode]]',
    r'[<<"aé"/utf8>>, ".", [global, unicode, {capture, all, list}]]',
    # options
    r'["ABC", "b", [caseless]]',
    r'["a\nb", "^b", []]',
    r'["a\nb", "^b", [multiline]]',
    r'["a\nb\n", "^", [multiline, global]]',
    r'["a\nb", "a$", []]',
    r'["a\nb", "a$", [multiline]]',
    r'["ab\n", "b$", []]',
    r'["ab\n", "b$", [dollar_endonly]]',
    r'["ab\n", "b\\Z", []]',
    r'["ab\n", "b\\z", []]',
    r'["a\nb", "a.b", []]',
    r'["a\nb", "a.b", [dotall]]',
    r'["abc", "a b  c # comment", [extended]]',
    r'["xab", "ab", [anchored]]',
    r'["xab", "ab", [{offset, 1}, anchored]]',
    r'["ab", "^b", [{offset, 1}]]',
    r'["ab", "\\Ab", [{offset, 1}]]',
    r'["ab", "\\Gb", [{offset, 1}]]',
    r'["aab", "\\Ga", [global]]',
    r'["ab", "^a", [notbol]]',
    r'["ab", "b$", [noteol]]',
    r'["ab", "a*", [notempty]]',
    r'["ba", "a*", [notempty]]',
    r'["ab", "x*|a", [notempty_atstart]]',
    r'["ba", "a*", [notempty_atstart, {offset, 1}]]',
    r'["aaa", "a+", [ungreedy]]',
    r'["aaa", "a+?", [ungreedy]]',
    r'["ab\ncd", "c", [firstline]]',
    r'["ab\ncd", "b", [firstline]]',
    r'["a\rb", "^b", [multiline, {newline, cr}]]',
    r'["a\r\nb", "a$", [{newline, crlf}]]',
    r'["a\r\nb", "a.", [{newline, crlf}]]',
    r'["a\rb", "a.", [{newline, anycrlf}]]',
    r'["a\x{85}b", "a$", [multiline, {newline, any}]]',
    r'["a\r\nb", "a\\Rb", []]',
    r'["a\x0bb", "a\\Rb", [bsr_anycrlf]]',
    r'["a\x0bb", "a\\Rb", [bsr_unicode]]',
    r'["abc", "b", [{match_limit, 10}, {match_limit_recursion, 10}]]',
    r'["abc", "b", [report_errors]]',
    # syntax
    r'["a1 b_2", "\\w+", [global, {capture, first, list}]]',
    r'["a1 b2", "\\d", [global]]',
    r'["a \tb", "\\s+"]',
    r'["a \tb", "\\h+"]',
    r'["a\n\x0bb", "\\v+"]',
    r'[<<"caf", 233, " x">>, "\\w+"]',
    r'[<<201>>, <<233>>, [caseless]]',
    r'[<<255, 120>>, "\\W"]',
    r'["abc", "[^a]"]',
    r'["a]b", "[]]"]',
    r'["a-b", "[a\\-]+"]',
    r'["a-b", "[b-]+"]',
    r'["x9", "[\\d-z]+"]',
    r'["aB1_", "[[:alpha:]]+"]',
    r'["aB1_", "[[:^alpha:]]+"]',
    r'["aB1_", "[[:upper:][:digit:]]+"]',
    r'["aB", "[[:lower:]]+", [caseless]]',
    r'["a.b", "a\\.b"]',
    r'["a\tb", "a\\tb"]',
    r'["a\eb", "a\\eb"]',
    r'[<<1>>, "\\cA"]',
    r'["ab", "\\x61\\x{62}"]',
    r'["ab", "\\141\\o{142}"]',
    r'[<<1, $8>>, "\\18"]',
    r'["a8", "a\\8"]',
    r'["ay", "a\\y"]',
    r'["a.*b", "\\Qa.*b\\E"]',
    r'["abb", "\\Qab\\E+"]',
    r'["abab", "(ab)\\1"]',
    r'["abAB", "(ab)\\1", [caseless]]',
    r'["abab", "(?<x>ab)\\k<x>"]',
    r'["abab", "(?P<x>ab)(?P=x)"]',
    r'["abab", "(ab)\\g{-1}"]',
    r'["abab", "(ab)\\g1"]',
    '["ab", "(?\'q\'a)b", [{capture, [q], list}]]',
    r'["foobar", "foo(?=bar)"]',
    r'["foobaz", "foo(?!bar)"]',
    r'["xbar", "(?<=x)bar"]',
    r'["abcd", "(?<=a|bc)d"]',
    r'["abd", "(?<!c)d"]',
    r'["aaab", "(?>a+)ab"]',
    r'["aaab", "a++b"]',
    r'["aaa", "a{2}"]',
    r'["aaaa", "a{2,3}"]',
    r'["aaaa", "a{2,}?"]',
    r'["a{,3}", "a{,3}"]',
    r'["ab", "(a)?(?(1)b|c)"]',
    r'["c", "(a)?(?(1)b|c)"]',
    r'["ab", "(?<n>a)?(?(<n>)b|c)"]',
    r'["ab", "(?(?=a)ab|cd)"]',
    r'["cd", "(?(?=a)ab|cd)"]',
    r'["xy", "x\\Ky"]',
    r'["ab", "(?|(a)|(b))", [global]]',
    r'["aa", "(a)(?1)"]',
    r'["ab", "(?i)A(?-i)b"]',
    r'["aB", "(?i)A(?-i)b"]',
    r'["aB", "a(?i:b)"]',
    r'["ab", "a(?#comment)b"]',
    r'["ab", "(?:a|b)+"]',
    r'["aXb", "a(*FAIL)|X"]',
    r'["ab", "(*UTF8)b"]',
    r'["a\rb", "(*CR)a$", [multiline]]',
    # Unicode: byte offsets into the UTF-8 binary
    r'[<<"héllo wörld"/utf8>>, "w.rld", [unicode]]',
    r'[<<"héllo"/utf8>>, "l+", [unicode]]',
    r'[<<"héllo"/utf8>>, "l+", []]',
    r'[<<"ÄÖ"/utf8>>, "ä", [unicode, caseless]]',
    r'[<<"ñ"/utf8>>, "^.$", [unicode]]',
    r'[<<"ñ"/utf8>>, "^..$", []]',
    r'[<<"aé1"/utf8>>, "\\w+", [unicode]]',
    r'[<<"aé1"/utf8>>, "\\w+", [unicode, ucp]]',
    r'[<<"Ωx"/utf8>>, "\\p{Lu}", [unicode]]',
    r'[<<"Ωx"/utf8>>, "\\p{Greek}", [unicode]]',
    r'[<<"é"/utf8>>, "e\\x{301}|\\x{e9}", [unicode]]',
    r'[<<"aé"/utf8>>, "(?<x>é)", [unicode, {capture, [x], list}]]',
    r'["aé", "é", [unicode, {capture, all, list}]]',
    r'[<<"aé"/utf8>>, "é", [unicode, {capture, all, binary}, {offset, 1}]]',
    r'[<<"aé"/utf8>>, "", [unicode, {offset, 2}]]',
    r'[<<255>>, "", [unicode]]',
    r'[[16#100, $a], "a", [unicode]]',
    # PCRE 8.44's own rules: auto-possessification by its table, \w and \W
    # in the first repetitions of X+ / X{n,} in UTF mode, no match starting
    # between CR and LF, \X as a cluster
    r'["\rb\rb", "\\A.+\\R"]',
    r'["\n\n", "\\R+\\s"]',
    r'["\n\n", "(?:\\R)+\\s"]',
    r'[<<16#a0, 16#a0>>, "\\h+\\S"]',
    r'[<<"éa"/utf8>>, "\\w+", [unicode]]',
    r'[<<"aé"/utf8>>, "\\W+", [unicode]]',
    r'[<<"éa"/utf8>>, "\\w{1,2}", [unicode]]',
    r'[<<"éé"/utf8>>, "\\w{2}", [unicode]]',
    r'["a\r\nb", "^", [multiline, {newline, anycrlf}, global]]',
    r'["\r\n", ".", [{newline, crlf}, global]]',
    r'["\r\n", "\\n", [{newline, crlf}]]',
    r'[<<16#2028/utf8, 16#301/utf8>>, "\\X", [unicode]]',
    r'[<<"e", 16#301/utf8, "x">>, "\\X", [unicode, global]]',
    r'["\r\n", "\\X\\n"]',
    r'["ab", "\\Q\\E"]',
    # errors
    r'["abc", "(", [report_errors]]',
    r'["abc", "("]',
    r'["abc", "b", [foo]]',
    r'[1, "b"]',
    r'["abc", 1]',
    r'["abc", "b", [global, {capture, foo}]]',
    r'["abc", "b", [{capture, foo}]]',
    r'["abc", "b", [{capture, [-1]}]]',
    r'["abc", "b", [{capture, [1.0]}]]',
    r'["abc", "b", [{capture, all, foo}]]',
    r'["abc", "b", [{offset, -1}]]',
    r'["abc", "b", [{newline, foo}]]',
    r'["abc", "b", [global | foo]]',
    r'["abc", element(2, re:compile("b")), [{capture, all, list}, {offset, 1}]]',
    r'[<<"aé"/utf8>>, element(2, re:compile("é", [unicode])), [{capture, all, list}]]',
    r'["abcb", element(2, re:compile("b")), [global]]',
    r'["abc", {re_pattern, 0, 0, 0, <<"junk">>}]',
    r'["abc", "a", [{offset, 3}]]',
]

COMPILE = [
    r'["(abc"]', r'["abc)"]', r'["a**"]', r'["*a"]', r'["a{3,2}"]', r'["a{99999}"]',
    r'["[abc"]', r'["[z-a]"]', r'["(?<name"]', r'["(?<1a>x)"]', r'["(?<n>a)(?<n>b)"]',
    r'["\\"]', r'["a\\"]', r'["\\c"]', r'["(?z)"]', r'["(?<=a+)b"]', r'["\\2(a)"]',
    r'["\\k<zz>"]', r'["[[:foo:]]"]', r'["[:alpha:]"]', r'["\\p{Foo}"]', r'["\\x{100}"]',
    r'["(?#abc"]', r'["\\g{0}"]', r'["(*FOO)"]', r'["\\L"]', r'["(?(1)a|b|c)"]',
    r'["\\x{zz}"]', r'["((((" ]', r'["a)b)"]', r'["[a-\\d]"]', r'["(?i"]', r'["x{2}{3}"]',
    r'["a?+?"]', r'["^*"]', r'["\\b+"]', r'["a|*"]', r'[<<255>>, [unicode]]',
    r'["\\x{110000}", [unicode]]', r'["b", [global]]', r'["b", [foo]]', r'[1]',

]

# compiled through re:run/3 with report_errors: the error or the match
SYNTAX = [
    "(?(?C1)a)", "(?+k)", "(?P<>a)(b)", "\\k<1a>", "(?(?C1)(?=a)a)", "(*F)?", "a(*FOO:x)",
    "\\o{}", "(?&)", "\\g<a", "(?1)(a", "(?<=\\R)", "(?<=a|bc)(?<!x|yz)", "(?(<n>)a)",
    "(?(-1)a)", "(?(R)a|b)", "(?(R&x)a)", "(?(DEFINE)(?<x>a))(?&x)", "(?<x>a)(?&x)",
    "(?(1)a|b)(x)", "(a)(?-1)", "(?1)(a)", "a(?#x)*", "[[:<:]]a", "a[[:>:]]", "\\Ga",
    "(?x) a # c \n b", "(?x)[ ]", "a{2,}+", "[\\x{41}-\\x{43}]+", "[\\Qa]\\E]+", "\\cz",
    "(?J)(?<n>a)(?<n>b)", "(?<n>a)(?<n>b)", "(?U)a+", "(?-U)a+?", "(?s-s).", "a(?i)b|c",
]

MISC = [
    ("erlang", "element", r'[1, re:compile("a")]'),
    ("erlang", "setelement", r'[5, element(2, re:compile("(a)(?<n>b)")), x]'),
    ("erlang", "setelement", r'[5, element(2, re:compile("a", [unicode, {newline, crlf}])), x]'),
    ("re", "inspect", r'[element(2, re:compile("(?<B>.)(?<A>.)")), namelist]'),
    ("re", "inspect", r'[element(2, re:compile("(?<A>.)|(?<A>.)", [dupnames])), namelist]'),
    ("re", "inspect", r'[element(2, re:compile("(.)")), namelist]'),
    ("re", "inspect", r'[{re_pattern, 0, 0, 0, <<>>}, namelist]'),
    ("erlang", "element", r'[1, element(2, catch re:inspect(element(2, re:compile("a")), foo))]'),
    ("erlang", "element", r'[1, element(2, catch re:run("a", element(2, re:compile("b")), [caseless]))]'),
    ("erlang", "setelement", r'[5, element(2, re:compile("a", [{newline, cr}, {newline, any}])), x]'),
    ("re", "compile", r'["(a)(?(1)a|b|c)"]'),
    ("re", "compile", r'["(?(DEFINE)a|b)"]'),
    ("re", "compile", r'["(?<=a+)(?(1)a|b)"]'),
    ("re", "compile", r'["\\1(?<=a+)"]'),
    ("re", "compile", r'["(?&x)"]'),
    ("re", "compile", r'["(?1)"]'),
    ("re", "version", r'[]'),
    ("re", "internal_run", r'["abc", "b", [], foo]'),
    ("re", "internal_run", r'["abc", "b", [], true]'),
    # replace
    ("re", "replace", r'["abcb", "b", "X"]'),
    ("re", "replace", r'["abcb", "b", "X", [global, {return, list}]]'),
    ("re", "replace", r'["abcb", "(b)", "[\\1&]", [global, {return, binary}]]'),
    ("re", "replace", r'["abcb", "(?<x>b)", "<\\g{1}\\g1>", [{return, list}]]'),
    ("re", "replace", r'["abc", "x*", "-", [global, {return, list}]]'),
    ("re", "replace", r'["a.b", "\\.", "\\\\", [{return, list}]]'),
    ("re", "replace", r'[<<"héllo"/utf8>>, "é", "e", [unicode, {return, list}]]'),
    ("re", "replace", r'["héllo", "l", "L", [unicode, global, {return, binary}]]'),
    ("re", "replace", r'["ABC", "b", "x", [caseless, {return, list}]]'),
    ("re", "replace", r'["abc", "b", "x", [{capture, all}]]'),
    ("re", "replace", r'["abc", "(", "x"]'),
    ("re", "replace", r'["abc", "b", "x", [{return, foo}]]'),
    # split
    ("re", "split", r'["a,b,,c", ","]'),
    ("re", "split", r'["a,b,,c,,", ",", [{return, list}]]'),
    ("re", "split", r'["a,b,,c,,", ",", [trim, {return, list}]]'),
    ("re", "split", r'["a,b,,c", ",", [{parts, 2}, {return, list}]]'),
    ("re", "split", r'["a1b22c", "(\\d+)", [{return, list}]]'),
    ("re", "split", r'["a1b22c", "(\\d)(x)?", [group, {return, list}]]'),
    ("re", "split", r'["abc", "", [{return, list}]]'),
    ("re", "split", r'[<<"aébéc"/utf8>>, "é", [unicode, {return, list}]]'),
    ("re", "split", r'["a b  c", "\\s+", [{return, binary}]]'),
    ("re", "split", r'["a\nb", "^", [multiline, {return, list}]]'),
    ("re", "split", r'["abc", "b", [global]]'),
    ("re", "split", r'["abc", "b", [{parts, -1}]]'),
    ("re", "split", r'["abc", "(", []]'),
    ("re", "split", r'[<<"aébéc"/utf8>>, element(2, re:compile("é", [unicode])), [{return, list}]]'),
    ("re", "replace", r'["aébé", element(2, re:compile("é", [unicode])), "x", [global, {return, list}]]'),
    ("re", "run", r'["aébé", element(2, re:compile("(?<e>é)", [unicode])), [global, {capture, all_names, list}]]'),
    ("re", "run", r'["abcb", element(2, re:compile("(?<x>b)")), [global, {capture, [x], binary}, {offset, 2}]]'),
    ("re", "run", r'[<<"aébé"/utf8>>, element(2, re:compile("é", [unicode])), [global]]'),
    ("re", "run", r'["a\r\nb\r\n", element(2, re:compile("$", [multiline, {newline, crlf}])), [global]]'),
    ("re", "split", r'["a\r\nb", "", [{newline, crlf}, {return, list}]]'),
    ("re", "split", r'[<<"aé"/utf8>>, "", [unicode, {return, binary}]]'),
]


def cases():
    out = [("re", "run", a) for a in RUN]
    out += [("re", "compile", a) for a in COMPILE]
    out += [("re", "run", '["abAB\\r\\nxyz", "%s", [report_errors, global]]' % p) for p in SYNTAX]
    out += [("re", "run", '["abAB\\r\\nxyz", <<"(?<", 195, 169, ">a)">>, [unicode, report_errors]]')]
    out += MISC
    return out


@pytest.mark.skipif(not HAVE_ERL, reason="erl is not installed")
def test_re_matches_erl():
    diffs = differences("re_cases", cases())
    assert not diffs, "\n".join("%s:%s(%s)\n  erl:   %s\n  erlpy: %s" % (c[0], c[1], c[2], w, g)
                                for c, w, g in diffs[:15])


def test_translation_without_native_atomic_groups(monkeypatch):
    """PyPy 3.9 has no (?>...) nor possessive quantifiers: the same results
    through the (?=(X))\\N emulation."""
    from erlpy.bifs import re as R
    monkeypatch.setattr(R, "_NATIVE_ATOMIC", False)
    monkeypatch.setattr(R, "_CACHE", {})

    def run(pat, subj, copt=0):
        p = R._compile(pat, copt, 0, 0)
        assert p.error is None, p.error
        view = R._view(subj, p.utf)
        res = R._exec(p, view, 0, 0, p.newline, p.bsr)
        return None if res is None else R._ovector(p, view, res[0], res[1])

    assert run(b"(?>a+)ab", b"aaab") is None
    assert run(b"a++b", b"aaab") == ([(0, 4)], 1)
    assert run(b"(a)(?>(b)+)(c)", b"abbc") == ([(0, 4), (0, 1), (2, 3), (3, 4)], 4)
    assert run(b"(?:x(a)++)+y", b"xaaxay") == ([(0, 6), (4, 5)], 2)
    assert run(b"\\X", "e\u0301".encode(), R._UTF8) == ([(0, 3)], 1)

