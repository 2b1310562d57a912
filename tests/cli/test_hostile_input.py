"""The offline CLI on hostile input (issue 13, points 9 and 10): one bad line, time, file or option never
fails a run. A bad line or time is counted and named once; a bad file is named once on stderr with why, the
others are read and reported, and the exit status is 1; an option out of range is a usage error (2); a line
with no end is read in constant memory, cut to ``LINE_CAP`` characters."""
import gzip
import json
import os
import subprocess
import sys
import zlib

import pytest
from conftest import BIN
from offline import SAMPLE, acltrace, expected_events, triage_json

LINE_CAP = 65536
BLASTER = ("%SEC-6-IPACCESSLOGP: list 101 denied tcp 127.0.0.1(80) (FastEthernet0/1 000d.56aa.1b2c) -> "
           "10.20.1.1(1515), 1 packet")


def stamped(stamp):
    return f"Nov 24 10:17:55 gw-rtr1 9: {stamp}: {BLASTER}\n".encode()


def sample_events():
    return len(expected_events(SAMPLE))


# --- times no calendar holds ----------------------------------------------------------------------

WILD_STAMPS = ["0000 Nov 24 10:17:53.949 UTC", "Nov 24 0000 10:17:53", "0000-01-01T00:00:00Z",
               "9999-12-31T23:59:59-05:00", "Dec 31 9999 23:30:00 EST", "0001-01-01T00:00:00+01:00"]


@pytest.mark.parametrize("command", ["label", "triage"])
def test_a_time_no_calendar_holds_is_counted_not_fatal(command):
    wild = b"".join(stamped(stamp) for stamp in WILD_STAMPS)
    json_output = ["--format", "json"] if command == "triage" else []
    run = acltrace(command, "--year", "2026", *json_output, stdin=wild + SAMPLE.read_bytes())
    assert run.returncode == 0, run.stderr
    assert b"Traceback" not in run.stderr
    assert f"{len(WILD_STAMPS)} ACL event(s) whose device time cannot be placed".encode() in run.stderr
    if command == "label":                          # labelled on their own, with no time
        records = [json.loads(line) for line in run.stdout.splitlines()]
        assert len(records) == sample_events() + len(WILD_STAMPS)
        assert [r["time"] for r in records[:len(WILD_STAMPS)]] == [None] * len(WILD_STAMPS)
    else:
        summary = json.loads(run.stdout)["summary"]
        assert summary["events_without_time"] == len(WILD_STAMPS)
        assert summary["acl_events"] == sample_events() + len(WILD_STAMPS)


def test_the_years_a_calendar_holds_still_count():
    for year, stamp in (("1", "0001-01-01T00:00:00Z"), ("9999", "9999-12-31T23:59:59Z")):
        run = acltrace("triage", "--format", "json", "--year", year, stdin=stamped(stamp))
        assert run.returncode == 0, run.stderr
        document = json.loads(run.stdout)
        assert document["summary"]["events_without_time"] == 0
        assert [row["first_seen"] for row in document["incidents"]] == [stamp]


def test_a_stamp_far_from_the_others_is_unplaced_and_moves_nothing():
    """A clock reset to 1993 and one set to 2030 among the sample's lines: counted, labelled alone."""
    odd = stamped("Mar  1 1993 00:01:02") + stamped("Dec 31 2030 23:00:00")
    document = triage_json(stdin=SAMPLE.read_bytes() + odd)
    assert document["summary"]["events_without_time"] == 2
    assert document["incidents"] == triage_json(str(SAMPLE))["incidents"]


def test_a_devices_row_whose_time_no_calendar_holds_is_an_unknown_time(tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text("".join(json.dumps({"kind": "mac", "mac": "02:00:00:00:00:01", "switch": "sw9",
                                        "port": "Gi0/1", "vlan": "5", "time": t}) + "\n"
                            for t in (1e20,)) +
                    '{"kind": "mac", "mac": "02:00:00:00:00:02", "switch": "sw9", "port": "Gi0/2", "time": 1'
                    + "0" * 400 + "}\n")
    for mac in ("02:00:00:00:00:01", "02:00:00:00:00:02"):
        for fmt in ("text", "json"):
            run = acltrace("trace", mac, "--devices", str(rows), "--format", fmt)
            assert run.returncode == 0, run.stderr
            assert b"Traceback" not in run.stderr and b"edge_port" in run.stdout
    log = stamped("2026-11-24T10:17:55Z").replace(b"000d.56aa.1b2c", b"0200.0000.0001")
    run = acltrace("triage", "--devices", str(rows), stdin=log)
    assert run.returncode == 0, run.stderr
    assert b"plugged into sw9 GigabitEthernet0/1" in run.stdout


# --- options out of range ---------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["label", "--window", "1e-300"], ["label", "--window", "nan"], ["label", "--window", "inf"],
    ["label", "--window", "-inf"], ["label", "--window", "1e300"], ["triage", "--window", "0"],
    ["triage", "--timeout", "1e300"], ["triage", "--timeout", "0"], ["triage", "--timeout", "1e-300"],
    ["triage", "--timeout", "nan"], ["label", "--year", "0"], ["label", "--year", "10000"],
    ["triage", "--year", "-5"], ["triage", "--year", "99999999999"], ["label", "--year", "2026.5"],
])
def test_options_out_of_range_are_usage_errors(argv):
    run = acltrace(*argv, stdin=SAMPLE.read_bytes())
    assert run.returncode == 2, run.stderr
    stderr = run.stderr.decode()
    assert "usage:" in stderr and f"argument {argv[1]}:" in stderr and "Traceback" not in stderr


