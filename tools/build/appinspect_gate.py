#!/usr/bin/env python3
"""Decide whether an AppInspect JSON report passes the acltrace gate.

    python3 tools/build/appinspect_gate.py dist/appinspect.json [appinspect_known_warnings.md]

Exit 0 only when the report has no ``failure`` or ``error`` and every ``warning``
or ``future_failure`` message is listed as known (check name and a text the
message contains) in the markdown table of ``appinspect_known_warnings.md``.
Prints one table row per non-passing message, and the known entries that no
longer fire (stale rows to delete).
"""
import json
import pathlib
import re
import sys

FATAL = ("failure", "error")
MUST_BE_KNOWN = ("warning", "future_failure")
ROW = re.compile(r"^\|\s*`(?P<check>[^`]+)`\s*\|\s*`(?P<text>[^`]*)`\s*\|\s*(?P<reason>.*?)\s*\|\s*$")


def read_known(path):
    """Return [(check, text, reason)] from the markdown table rows of ``path``."""
    known = []
    for line in pathlib.Path(path).read_text(encoding="utf-8").splitlines():
        m = ROW.match(line.strip())
        if m:
            known.append((m["check"], m["text"], m["reason"]))
    return known


def findings(report):
    """Yield (result, group, check, message) for every non-passing message of the report."""
    for rep in report["reports"]:
        for group in rep["groups"]:
            for check in group["checks"]:
                messages = [m for m in check.get("messages", []) if m.get("result") == check["result"]]
                if check["result"] in FATAL + MUST_BE_KNOWN:
                    for msg in messages or [{"message": "(no message)"}]:
                        yield check["result"], group["name"], check["name"], " ".join(msg["message"].split())


def gate(report, known):
    """Return (rows, failed, stale): table rows (verdict, result, check, message)."""
    rows, failed, used = [], False, set()
    for result, _group, check, message in findings(report):
        match = next((k for k in known if k[0] == check and k[1] in message), None)
        if result in FATAL:
            verdict, failed = "FAIL", True
        elif match:
            verdict = "known"
            used.add(match)
        else:
            verdict, failed = "FAIL (unlisted)", True
        rows.append((verdict, result, check, message))
    stale = [k for k in known if k not in used]
    return rows, failed, stale


def main(argv):
    if not 1 <= len(argv) <= 2:
        print(__doc__, file=sys.stderr)
        return 2
    report_path = pathlib.Path(argv[0])
    default_known = pathlib.Path(__file__).resolve().parents[2] / "appinspect_known_warnings.md"
    known_path = argv[1] if len(argv) == 2 else default_known
    if not report_path.is_file():
        print(f"appinspect gate: no report at {report_path} (did splunk-appinspect run?)", file=sys.stderr)
        return 1
    report = json.loads(report_path.read_text(encoding="utf-8"))
    rows, failed, stale = gate(report, read_known(known_path))
    summary = report.get("summary", {})
    print("AppInspect summary: " + ", ".join(f"{k}={v}" for k, v in summary.items()))
    if rows:
        width = max(len(r[2]) for r in rows)
        print(f"{'verdict':<16} {'result':<14} {'check':<{width}} message")
        for verdict, result, check, message in rows:
            print(f"{verdict:<16} {result:<14} {check:<{width}} {message[:160]}")
    for check, text, _ in stale:
        print(f"note: known warning no longer reported, remove its row: {check} / {text}")
    if failed:
        print(f"appinspect gate: FAILED (see rows marked FAIL; accepted warnings live in {known_path})",
              file=sys.stderr)
        return 1
    print("appinspect gate: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
