#!/usr/bin/env python
"""Precision and recall of the backscatter classifier per label, on bench/traffic.py's labelled lines.

    python bench/accuracy.py [--seed 7] [--hours 6] [--scale 1.0] [--window 300] [--errors 5]

Each line goes through parse_event, its time through devtime.event_time (the device's own clock,
as the offline CLI reads it), then through one Classifier, once oldest-first and once newest-first
(Splunk's order, with order="auto" detecting it). Both runs must give every line the same label;
the table is printed for each order. Target: precision and recall >= 0.97 for every label.
"""
import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bin"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import traffic  # noqa: E402

from acltrace.logs.device_time import event_time  # noqa: E402
from acltrace.logs.parser import parse_event  # noqa: E402
from acltrace.triage.classifier import LABELS, Classifier  # noqa: E402

TARGET = 0.97


def classify(rows: list, window: float) -> dict:
    """index -> predicted label, feeding rows in the order given (each is (index, raw, truth))."""
    clf = Classifier(window=window)
    predicted = {}
    last = None
    for i, raw, _truth in rows:
        ev = parse_event(raw)
        t = event_time(ev, 2026) if ev else None
        if t is None:
            t = last if last is not None else 0.0
        last = t
        if ev is not None:
            ev["_i"] = i
        for out_ev, labels in clf.feed(ev if ev is not None else {"_i": i}, t):
            predicted[out_ev["_i"]] = labels["bs_label"]
    for out_ev, labels in clf.finish():
        predicted[out_ev["_i"]] = labels["bs_label"]
    return predicted


def table(truth: list, predicted: dict) -> tuple:
    tp, fp, fn = Counter(), Counter(), Counter()
    for i, label in enumerate(truth):
        guess = predicted[i]
        if guess == label:
            tp[label] += 1
        else:
            fp[guess] += 1
            fn[label] += 1
    lines = [f"{'label':22} {'true':>7} {'predicted':>9} {'precision':>9} {'recall':>7}"]
    ok = True
    for label in LABELS:
        n_true, n_pred = tp[label] + fn[label], tp[label] + fp[label]
        precision = tp[label] / n_pred if n_pred else 1.0
        recall = tp[label] / n_true if n_true else 1.0
        ok &= precision >= TARGET and recall >= TARGET
        lines.append(f"{label:22} {n_true:7d} {n_pred:9d} {precision:9.4f} {recall:7.4f}")
    return "\n".join(lines), ok


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--hours", type=float, default=6.0)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--window", type=float, default=300.0)
    ap.add_argument("--errors", type=int, default=5, help="misclassified lines to show")
    args = ap.parse_args(argv)
    data = traffic.generate(args.seed, args.hours, args.scale)
    truth = [label for _t, _raw, label in data]
    rows = [(i, raw, label) for i, (_t, raw, label) in enumerate(data)]
    print(f"{len(rows)} lines, seed {args.seed}, {args.hours} h, window {args.window:.0f} s")
    ok = True
    results = {}
    for name, ordered in (("oldest-first", rows), ("newest-first", rows[::-1])):
        predicted = classify(ordered, args.window)
        results[name] = predicted
        text, good = table(truth, predicted)
        ok &= good
        print(f"\n{name}\n{text}")
    same = sum(results["oldest-first"][i] == results["newest-first"][i] for i in range(len(rows)))
    print(f"\nsame label both orders: {same}/{len(rows)}")
    errors = Counter()
    for i, label in enumerate(truth):
        guess = results["newest-first"][i]
        if guess != label and errors[(label, guess)] < args.errors:
            errors[(label, guess)] += 1
            print(f"  {label} -> {guess}: {rows[i][1]}")
    print(f"\ntarget {TARGET} for every label: {'met' if ok and same == len(rows) else 'NOT met'}")
    return 0 if ok and same == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
