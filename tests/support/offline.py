"""The offline CLI and the bundled sample as the tests use them: run ``acltrace`` as a user does."""
import json
import os
import shutil
import subprocess
import sys

from conftest import BIN, REPO

from acltrace.logs.device_time import parse_device_time
from acltrace.logs.parser import parse_event

SAMPLE = REPO / "samples" / "ios_acl_sample.log"


def acltrace(*args, stdin=b""):
    """Run the CLI in a child process; the installed console script when there is one."""
    script = shutil.which("acltrace", path=os.path.dirname(sys.executable))
    command = [script] if script else [sys.executable, "-m", "acltrace"]
    env = dict(os.environ, PYTHONPATH=str(BIN))
    return subprocess.run(command + list(args), input=stdin, capture_output=True, env=env, check=False)


def expected_events(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(n, parse_event(line)) for n, line in enumerate(lines, 1) if parse_event(line)]


def triage_json(*args, stdin=b""):
    run = acltrace("triage", "--format", "json", "--year", "2026", *args, stdin=stdin)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def incident(document, **match):
    found = [row for row in document["incidents"] if all(row.get(k) == v for k, v in match.items())]
    assert found, f"no incident with {match}"
    return found


def sample_events():
    """The sample as Splunk holds it, oldest first: _raw, and _time from the device's stamp."""
    events, last = [], None
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        ev = parse_event(line) or {}
        time = parse_device_time(ev["device_time"], 2026) if ev.get("device_time") else None
        last = time if time is not None else last
        events.append({"_raw": line, "_time": f"{last:.3f}", "host": "syslog1", "sourcetype": "cisco:ios"})
    return events
