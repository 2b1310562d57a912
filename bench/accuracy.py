#!/usr/bin/env python
"""F1 of every label on bench/scenario.py's labelled night, in three orders, through each path.

    python bench/accuracy.py [--seed 7] [--hours 8] [--scale 1.0] [--paths core,cli,splunk] [--errors 3]

Paths:
- ``core``: parse_event, the year placed by ``Placer`` (anchored at the night's end, as a log file's
  mtime is), then the two-pass ``Classifier`` in-process;
- ``cli``: ``acltrace label FILE`` on the night written in that order (the file's mtime set to the
  night's end, as syslog leaves it; no --year);
- ``splunk``: ``aclparse | backscatter`` through SCP v2 (tests/support/scp.py), each record with
  ``_time`` = the relay header's time, as Splunk reads it, in chunks of 50,000.

Orders: file (oldest first), newest-first (Splunk's), shuffled. Target: every label's F1 >= 0.97 in
every order through every path, and the CLI and Splunk paths agreeing on >= 99.9% of events.
Exit status 0 when met.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bin"))
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "tests" / "support"))

import scenario  # noqa: E402

from acltrace.logs.parser import parse_event  # noqa: E402
from acltrace.logs.placement import Placer  # noqa: E402
from acltrace.triage.classifier import LABELS, Classifier  # noqa: E402

TARGET = 0.97
AGREEMENT = 0.999
ORDERS = ("file", "newest", "shuffled")
CHUNK = 50_000


def core(rows: list, end: float) -> list:
    """Labels (dicts) in the order of ``rows`` ((index, raw, ...)), in-process."""
    placer, classifier = Placer(anchor=end), Classifier()
    events = []
    for _i, raw in rows:
        ev = parse_event(raw)
        time = placer.place(ev) if ev else None
        classifier.add(ev, time)
        events.append((ev, time))
    return [classifier.label(ev, time) for ev, time in events]


def cli(rows: list, end: float) -> list:
    """Labels through ``acltrace label``, one per row (none for a line that is not an ACL event)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "night.log"
        path.write_text("".join(raw + "\n" for _i, raw in rows), encoding="utf-8")
        os.utime(path, (end, end))
        env = dict(os.environ, PYTHONPATH=str(REPO / "bin"))
        out = subprocess.run([sys.executable, "-m", "acltrace", "label", str(path)], env=env,
                             capture_output=True, text=True, check=True).stdout
    labels = [{"bs_label": "none", "bs_reason": "not an ACL event"} for _ in rows]
    for line in out.splitlines():
        record = json.loads(line)
        labels[record["line_number"] - 1] = record
    return labels


def splunk(rows: list, times: dict) -> list:
    """Labels through ``aclparse | backscatter`` over SCP v2, ``_time`` the relay's."""
    import scp
    records = [{"_raw": raw, "_time": f"{times[i]:.3f}", "host": "syslog1", "sourcetype": "cisco:ios"}
               for i, raw in rows]
    chunks = [records[n:n + CHUNK] for n in range(0, len(records), CHUNK)]
    parsed = []
    for chunk in chunks:
        result = scp.run_command("aclparse", [], [chunk])
        parsed += result.records
    chunks = [parsed[n:n + CHUNK] for n in range(0, len(parsed), CHUNK)]
    result = scp.run_command("backscatter", [], chunks)
    return result.records


def f1_table(truth: list, predicted: list) -> tuple:
    tp, fp, fn = Counter(), Counter(), Counter()
    for want, got in zip(truth, predicted):
        if want == got:
            tp[want] += 1
        else:
            fp[got] += 1
            fn[want] += 1
    scores = {}
    for label in LABELS:
        total = 2 * tp[label] + fp[label] + fn[label]
        scores[label] = 2 * tp[label] / total if total else 1.0
    return scores


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--hours", type=float, default=8.0)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--paths", default="core,cli,splunk")
    ap.add_argument("--errors", type=int, default=3, help="misclassified lines to show per (class, label)")
    args = ap.parse_args(argv)
    night = scenario.generate(args.seed, args.hours, args.scale)
    truth = [label for _t, _raw, label, _cls in night]
    times = {i: t for i, (t, _raw, _label, _cls) in enumerate(night)}
    end = max(times.values()) + 5
    indexed = [(i, raw, label, cls) for i, (_t, raw, label, cls) in enumerate(night)]
    print(f"{len(night)} lines, seed {args.seed}, {args.hours:g} h, scale {args.scale:g}")
    print(f"{'path':7} {'order':9} " + " ".join(f"{label:>20}" for label in LABELS))
    ok = True
    by_path: dict = {}
    for path in args.paths.split(","):
        for order in ORDERS:
            rows = scenario.ordered(indexed, order, args.seed)
            pairs = [(i, raw) for i, raw, _label, _cls in rows]
            if path == "core":
                got = core(pairs, end)
            elif path == "cli":
                got = cli(pairs, end)
            else:
                got = splunk(pairs, times)
            predicted = [""] * len(night)
            reasons = [""] * len(night)
            for (i, _raw), labels in zip(pairs, got):
                predicted[i], reasons[i] = labels["bs_label"], labels.get("bs_reason", "")
            by_path[(path, order)] = predicted
            scores = f1_table(truth, predicted)
            ok &= all(score >= TARGET for score in scores.values())
            print(f"{path:7} {order:9} " + " ".join(f"{scores[label]:20.4f}" for label in LABELS))
            shown: Counter = Counter()
            for i, label, cls in ((i, label, cls) for i, _raw, label, cls in indexed):
                if predicted[i] != label and shown[(cls, predicted[i])] < args.errors:
                    shown[(cls, predicted[i])] += 1
                    print(f"    {cls} -> {predicted[i]}: {night[i][1][-110:]}\n        {reasons[i][:160]}")
    if ("cli", "file") in by_path and ("splunk", "file") in by_path:
        for order in ORDERS:
            a, b = by_path[("cli", order)], by_path[("splunk", order)]
            share = sum(x == y for x, y in zip(a, b)) / len(a)
            ok &= share >= AGREEMENT
            print(f"cli and splunk agree, {order}: {share:.4%}")
    print(f"target F1 >= {TARGET} for every label, agreement >= {AGREEMENT:.1%}: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
