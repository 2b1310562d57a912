"""Every search command returns every record it got, whatever the records hold (issue 13.8, 13.9).

A NUL byte in _raw (Python 3.9's csv refuses it: "line contains NUL"), a field over 10 MB (csv's field
limit), and _time values no clock gives (beyond year 9999, milliseconds read as seconds, negative, not a
number) once made mactrace, aclincidents and showtables fail the whole search. Each command runs here
through SCP v2, as splunkd runs it, on the interpreter of the tests and on Splunk's Python 3.9 and 3.13
(pyenv's, where present; CI has them).
"""
import glob
import pathlib
import tempfile

import pytest
import scp

from acltrace.logs.parser import parse_event

PYTHONS = [None] + [found[-1] for found in (sorted(glob.glob(f"/root/.pyenv/versions/{v}.*/bin/python"))
                                            for v in ("3.9", "3.13")) if found]
BLASTER = ("Aug  4 10:00:0{n} gw-rtr1 {n}: %SEC-6-IPACCESSLOGP: list inbound denied tcp 127.0.0.1(80) "
           "(Ethernet0/1 000b.bf55.4c70) -> 10.20.3.{n}(1515), 1 packet")
TIMES = ("1.0e12", "1e20", "253402300800", "-5", "nan", "inf", "", "soon")


def _events():
    """A hostile record of each kind between ordinary ones."""
    events = [{"_raw": BLASTER.format(n=n), "_time": f"{1091613600 + n}", "host": "gw-rtr1"} for n in range(4)]
    events.append({"_raw": BLASTER.format(n=5).replace("list inbound", "list in\0bound"), "_time": "1091613605",
                   "host": "gw-rtr1"})
    events.append({"_raw": BLASTER.format(n=6) + " " + "x" * (11 << 20), "_time": "1091613606", "host": "gw-rtr1"})
    events += [{"_raw": BLASTER.format(n=7), "_time": time, "host": "gw-rtr1"} for time in TIMES]
    return events


def _labelled():
    """The events as backscatter would hand them on: aclparse's fields and a label."""
    out = []
    for event in _events():
        fields = parse_event(event["_raw"]) or {}
        out.append(dict(event, **fields, bs_label="blaster_backscatter"))
    return out


@pytest.mark.parametrize("python", PYTHONS, ids=lambda p: p.split("/")[4] if p else "tests")
@pytest.mark.parametrize("command", ["aclparse", "backscatter", "mactrace", "showtables"])
def test_streaming_commands_return_every_record(command, python):
    events = _events() if command in ("aclparse", "showtables") else _labelled()
    result = scp.run_command(command, [], [events[:6], events[6:]], python=python)
    scp.assert_ok(result)
    if command == "showtables":             # rows out of captures: none of these is one
        assert result.records == []
        return
    assert len(result.records) == len(events)
    assert [r["_raw"][:60] for r in result.records] == [e["_raw"][:60] for e in events]
    assert "\0" in result.records[4]["_raw"] and len(result.records[5]["_raw"]) > 10 << 20


@pytest.mark.parametrize("python", PYTHONS, ids=lambda p: p.split("/")[4] if p else "tests")
def test_aclincidents_skips_and_counts_what_it_cannot_place(python):
    events = _labelled()
    result = scp.run_command("aclincidents", [], [events[:6], events[6:]], python=python)
    scp.assert_ok(result)
    rows = result.records
    assert sum(int(r["events"]) for r in rows) == 6          # the six with a real time
    assert any(f"{len(TIMES)} labelled event(s)" in m for m in result.messages_at("WARN")), result.messages


def test_a_flood_in_one_window_is_labelled_in_bounded_memory():
    """200,500 answers of one flood at one moment: every event comes back, in order, labelled; they
    wait in the dispatch directory, so memory is the flood's keys (victim x address x port), not its events."""
    n = 200_500
    events = [{"_time": "1700000000.000", "action": "blocked", "vendor_action": "denied", "transport": "tcp",
               "src_ip": "198.51.100.7", "src_port": "80", "dest_ip": f"10.20.{i // 250 % 250}.{i % 250 + 1}",
               "dest_port": str(1024 + i % 60000), "dvc": "r1", "seq": str(i)} for i in range(n)]
    # the spill's memory limit at 8 MiB: the events wait in the dispatch directory, the reply too
    script = scp.BIN / "backscatter.py"
    wrapper = (f"import runpy, sys; sys.path.insert(0, {str(scp.BIN)!r}); import acltrace.spill; "
               f"acltrace.spill.MEMORY = 8 * 2**20; runpy.run_path({str(script)!r}, run_name='__main__')")
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "backscatter_spilling.py"
        path.write_text(wrapper)
        result = scp.run_command(path, [], [events[i:i + 50_000] for i in range(0, n, 50_000)])
    scp.assert_ok(result)
    assert [r["seq"] for r in result.records] == [str(i) for i in range(n)]
    assert {r["bs_label"] for r in result.records} == {"none"}      # all at one moment: not over 60 s
    assert result.messages_at("WARN") == []
    assert result.maxrss_kb < 400_000, result.maxrss_kb
