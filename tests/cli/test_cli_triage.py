"""`acltrace label` and `acltrace triage`: the offline triage, run as a user runs it."""
import calendar
import csv
import datetime
import gzip
import io
import json
import os
import subprocess
import sys

import pytest
from conftest import BIN
from offline import SAMPLE, acltrace, expected_events, incident, triage_json

from acltrace.logs.fields import FIELDS
from acltrace.report.text import CSV_COLUMNS

LABEL_FIELDS = ("time", "bs_label", "bs_reason", "bs_confidence")


def test_label_writes_every_event_in_input_order_with_its_labels():
    run = acltrace("label", "--year", "2026", str(SAMPLE))
    assert run.returncode == 0, run.stderr
    records = [json.loads(line) for line in run.stdout.decode().splitlines()]
    expected = expected_events(SAMPLE)
    assert [r["line_number"] for r in records] == [n for n, _ in expected]
    for record, (_, ev) in zip(records, expected):
        keys = list(record)
        assert keys[:2] == ["source", "line_number"] and tuple(keys[-4:]) == LABEL_FIELDS
        assert keys[2:-4] == [f for f in FIELDS if f in ev]
        assert record["source"] == str(SAMPLE)
        assert isinstance(record["time"], float) and 0 <= record["bs_confidence"] <= 1
        assert record["bs_label"] in ("blaster_backscatter", "backscatter", "spoofed_source", "scan", "none")
    first = records[0]
    assert first["bs_label"] == "blaster_backscatter" and "10.20.0.0/16" in first["bs_reason"]
    assert first["time"] == pytest.approx(1795515473.949)          # Nov 24 2026 10:17:53.949 UTC
    scans = {r["src_ip"] for r in records if r["bs_label"] == "scan"}
    assert scans == {"198.51.100.23"}


def test_triage_json_finds_the_blaster_hosts_and_the_scan():
    document = triage_json(str(SAMPLE))
    inside = incident(document, label="blaster_backscatter", dvc="gw-rtr1")
    assert len(inside) == 4 and sum(r["events"] for r in inside) == 48
    for row in inside:
        assert row["dest_net"] == "10.20.0.0/16" and row["src_mac"] == "00:0d:56:aa:1b:2c"
        assert row["src_interface"] == "FastEthernet0/1" and row["src_ip"] == "127.0.0.1"
        assert "most likely inside 10.20.0.0/16" in row["explanation"]
    first = min(inside, key=lambda r: r["first_seen_epoch"])
    assert first["first_seen"] == "2026-11-24T10:17:53.949Z" and first["first_seen_epoch"] == pytest.approx(
        1795515473.949)
    assert first["last_seen"] == "2026-11-24T10:21:01.085Z" and first["events"] == 12

    [outside] = incident(document, label="blaster_backscatter", dvc="core-rtr2")
    assert outside["src_interface"] == "GigabitEthernet0/0" and outside["src_mac"] == "00:19:e8:a2:7c:01"
    assert outside["dest_net"] == "172.16.0.0/16" and outside["events"] == 10

    [scan] = incident(document, label="scan", src_ip="198.51.100.23")
    assert scan["dvc"] == "gw-rtr1" and scan["dest_port_count"] == 16 and scan["dest_count"] == 1
    assert (scan["src_interface"], scan["src_mac"]) == ("GigabitEthernet0/0", "00:19:e8:a2:7c:01")   # where it came in

    [pattern] = [p for p in document["patterns"] if p.get("dvc") == "gw-rtr1" and p["label"] != "scan"]
    assert pattern["bursts"] == 4 and pattern["hours"] == [10, 11, 12, 13]
    assert document["summary"]["events_without_time"] == 0
    assert document["summary"]["incidents"]["blaster_backscatter"] == 6


def test_text_report_leads_with_blaster_and_says_what_to_do():
    run = acltrace("triage", "--year", "2026", str(SAMPLE))
    assert run.returncode == 0, run.stderr
    text = run.stdout.decode()
    lead = ("The infected host is most likely inside 10.20.0.0/16, behind MAC 00:0d:56:aa:1b:2c "
            "on gw-rtr1 FastEthernet0/1.")
    assert lead in text
    sections = [text.index(title) for title in ("== Blaster backscatter", "== What to do next", "== Backscatter",
                                                "== Scans", "== Spoofed sources", "== Hourly bursts")]
    assert sections == sorted(sections)
    assert text.index(lead) < text.index("172.16.0.0/16") < sections[1]       # the busiest place first
    steps = text[sections[1]:sections[2]]
    assert "Trace 00:0d:56:aa:1b:2c" in steps and "windowsupdate.com to 127.0.0.1" in steps
    assert "198.51.100.23" in text[sections[3]:sections[4]]
    assert "4 bursts about 61 min apart" in text