def test_options_at_their_bounds_are_taken():
    for argv in (["--window", "0.001", "--timeout", "86400", "--year", "1"],
                 ["--window", "86400", "--timeout", "0.001", "--year", "9999"]):
        run = acltrace("triage", "--format", "json", *argv, stdin=SAMPLE.read_bytes())
        assert run.returncode == 0, run.stderr


def test_help_states_the_exit_status_and_the_line_cap():
    for argv in (["--help"], ["parse", "--help"], ["label", "--help"], ["triage", "--help"], ["trace", "--help"]):
        run = acltrace(*argv)
        text = " ".join(run.stdout.decode().split())
        assert run.returncode == 0 and "Exit status: 0 when every input was read whole; 1 when" in text
        assert "2 for a usage error" in text
    assert f"longer than {LINE_CAP} characters is cut" in " ".join(acltrace("parse", "--help").stdout.decode().split())


# --- files that cannot be read ------------------------------------------------------------------------

def bad_files(tmp_path):
    """A truncated .gz (its first lines readable), a corrupt one, a missing file and a directory."""
    packed = gzip.compress(SAMPLE.read_bytes())
    truncated = tmp_path / "truncated.log.gz"
    truncated.write_bytes(packed[:len(packed) // 2])
    corrupt = tmp_path / "corrupt.log.gz"
    corrupt.write_bytes(packed[:10] + bytes(b ^ 0x55 for b in packed[10:200]) + packed[200:])
    return {"truncated": truncated, "corrupt": corrupt, "missing": tmp_path / "missing.log", "directory": tmp_path}


def test_each_bad_file_is_named_once_and_the_good_ones_are_read(tmp_path):
    bad = bad_files(tmp_path)
    names = [str(SAMPLE), str(bad["truncated"]), str(bad["missing"]), str(bad["corrupt"]), str(bad["directory"]),
             str(SAMPLE)]
    run = acltrace("parse", *names)
    assert run.returncode == 1
    stderr = run.stderr.decode()
    assert "Traceback" not in stderr
    for path in bad.values():
        assert stderr.count(f"acltrace: {path}:") == 1, stderr
    assert "No such file or directory" in stderr and "Is a directory" in stderr
    assert f"acltrace: {bad['truncated']}: cannot be read past line " in stderr
    records = [json.loads(line) for line in run.stdout.splitlines()]
    good = [r for r in records if r["source"] == str(SAMPLE)]
    assert len(good) == 2 * sample_events()
    from_truncated = [r for r in records if r["source"] == str(bad["truncated"])]
    assert 0 < len(from_truncated) < sample_events()            # what it gave before it broke is kept
    assert [r["line_number"] for r in from_truncated] == [n for n, _ in expected_events(SAMPLE)][:len(from_truncated)]


@pytest.mark.parametrize("command", ["label", "triage"])
def test_label_and_triage_report_the_good_files_beside_the_bad(tmp_path, command):
    bad = bad_files(tmp_path)
    args = [command, "--year", "2026", str(bad["missing"]), str(SAMPLE), str(bad["corrupt"]), str(bad["directory"])]
    run = acltrace(*args, *(["--format", "json"] if command == "triage" else []))
    assert run.returncode == 1
    assert b"Traceback" not in run.stderr
    for name in ("missing", "corrupt", "directory"):
        assert run.stderr.decode().count(f"acltrace: {bad[name]}:") == 1
    if command == "label":
        assert len(run.stdout.splitlines()) >= sample_events()
    else:
        document = json.loads(run.stdout)
        assert document["summary"]["acl_events"] >= sample_events() and document["incidents"]
        unreadable = document["summary"]["unreadable_sources"]
        assert len(unreadable) == 3 and str(bad["missing"]) + ": No such file or directory" in unreadable
        text = acltrace(*args).stdout.decode()
        assert "Not read whole, the report covers what they gave: " in text and "== Blaster backscatter ==" in text


def test_a_bad_gzip_on_stdin_is_said_not_a_traceback():
    packed = gzip.compress(SAMPLE.read_bytes())
    run = acltrace("parse", stdin=packed[:len(packed) // 2])
    assert run.returncode == 1 and b"Traceback" not in run.stderr
    assert b"acltrace: -: cannot be read past line" in run.stderr and run.stdout.count(b"\n") > 0


def test_an_unreadable_devices_file_sets_the_exit_status(tmp_path):
    run = acltrace("trace", "000d.56aa.1b2c", "--devices", str(tmp_path / "missing.txt"))
    assert run.returncode == 1 and b"missing.txt" in run.stderr and b"not_found" in run.stdout


# --- lines without an end ---------------------------------------------------------------------------------

def test_a_line_over_the_cap_is_cut_counted_and_the_rest_read(tmp_path):
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    path = tmp_path / "long.log"
    with open(path, "wb") as f:
        f.writelines(lines[:10])
        f.write(b"A" * 50_000_000 + b"\n")                       # one 50 MB line
        f.write(lines[10].rstrip(b"\n") + b" " + b"x" * 100_000 + b"\n")   # an ACL event, then 100 KB of junk
        f.write(b"B" * LINE_CAP + b"\n")                         # exactly the cap: not cut
        f.writelines(lines[11:])
    run = acltrace("parse", str(path))
    assert run.returncode == 0, run.stderr
    assert run.stderr.decode() == (f"acltrace: 2 line(s) longer than {LINE_CAP} characters cut to their first "
                                   f"{LINE_CAP}: {path}:11, {path}:12\n")
    records = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(records) == sample_events()
    expected = [n if n <= 10 else n + 1 if n == 11 else n + 2 for n, _ in expected_events(SAMPLE)]
    assert [r["line_number"] for r in records] == expected
    assert records[10]["src_ip"] == expected_events(SAMPLE)[10][1]["src_ip"]     # the cut line's head, parsed


def _peak_rss_kib(feeder, *argv):
    """Peak RSS (KiB) of the CLI run in its own process on ``feeder``'s output as stdin: its VmHWM, which
    starts afresh at exec (ru_maxrss would carry over this test process's own peak)."""
    code = ("import re, sys; import acltrace.cli as c; status = c.main(sys.argv[1:]); "
            "peak = re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read()).group(1); "
            "sys.stderr.write(f'\\n{status} {peak}')")
    source = subprocess.Popen(feeder, stdout=subprocess.PIPE)
    try:
        run = subprocess.run([sys.executable, "-c", code, *argv], stdin=source.stdout, capture_output=True,
                             env=dict(os.environ, PYTHONPATH=str(BIN)), check=True, timeout=600)
    finally:
        source.stdout.close()
        source.wait()
    status, peak = run.stderr.decode().strip().splitlines()[-1].split()
    assert status == "0" and run.stdout == b""
    assert f"1 line(s) longer than {LINE_CAP} characters cut" in run.stderr.decode()
    return int(peak)


ENDLESS = 200_000_000       # bytes fed without a newline


@pytest.mark.parametrize("feeder", [
    ["head", "-c", str(ENDLESS), "/dev/zero"],
    [sys.executable, "-c", f"import sys\nfor _ in range({ENDLESS // 65536}): sys.stdout.buffer.write(b'A' * 65536)"],
], ids=["zeros", "letters"])
def test_an_endless_line_is_read_in_constant_memory(feeder):
    assert _peak_rss_kib(feeder, "parse") < 64 * 1024                 # ~21 MB measured; it was ~410 MB


def test_a_gzip_of_one_endless_line_is_read_in_constant_memory(tmp_path):
    path = tmp_path / "zeros.gz"
    block = zlib.compressobj(1, zlib.DEFLATED, 31)                   # 31: a gzip stream
    with open(path, "wb") as f:
        for _ in range(ENDLESS // 1_000_000):
            f.write(block.compress(b"\0" * 1_000_000))
        f.write(block.flush())
    assert path.stat().st_size < 1_000_000
    assert _peak_rss_kib(["cat", str(path)], "parse") < 64 * 1024


@pytest.mark.parametrize("option", ["--retries=-3", "--retries=11", "--timeout=1e300", "--timeout=0.01",
                                    "--timeout=nan", "--device-deadline=0", "--max-rows=0", "--max-rows=x"])
def test_collect_options_out_of_range_are_usage_errors(option):
    """collect takes the ranges the SNMP input takes (acltrace.snmp.RANGES): no traceback from pysnmp."""
    run = acltrace("collect", "--snmp=127.0.0.1", "--community=x", option)
    assert run.returncode == 2 and b"usage:" in run.stderr and b"Traceback" not in run.stderr, run.stderr
