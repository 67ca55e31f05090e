"""Hostile and malformed data files (qdgain_core/data_files.py), generated deterministically.

Every case is sniffed and read as every kind: each call must raise ``DataFileError`` or return
a valid dataset, within a time bound, never another exception. Cases marked "error" must
fail for every kind (with the line when one is named), cases marked with a kind must read as
that kind. The large cases are read once more under tracemalloc: peak below 64 MiB.
"""

from __future__ import annotations

import contextlib
import random
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pytest

from qdgain_core.data_files import MAX_FILE_BYTES, MAX_ROWS, DataFileError, read_dataset, sniff
from qdgain_core.datasets import ARRAY_FIELDS, DATASET_KINDS, dataset_from_json, dataset_to_json

SECONDS_PER_CALL = 1.0
PEAK_BYTES = 64 * 1024 * 1024
LARGE_BYTES = 256 * 1024

HEADER = "energy_mev,n_avg,od_nl,n_doped,sigma"


def _valid_rows(rng: random.Random, rows: int) -> list[str]:
    energies = sorted(rng.sample(range(15000, 25000), rows))
    return [f"{e / 10:.1f},{rng.choice((0.5, 1.5, 3.0))},{rng.uniform(-0.3, 0.6):.5f},{rng.uniform(0, 2):.3f},"
            f"{rng.uniform(1e-4, 1e-2):.2e}" for e in energies]


def _valid(rng: random.Random, rows: int = 12) -> str:
    return HEADER + "\n" + "\n".join(_valid_rows(rng, rows)) + "\n"


@dataclass(frozen=True)
class Case:
    """A generated file: ``expect`` is "error" (every kind fails), a kind (reads as it) or None (either)."""

    id: str
    content: bytes | str
    expect: str | None
    line: int | None = None


