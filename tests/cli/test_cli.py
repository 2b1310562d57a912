"""`acltrace parse`: the offline main job, run as a user runs it."""
import csv
import gzip
import io
import json
import os
import subprocess
import sys

import pytest
from conftest import BIN
from offline import SAMPLE, acltrace, expected_events

from acltrace.logs.fields import FIELDS, NUMERIC


def test_json_lines_carry_every_field_and_the_line_number():
    run = acltrace("parse", str(SAMPLE))
    assert run.returncode == 0, run.stderr
    records = [json.loads(line) for line in run.stdout.decode().splitlines()]
    expected = expected_events(SAMPLE)
    assert len(records) == len(expected) > 50
    for record, (number, ev) in zip(records, expected):
        assert record.pop("line_number") == number
        assert record.pop("source") == str(SAMPLE)
        assert {k: str(v) for k, v in record.items()} == ev
        assert all(isinstance(record[k], int) for k in record if k in NUMERIC)


def test_csv_has_one_column_per_field():
    run = acltrace("parse", "--format", "csv", str(SAMPLE))
    rows = list(csv.reader(io.StringIO(run.stdout.decode())))
    assert rows[0] == ["source", "line_number", *FIELDS]
    assert len(rows) - 1 == len(expected_events(SAMPLE))
    first = dict(zip(rows[0], rows[1]))
    assert first["src_ip"] == "127.0.0.1" and first["src_mac"] == "00:0d:56:aa:1b:2c"


def test_stdin_and_gzip_are_read_transparently(tmp_path):
    packed = gzip.compress(SAMPLE.read_bytes())
    (tmp_path / "day.log.gz").write_bytes(packed)
    plain = acltrace("parse", str(SAMPLE)).stdout.decode().splitlines()
    from_gz_file = acltrace("parse", str(tmp_path / "day.log.gz")).stdout.decode().splitlines()
    from_stdin = acltrace("parse", stdin=SAMPLE.read_bytes()).stdout.decode().splitlines()
    from_gz_stdin = acltrace("parse", stdin=packed).stdout.decode().splitlines()

    def strip(lines):
        return [{k: v for k, v in json.loads(line).items() if k != "source"} for line in lines]
    assert strip(plain) == strip(from_gz_file) == strip(from_stdin) == strip(from_gz_stdin)
    assert json.loads(from_stdin[0])["source"] == "-"


def test_bad_bytes_and_a_missing_file(tmp_path):
    junk = tmp_path / "junk.log"
    junk.write_bytes(b"\xff\xfe\x00garbage\n" + SAMPLE.read_bytes()[:400] + b"\n\x80\x81 %SEC-6-IPACCESSLOGP: list\n")
    run = acltrace("parse", str(junk))
    assert run.returncode == 0 and run.stdout.count(b"\n") >= 1
    missing = acltrace("parse", str(tmp_path / "nope.log"))
    assert missing.returncode == 1 and b"nope.log" in missing.stderr and b"Traceback" not in missing.stderr


def _peak_rss_kib(path):
    code = ("import resource, sys; "
            "import acltrace.cli as c; c.main(sys.argv[1:]); "
            "sys.stderr.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))")
    run = subprocess.run([sys.executable, "-c", code, "parse", str(path)], capture_output=True,
                         env=dict(os.environ, PYTHONPATH=str(BIN)), check=True)
    return int(run.stderr.decode().strip().splitlines()[-1])


def test_memory_does_not_grow_with_the_input(tmp_path):
    small, large = tmp_path / "small.log", tmp_path / "large.log"
    text = SAMPLE.read_bytes()
    small.write_bytes(text * 10)
    large.write_bytes(text * 400)            # ~35k ACL events
    assert _peak_rss_kib(large) - _peak_rss_kib(small) < 8 * 1024


@pytest.mark.parametrize("argv", [["parse", "--format", "xml"], ["frobnicate"], []])
def test_usage_errors_say_so(argv):
    run = acltrace(*argv)
    assert run.returncode == 2 and b"usage:" in run.stderr
