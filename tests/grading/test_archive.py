"""Caps counted before the cost is paid: JSON values without parsing, zip members by size."""

import io
import zipfile

import pytest

from diplomatic_cover.grading.archive import (
    Budget,
    Limits,
    TooBig,
    count_values,
    load_json,
    read_member,
)


@pytest.mark.parametrize(
    ("text", "at_least"),
    [
        (b'{"a": 1}', 2),
        (b'{"a": [1, 2, 3], "b": {}}', 6),
        (b"[" + b"{}," * 1000 + b"{}]", 1002),
    ],
)
def test_values_are_never_undercounted(text, at_least):
    assert count_values(text) >= at_least


def test_commas_and_brackets_inside_strings_do_not_count():
    essay = '"' + "a, b, [c], {d}, " * 10_000 + '"'
    assert count_values(b'{"answer": ' + essay.encode() + b"}") == 2


def test_an_escaped_quote_does_not_end_a_string():
    assert count_values(b'["say \\"a, b\\"", 1]') == 3


def test_load_json_refuses_over_its_caps_before_parsing():
    with pytest.raises(TooBig, match="over the 1 kB cap"):
        load_json(b"[" + b"0," * 1000 + b"0]", "doc", max_bytes=1024, max_values=10**6)
    with pytest.raises(TooBig, match="over the cap of 100"):
        load_json(b"[" + b"{}," * 200 + b"{}]", "doc", max_bytes=10**6, max_values=100)
    with pytest.raises(ValueError, match="not readable JSON"):
        load_json(b"{nope", "doc", max_bytes=100, max_values=100)


def zip_member(data: bytes, method=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        archive.writestr("m", data)
    archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    return archive, archive.getinfo("m")


def test_a_member_is_refused_on_its_declared_size_and_spends_nothing():
    archive, info = zip_member(b"\0" * 10_000_000)
    budget = Budget(Limits())
    with pytest.raises(TooBig, match="would expand to 10 MB"):
        read_member(archive, info, 1_000_000, budget, "m")
    assert budget.bytes_left == Limits().run_bytes


def test_a_zip_inside_a_zip_that_shrinks_a_hundredfold_is_refused_as_a_bomb():
    archive, info = zip_member(b"\0" * 1_000_000)
    with pytest.raises(TooBig, match="zip bomb"):
        read_member(archive, info, 10**8, Budget(Limits()), "m", ratio=50)
    archive, info = zip_member(bytes(range(256)) * 1000, zipfile.ZIP_STORED)
    data, _ = read_member(archive, info, 10**8, Budget(Limits()), "m", ratio=50)
    assert len(data) == 256_000


def test_one_budget_for_the_whole_run():
    budget = Budget(Limits(run_bytes=1_500_000))
    archive, info = zip_member(bytes(range(256)) * 4000)  # about 1 MB
    read_member(archive, info, 10**8, budget, "m")
    with pytest.raises(TooBig, match="reading budget"):
        read_member(archive, info, 10**8, budget, "m")
    assert budget.spent