def _cases() -> Iterator[Case]:
    rng = random.Random(20260611)
    for i in range(12):
        yield Case(f"binary-{i}", bytes(rng.randrange(256) for _ in range(rng.choice((1, 16, 512, 4096)))), "error")
    for i in range(4):
        yield Case(f"png-like-{i}", b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(200)), "error")
    for i in range(10):
        text = _valid(rng).encode()
        at = rng.randrange(len(text))
        yield Case(f"nul-{i}", text[:at] + b"\0" + text[at:], "error", text.count(b"\n", 0, at) + 1)
    for i in range(10):
        text = _valid(rng).encode()
        at = rng.randrange(len(HEADER) + 1, len(text))
        bad = bytes([rng.choice((0x80, 0xa0, 0xb5, 0xc3, 0xe9, 0xff))])
        tail = text[at:] if bad != b"\xc3" else b"(" + text[at:]
        yield Case(f"not-utf8-{i}", text[:at] + bad + tail, "error", text.count(b"\n", 0, at) + 1)
    yield Case("latin1-header", "energy_mev,n_avg,od_nl,µ\n2000,1,0.1,1\n".encode("latin-1"), "error", 1)
    yield Case("utf16", _valid(rng).encode("utf-16"), "error")
    for i, size in enumerate((MAX_FILE_BYTES + 1, 3 * MAX_FILE_BYTES, 5 * MAX_FILE_BYTES)):
        yield Case(f"huge-bytes-{i}", (HEADER + "\n" + "2000,1,0.1,0,0.1\n" * (size // 17 + 1)).encode()[:size],
                   "error")
        yield Case(f"huge-text-{i}", "#" * size, "error")
    yield Case("huge-utf8-text", "€" * (MAX_FILE_BYTES // 3 + 1), "error")
    yield Case("max-size-comment", b"#" * MAX_FILE_BYTES, "error")
    yield Case("max-size-newlines", b"\n" * MAX_FILE_BYTES, "error")
    yield Case("max-size-cr", b"\r" * MAX_FILE_BYTES, "error")
    yield Case("max-size-spaces", b" " * MAX_FILE_BYTES, "error")
    yield Case("header-then-newlines", (HEADER + "\n").encode() + b"\n" * (MAX_FILE_BYTES - 40), "error", 1)
    rows = [f"{1000 + i * 0.05:.2f},{i % 7 * 0.5},{i % 1000 * 1e-4:.4f},0.25,0.0123" for i in range(MAX_ROWS)]
    full = (HEADER + "\n" + "\n".join(rows) + "\n").encode()
    yield Case("max-rows-valid", full + b"#" * (MAX_FILE_BYTES - len(full)), "spectra")
    wide_header = HEADER + "," + ",".join(f"extra{k}" for k in range(27))
    wide_rows = [f"{1000 + i * 0.1:.1f},1,0.1,0,0.1," + ",".join("7" * 27) for i in range(MAX_FILE_BYTES // 80)]
    yield Case("max-columns-valid", wide_header + "\n" + "\n".join(wide_rows) + "\n", "spectra")
    yield Case("too-many-rows", "n_doped,n_th\n" + "0,1\n" * (MAX_ROWS + 10), "error", MAX_ROWS + 2)
    yield Case("too-many-tiny-rows", b"a\n" + b"1\n" * (MAX_FILE_BYTES // 2 - 2), "error")
    for i, cell in enumerate(("nan", "NaN", "inf", "-inf", "Infinity", "+nan", "1e400", "-1e999", "nan(0x1)", "INF")):
        rows = _valid_rows(rng, 6)
        row = rng.randrange(6)
        cells = rows[row].split(",")
        cells[rng.randrange(4)] = cell
        rows[row] = ",".join(cells)
        yield Case(f"not-finite-{i}", HEADER + "\n" + "\n".join(rows) + "\n", "error", row + 2)
    formulas = ("=1+1", "+1", "@SUM(A1:A2)", "-1+2", "=HYPERLINK(\"x\")", "=cmd|' /C calc'!A0", "1+1", "2*3",
                "-(1)", "=-1", "+-1", "--1", "SUM(A1)", "\t=1", "0x10", "1_000", "١٢٣", "１２", "1e", "e5", ".", "-",
                "1..2", "1e--3", "½", "1,5", "2.1 eV", "600nm", "'1'", "TRUE")
    for i, cell in enumerate(formulas):
        rows = _valid_rows(rng, 5)
        row = rng.randrange(5)
        cells = rows[row].split(",")
        cells[rng.randrange(5)] = f'"{cell}"' if "," in cell else cell
        rows[row] = ",".join(cells)
        yield Case(f"formula-{i}", HEADER + "\n" + "\n".join(rows) + "\n", "error", row + 2)
    for i, (head, body) in enumerate(((",", "\t"), (",", ";"), ("\t", ","), (";", ","), (",", " "), (" ", ","),
                                      (",", "|"), ("\t", " "))):
        rows = [row.replace(",", body) for row in _valid_rows(rng, 5)]
        yield Case(f"wrong-delimiter-{i}", HEADER.replace(",", head) + "\n" + "\n".join(rows) + "\n", "error")
    for i, length in enumerate((4097, 10_000, 100_000, MAX_FILE_BYTES - 100)):
        yield Case(f"long-data-line-{i}", HEADER + "\n" + "1" * length + "\n", "error", 2)
        yield Case(f"long-header-{i}", "a" * length + ",b\n1,2\n", "error", 1)
        yield Case(f"long-comment-{i}", "#" + "x" * min(length, MAX_FILE_BYTES // 2) + "\n" + _valid(rng), "spectra")
    for i, count in enumerate((33, 1000, 100_000, 1_000_000)):
        yield Case(f"many-columns-header-{i}", ",".join(["c"] * count)[:MAX_FILE_BYTES - 10] + "\n1\n", "error", 1)
        yield Case(f"many-columns-row-{i}", HEADER + "\n" + ",".join(["1"] * count)[:MAX_FILE_BYTES - 100] + "\n",
                   "error", 2)
        yield Case(f"many-delimiters-{i}", ("," * count)[:MAX_FILE_BYTES - 10] + "\n", "error", 1)
    for i, count in enumerate((1, 2, 3, 64, 65, 1000, 4000, 100_000)):
        quotes = '"' * count
        yield Case(f"quotes-cell-{i}", HEADER + "\n" + f"2000,{quotes},0.1,0,0.1\n", "error", 2)
        yield Case(f"quotes-header-{i}", quotes + "," + HEADER + "\n2000,1,0.1,0,0.1,1\n", "error", 1)
    yield Case("quoted-cells", "\n".join(",".join(f'"{c}"' for c in row.split(","))
                                         for row in _valid(rng).splitlines()) + "\n", "spectra")
    yield Case("quoted-delimiter", HEADER + '\n"2000,5",1,0.1,0,0.1\n', "error", 2)
    yield Case("quote-open", HEADER + '\n"2000,1,0.1,0,0.1\n', "error", 2)
    for i, content in enumerate((b"", " ", "\n", "\r\n\r\n", "\t \t\n", "#", "# only a comment\n# and another",
                                 b"\xef\xbb\xbf", "\ufeff", b"\xef\xbb\xbf\n#\n")):
        yield Case(f"empty-{i}", content, "error")
    for i, header in enumerate((HEADER, "n_doped,n_th", "potential_mv,n_doped,sigma", "a", "fluence_mj_cm2,output")):
        yield Case(f"only-header-{i}", header + "\n", "error", 1)
        yield Case(f"only-header-no-newline-{i}", header, "error", 1)
        yield Case(f"only-header-comments-{i}", "# c\n" + header + "\n# c\n\n", "error", 2)
    for i in range(8):
        text = _valid(rng)
        variants = {
            "bom": b"\xef\xbb\xbf" + text.encode(),
            "crlf": text.replace("\n", "\r\n").encode(),
            "cr": text.replace("\n", "\r"),
            "bom-crlf": b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode(),
            "tabs": text.replace(",", "\t"),
            "semicolons": text.replace(",", ";"),
            "spaces": text.replace(",", "   "),
            "trailing-delimiter": text.replace("\n", ",\n"),
            "padded": text.replace(",", " , "),
            "upper-header": text.replace(HEADER, HEADER.upper()),
            "comments": "# exported\n\n" + text.replace("\n", "\n# row\n", 3),
            "no-final-newline": text.rstrip("\n"),
        }
        for name, content in variants.items():
            yield Case(f"benign-{name}-{i}", content, "spectra")
    for i in range(6):
        yield Case(f"mixed-energy-columns-{i}", "energy_ev,wavelength_nm,n_avg,od_nl\n2,620,1,0.1\n", "error", 1)
        yield Case(f"mixed-units-cells-{i}", f"energy_ev,n_avg,od_nl\n2.0,1,0.1\n{2000 + i} meV,1,0.1\n", "error", 3)
        yield Case(f"wrong-unit-values-{i}", f"energy_ev,n_avg,od_nl\n2.0,1,0.1\n{2000 + i},1,0.1\n", "error", 3)
    for i in range(10):
        rows = _valid_rows(rng, 6)
        row = rng.randrange(6)
        cells = rows[row].split(",")
        if rng.random() < 0.5:
            cells.pop(rng.randrange(5))
        else:
            cells.insert(rng.randrange(5), "1")
        rows[row] = ",".join(cells)
        yield Case(f"ragged-{i}", HEADER + "\n" + "\n".join(rows) + "\n", "error", row + 2)
    for i in range(5):
        yield Case(f"control-{i}", _valid(rng).replace("\n", chr(rng.choice((1, 7, 8, 11, 12, 27, 127))) + "\n", 1),
                   "error", 1)
    yield Case("surrogate", HEADER + "\n2000,1,\ud83d,0,0.1\n", "error", 2)
    yield Case("emoji-cell", HEADER + "\n2000,1,😀,0,0.1\n", "error", 2)
    yield Case("nbsp-cell", HEADER + "\n2000,1,\u00a00.1\u00a0,0,0.1\n", "spectra")
    yield Case("line-separator", HEADER + "\n2000,1,0.1\u2028,0,0.1\n", "spectra")
    yield Case("zero-width-space", HEADER + "\n2000,1,0.1\u200b,0,0.1\n", "error", 2)
    for i, (column, value) in enumerate((("n_avg", "-1"), ("n_avg", "25"), ("n_doped", "2.5"), ("sigma", "0"),
                                         ("sigma", "-0.1"), ("energy_mev", "100"), ("energy_mev", "1e6"),
                                         ("od_nl", "1e3"), ("n_doped", "-0.001"), ("energy_mev", "-2000"))):
        rows = _valid_rows(rng, 6)
        row = rng.randrange(6)
        cells = rows[row].split(",")
        cells[HEADER.split(",").index(column)] = value
        rows[row] = ",".join(cells)
        yield Case(f"out-of-range-{i}", HEADER + "\n" + "\n".join(rows) + "\n", "error", row + 2)
    for i, digits in enumerate(("1" * 64, "0." + "0" * 61 + "1", "9" * 65, "1" * 63 + "e9", "1e-400")):
        yield Case(f"long-number-{i}", f"potential_mv,n_doped\n-1000,1\n-900,{digits}\n", None)
    for i in range(4):
        rows = _valid_rows(rng, 8)
        rows.append(rows[rng.randrange(8)])
        yield Case(f"duplicate-energy-{i}", HEADER + "\n" + "\n".join(rows) + "\n", "error", 10)
    for i in range(30):
        text = bytearray(_valid(rng).encode())
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(text))
            action = rng.randrange(3)
            if action == 0:
                del text[at]
            elif action == 1:
                text[at:at] = bytes([rng.choice(b',;\t "#\n\r.-+e=@0123456789abc')])
            else:
                text[at] = rng.randrange(256)
        yield Case(f"mutation-{i}", bytes(text), None)
    for i in range(6):
        width = rng.randint(1, 8)
        header = ",".join(rng.choice(("energy_mev", "n_avg", "od_nl", "n_doped", "sigma", "n_th", "plqy", "x", "output",
                                      "fluence_mj_cm2", "n_x", "potential_mv", "delta_a", "od_0")) + str(k)
                          for k in range(width))
        rows = [",".join(f"{rng.uniform(-5, 5):.3g}" for _ in range(width)) for _ in range(rng.randint(0, 5))]
        yield Case(f"random-table-{i}", header + "\n" + "\n".join(rows), None)


CASES = list(_cases())


def test_there_are_enough_distinct_cases():
    assert len(CASES) >= 200
    assert len({case.id for case in CASES}) == len(CASES)
    assert len({case.content for case in CASES}) > 190


def _timed(call):
    start = time.perf_counter()
    try:
        result = call()
    except DataFileError as error:
        result = error
    elapsed = time.perf_counter() - start
    assert elapsed < SECONDS_PER_CALL, f"{elapsed:.2f} s"
    return result


def _check_error(error: DataFileError) -> None:
    assert isinstance(error, ValueError) and error.reason and len(str(error)) < 400
    assert error.line is None or error.line >= 1


def _check_dataset(dataset, kind: str) -> None:
    assert dataset.kind == kind
    points = getattr(dataset, ARRAY_FIELDS[kind][0]).size
    assert 1 <= points <= MAX_ROWS
    for field in ARRAY_FIELDS[kind]:
        values = getattr(dataset, field)
        assert values.size == points and np.all(np.isfinite(values)) and not values.flags.writeable
    again = dataset_from_json(dataset_to_json(dataset))
    assert dataset_to_json(again) == dataset_to_json(dataset)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_file_fails_cleanly_or_reads(case):
    preview = _timed(lambda: sniff(case.content, name=case.id))
    results = {kind: _timed(lambda kind=kind: read_dataset(case.content, kind=kind, name=case.id))
               for kind in DATASET_KINDS}
    if isinstance(preview, DataFileError):
        _check_error(preview)
    for kind, result in results.items():
        if isinstance(result, DataFileError):
            _check_error(result)
        else:
            _check_dataset(result, kind)
    if case.expect == "error":
        assert isinstance(preview, DataFileError) or all(isinstance(r, DataFileError) for r in results.values())
        assert all(isinstance(r, DataFileError) for r in results.values())
        if case.line is not None:
            assert any(r.line == case.line for r in results.values()), [str(r) for r in results.values()]
    elif case.expect is not None:
        assert not isinstance(preview, DataFileError) and preview.suggested_kind == case.expect, str(preview)
        assert not isinstance(results[case.expect], DataFileError), str(results[case.expect])


LARGE = [case for case in CASES if len(case.content) >= LARGE_BYTES]


def test_there_are_large_cases():
    assert len(LARGE) >= 15


@pytest.mark.parametrize("case", LARGE, ids=[case.id for case in LARGE])
def test_large_file_memory_is_bounded(case):
    tracemalloc.start()
    try:
        for call in (lambda: sniff(case.content, name="x"),
                     *(lambda kind=kind: read_dataset(case.content, kind=kind, name="x") for kind in DATASET_KINDS)):
            with contextlib.suppress(DataFileError):
                call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < PEAK_BYTES, f"{peak / 2**20:.1f} MiB"