def test_csv_has_one_row_per_incident():
    run = acltrace("triage", "--format", "csv", "--year", "2026", str(SAMPLE))
    rows = list(csv.DictReader(io.StringIO(run.stdout.decode())))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert len(rows) == len(triage_json(str(SAMPLE))["incidents"]) == 7
    gw = [r for r in rows if r["dvc"] == "gw-rtr1" and r["label"] == "blaster_backscatter"]
    assert len(gw) == 4 and {r["dest_net"] for r in gw} == {"10.20.0.0/16"}
    assert gw[0]["hours"] == "10" and gw[0]["blaster_calendar"] == "true"


def test_stdin_and_gzip_give_the_same_triage(tmp_path):
    packed = gzip.compress(SAMPLE.read_bytes())
    (tmp_path / "day.log.gz").write_bytes(packed)
    plain = triage_json(str(SAMPLE))["incidents"]
    assert triage_json(str(tmp_path / "day.log.gz"))["incidents"] == plain
    assert triage_json(stdin=SAMPLE.read_bytes())["incidents"] == plain
    assert triage_json(stdin=packed)["incidents"] == plain
    labelled = acltrace("label", "--year", "2026", stdin=packed).stdout.decode().splitlines()
    assert len(labelled) == len(expected_events(SAMPLE)) and json.loads(labelled[0])["source"] == "-"


def test_several_files_are_merged_by_time(tmp_path):
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    gw = [line for line in lines if " gw-rtr1 " in line]
    (tmp_path / "gw.log").write_text("".join(gw), encoding="utf-8")
    (tmp_path / "rest.log").write_text("".join(line for line in lines if line not in gw), encoding="utf-8")
    merged = triage_json(str(tmp_path / "gw.log"), str(tmp_path / "rest.log"))["incidents"]
    assert [(r["label"], r["dvc"], r["events"]) for r in merged] == [
        (r["label"], r["dvc"], r["events"]) for r in triage_json(str(SAMPLE))["incidents"]]


def test_an_unreadable_time_is_counted_not_fatal():
    bad = (b"Nov 24 10:17:55 gw-rtr1 9: 2y10w: %SEC-6-IPACCESSLOGP: list 101 denied tcp 127.0.0.1(80) "
           b"(FastEthernet0/1 000d.56aa.1b2c) -> 10.20.1.1(1515), 1 packet\n")
    for command in ("label", "triage"):
        run = acltrace(command, "--year", "2026", stdin=bad + SAMPLE.read_bytes())
        assert run.returncode == 0, run.stderr
        assert b"1 ACL event(s) whose device time cannot be placed" in run.stderr and b"-:1" in run.stderr
        assert b"Traceback" not in run.stderr
    document = triage_json(stdin=bad + SAMPLE.read_bytes())
    assert document["summary"]["events_without_time"] == 1
    assert sum(r["events"] for r in incident(document, dvc="gw-rtr1", label="blaster_backscatter")) == 48


@pytest.mark.parametrize("fmt", ["text", "json", "csv"])
def test_empty_input(fmt):
    run = acltrace("triage", "--format", fmt, stdin=b"")
    assert run.returncode == 0 and run.stderr == b""
    out = run.stdout.decode()
    if fmt == "json":
        document = json.loads(out)
        assert document["incidents"] == [] and document["patterns"] == []
        assert document["summary"]["acl_events"] == 0
    elif fmt == "csv":
        assert out.splitlines() == [",".join(CSV_COLUMNS)]
    else:
        assert "incidents: none" in out and "No Blaster backscatter" in out
    assert acltrace("label", stdin=b"").stdout == b""


def test_year_defaults_to_the_files_mtime_and_bad_options_say_so(tmp_path):
    """No --year: a stamp without one is placed at or before the file's modification time."""
    log = tmp_path / "sample.log"
    log.write_bytes(SAMPLE.read_bytes())
    mtime = float(calendar.timegm((2027, 3, 1, 0, 0, 0)))
    os.utime(log, (mtime, mtime))
    record = json.loads(acltrace("label", str(log)).stdout.decode().splitlines()[0])
    assert datetime.datetime.fromtimestamp(record["time"], datetime.timezone.utc).year == 2026   # Nov 24 2026
    os.utime(log, (mtime - 100 * 86400, mtime - 100 * 86400))                                   # Nov 21 2026
    record = json.loads(acltrace("label", str(log)).stdout.decode().splitlines()[0])
    assert datetime.datetime.fromtimestamp(record["time"], datetime.timezone.utc).year == 2025
    for argv in (["triage", "--window", "0"], ["triage", "--timeout", "soon"], ["label", "--year", "x"],
                 ["triage", "--format", "xml"]):
        run = acltrace(*argv)
        assert run.returncode == 2 and b"usage:" in run.stderr


