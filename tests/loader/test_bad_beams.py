"""Malformed beams give BadBeam ({error, badfile}), never another exception."""

import glob
import random

import pytest

from erlpy.loader.load import prepare, BadBeam

SAMPLE = sorted(glob.glob("/usr/lib/erlang/lib/stdlib-*/ebin/lists.beam") +
                glob.glob("/usr/lib/erlang/lib/stdlib-*/ebin/io_lib_format.beam"))


def _expect_badbeam_or_ok(data):
    try:
        prepare(data)
    except BadBeam:
        pass


@pytest.mark.parametrize("data", [b"", b"FOR1", b"FOR1\0\0\0\4BEAM", b"\x83garbage" * 10,
                                  b"FOR1\0\0\0\x10BEAMAtU8\0\0\0\xff"])
def test_garbage_is_badbeam(data):
    with pytest.raises(BadBeam):
        prepare(data)


@pytest.mark.skipif(not SAMPLE, reason="OTP is not installed")
def test_truncated_beams_are_badbeam():
    data = open(SAMPLE[0], "rb").read()
    for n in list(range(0, 200, 7)) + list(range(200, len(data), len(data) // 50)):
        with pytest.raises(BadBeam):
            prepare(data[:n])


@pytest.mark.skipif(not SAMPLE, reason="OTP is not installed")
def test_corrupted_beams_never_raise_anything_but_badbeam():
    rnd = random.Random(1234)
    for path in SAMPLE:
        data = bytearray(open(path, "rb").read())
        for _ in range(150):
            d = bytearray(data)
            for _ in range(rnd.randint(1, 8)):
                i = rnd.randrange(12, len(d))
                d[i] = rnd.randrange(256)
            _expect_badbeam_or_ok(bytes(d))
