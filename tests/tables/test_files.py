"""acltrace.tables.files on hostile input: a capture is not taken for JSON rows, a JSON row nested too deep
is a problem, not an error."""
from conftest import CORPUS

from acltrace.tables import files

JUNOS = (CORPUS / "captures" / "multi.txt").read_text().split("admin@sw3>", 1)[1]


def test_a_junos_capture_that_starts_with_its_banner_is_read_as_a_capture(tmp_path):
    capture = tmp_path / "sw3.txt"
    capture.write_text("{master:0}\nadmin@sw3>" + JUNOS)
    tables = files.load([str(capture)])
    assert [(r["switch"], r["mac"], r["port"]) for r in tables.mac] == [("sw3", "00:10:0d:e0:e2:90", "ge-0/0/1.0")]
    assert tables.problems == []


def test_json_rows_are_told_by_their_start():
    assert files.looks_like_rows('{"kind": "mac", "mac": "00:10:0d:e0:e2:90"}')
    assert files.looks_like_rows(' \n { "kind": "arp"}')
    assert not files.looks_like_rows("{master:0}\nadmin@sw3> show ethernet-switching table")
    assert not files.looks_like_rows("sw1#show mac address-table")


def test_a_row_nested_too_deep_is_a_problem():
    tables = files.read_rows('{"kind": "mac", "mac": ' + "[" * 100_000 + "\n" + '{"kind": "mac", "mac": "x"}')
    assert tables.problems == ["line 1: not JSON (nested too deep)"] and tables.mac == [{"mac": "x"}]