def test_a_year_less_log_across_new_year_loses_no_labels(tmp_path):
    """The sample moved to New Year's Eve: the January lines follow December's, in either order."""
    night = SAMPLE.read_text(encoding="utf-8").replace("Nov 24 2026 10:", "Dec 31 2026 22:")
    for hour, stamp in ((10, "Dec 31 22"), (11, "Dec 31 23"), (12, "Jan  1 00"), (13, "Jan  1 01")):
        night = night.replace(f"Nov 24 {hour}:", f"{stamp}:")          # 12 hours on, across midnight
    want = [(r["label"], r["dvc"], r["events"]) for r in triage_json(str(SAMPLE))["incidents"]]
    end = float(calendar.timegm((2027, 1, 1, 2, 0, 0)))
    log = tmp_path / "night.log"
    log.write_text(night, encoding="utf-8")
    runs = [triage_json(str(log))]                                   # --year 2026: the first line's year
    for lines in (night, "".join(reversed(night.splitlines(keepends=True)))):
        log.write_text(lines, encoding="utf-8")
        os.utime(log, (end, end))                                    # no --year: the file's mtime
        runs.append(json.loads(acltrace("triage", "--format", "json", str(log)).stdout))
    for got in runs:
        assert sorted((r["label"], r["dvc"], r["events"]) for r in got["incidents"]) == sorted(want)
        assert got["summary"]["events_without_time"] == 0
        assert min(r["first_seen"] for r in got["incidents"]).startswith("2026-12-31T22:")
        assert max(r["last_seen"] for r in got["incidents"]).startswith("2027-01-01T01:")


def test_newest_first_input_gives_the_same_incidents():
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    newest_first, oldest_first = triage_json(stdin=b"".join(reversed(lines))), triage_json(str(SAMPLE))
    assert newest_first["incidents"] == oldest_first["incidents"]
    assert newest_first["patterns"] == oldest_first["patterns"]
    assert newest_first["summary"]["labels"] == oldest_first["summary"]["labels"]


def _days(count):
    """The sample replayed on ``count`` successive days of 2026 (times rising, as a long log)."""
    text = SAMPLE.read_text(encoding="utf-8")
    start = datetime.date(2026, 1, 1)
    days = (start + datetime.timedelta(days=i) for i in range(count))
    return "".join(text.replace("Nov 24", f"{day:%b} {day.day:2d}") for day in days)


def _label_peak_rss_kib(path):
    """Peak RSS of `acltrace label` with the spill's memory limit at 1 MiB: past it the events wait on
    disk. VmHWM, not ru_maxrss: Linux keeps across exec the peak of the forked parent (pytest)."""
    code = ("import re, sys; import acltrace.spill; acltrace.spill.MEMORY = 2**20; "
            "import acltrace.cli as c; c.main(sys.argv[1:]); "
            "sys.stderr.write(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))")
    run = subprocess.run([sys.executable, "-c", code, "label", "--year", "2026", str(path)],
                         capture_output=True, env=dict(os.environ, PYTHONPATH=str(BIN)), check=True)
    return int(run.stderr.decode().strip().splitlines()[-1])


def test_label_memory_does_not_grow_with_the_events(tmp_path):
    """The same five days with every line 10 and 80 times: the aggregates are the same keys and
    buckets, and the events wait on disk (both spill full batches)."""
    small, large = tmp_path / "small.log", tmp_path / "large.log"
    lines = _days(5).splitlines(keepends=True)
    small.write_text("".join(line * 10 for line in lines), encoding="utf-8")
    large.write_text("".join(line * 80 for line in lines), encoding="utf-8")
    assert _label_peak_rss_kib(large) - _label_peak_rss_kib(small) < 4 * 1024


def test_a_flood_in_one_window_is_labelled_whole_in_bounded_memory(tmp_path):
    """200,500 answers of one flood in ten minutes: every event comes out labelled, memory stays small."""
    line = ("Aug  4 10:{:02d}:{:02d} gw-rtr1 1: %SEC-6-IPACCESSLOGP: list inbound denied tcp 198.51.100.7(80) "
            "-> 10.20.{}.{}(4{:04d}), 1 packet\n")
    flood = tmp_path / "flood.log"
    flood.write_text("".join(line.format(n * 600 // 200_500 // 60, n * 600 // 200_500 % 60, n // 250 % 250,
                                         n % 250 + 1, n % 10000) for n in range(200_500)))
    run = acltrace("label", "--year", "2026", str(flood))
    assert run.returncode == 0, run.stderr[-500:]
    labels = [json.loads(record)["bs_label"] for record in run.stdout.splitlines()]
    assert len(labels) == 200_500 and set(labels) == {"backscatter"}
    assert _label_peak_rss_kib(flood) < 200 * 1024       # its ~70,000 keys (victim x address x port)
