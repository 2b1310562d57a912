"""tools/build/appinspect_gate.py: failures and errors always fail; warnings only pass when listed as known."""
import json
import subprocess
import sys

import pytest
from conftest import import_tool


@pytest.fixture(scope="module")
def gate():
    return import_tool("appinspect_gate")


def report(*checks):
    """An AppInspect JSON report with one group holding ``checks`` = (name, result, [messages])."""
    return {"summary": {}, "reports": [{"groups": [{"name": "g", "checks": [
        {"name": name, "result": result, "messages": [{"result": result, "message": m} for m in messages]}
        for name, result, messages in checks]}]}]}


KNOWN = [("check_sdk", "outdated version of the Splunk SDK for Python (2.1.1)", "3.x needs Python 3.13")]


def test_known_warning_passes(gate):
    rows, failed, stale = gate.gate(report(
        ("check_sdk", "warning", ["Detected an outdated version of the Splunk SDK for Python (2.1.1). File: x"]),
        ("check_ok", "success", [])), KNOWN)
    assert not failed and stale == []
    assert [r[0] for r in rows] == ["known"]


@pytest.mark.parametrize("check", [
    ("check_sdk", "warning", ["Detected an outdated version of the Splunk SDK for Python (2.0.0)."]),
    ("check_other", "warning", ["something new"]),
    ("check_other", "future_failure", ["will fail soon"]),
    ("check_sdk", "failure", ["outdated version of the Splunk SDK for Python (2.1.1)"]),
    ("check_x", "error", []),
])
def test_failures_errors_and_unlisted_warnings_fail(gate, check):
    rows, failed, stale = gate.gate(report(check), KNOWN)
    assert failed
    assert rows[0][0].startswith("FAIL")


def test_known_entries_that_no_longer_fire_are_reported_stale(gate):
    assert gate.gate(report(("check_ok", "success", [])), KNOWN)[2] == KNOWN


def test_known_warnings_file_has_a_reason_for_every_row(repo, gate):
    known = gate.read_known(repo / "appinspect_known_warnings.md")
    assert known, "no rows parsed from appinspect_known_warnings.md"
    for check, text, reason in known:
        assert check.startswith("check_") and text and len(reason) > 30, (check, text, reason)


def test_cli_exit_status(repo, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(report(("check_other", "warning", ["unlisted"]))))
    good = tmp_path / "good.json"
    good.write_text(json.dumps(report(("check_ok", "success", []))))
    script = str(repo / "tools" / "build" / "appinspect_gate.py")
    known = str(repo / "appinspect_known_warnings.md")
    failing = subprocess.run([sys.executable, script, str(bad), known], capture_output=True, text=True)
    assert failing.returncode == 1 and "FAIL (unlisted)" in failing.stdout
    assert subprocess.run([sys.executable, script, str(good), known], capture_output=True).returncode == 0
    assert subprocess.run([sys.executable, script, str(tmp_path / "missing.json")], capture_output=True).returncode == 1
