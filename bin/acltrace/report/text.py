"""Render ``acltrace triage``: incidents and patterns (from ``incidents``) as text, JSON, CSV or HTML.

Rendering only: the facts, explanations and next steps come from the core (``incidents``).
Times are written as ISO 8601 UTC strings (``first_seen``) beside their epoch seconds
(``first_seen_epoch``); a time no calendar holds (``incident_rows.iso``) is null in JSON, empty in
CSV and "unknown time" in the text.

- ``text``: a report for a person: the Blaster incidents first (where the infected host is
  and what the events mean), what to do next, then other backscatter, scans, spoofed sources
  and the hourly-burst patterns;
- ``json``: ``{"incidents": [...], "patterns": [...], "summary": {...}}``;
- ``csv``: one row per incident, the columns of ``CSV_COLUMNS``;
- ``html``: one self-contained page (:mod:`acltrace.report.html`).
"""
import csv
import json
from typing import IO

from acltrace.report.html import write_html
from acltrace.report.incident_rows import (
    LABEL_ORDER,
    TITLES,
    by_place,
    count_labels,
    iso,
    place_key,
    place_text,
    plural,
    report_order,
    targets_text,
)
from acltrace.safe_output import no_formula
from acltrace.triage.incidents import INCIDENT_COLUMNS

_TIMES = ("first_seen", "last_seen")
_UNKNOWN = "unknown time"
_TRACE_COLUMNS = ("trace_verdict", "trace_switch", "trace_port", "trace_vlan", "trace_path", "trace_reason")


def _csv_columns() -> tuple:
    """The incident's columns with each time's epoch seconds after the times and counts_capped beside the
    other true/false column, blaster_calendar; then where the trace led."""
    columns: list = []
    for column in INCIDENT_COLUMNS:
        if column == "counts_capped":
            continue
        columns.append(column)
        if column == _TIMES[-1]:
            columns += [f"{name}_epoch" for name in _TIMES]
        elif column == "blaster_calendar":
            columns.append("counts_capped")
    return (*columns, *_TRACE_COLUMNS)


CSV_COLUMNS = _csv_columns()


def write(out: IO[str], fmt: str, incidents: list, patterns: list, summary: dict) -> None:
    """Write the triage in ``fmt`` (text, json, csv or html)."""
    incidents = sorted(incidents, key=report_order)
    patterns = sorted(patterns, key=report_order)
    writer = {"text": write_text, "json": write_json, "csv": write_csv, "html": write_html}[fmt]
    writer(out, incidents, patterns, summary)


def with_iso_times(row: dict) -> dict:
    """The row with ``first_seen``/``last_seen`` as ISO strings (None when unknown) and ``*_epoch``
    beside them."""
    out = dict(row)
    for name in _TIMES:
        if name in row:
            out[name] = iso(row[name]) or None
            out[f"{name}_epoch"] = row[name]
    return out


# --- json and csv ---------------------------------------------------------------------------

def write_json(out: IO[str], incidents: list, patterns: list, summary: dict) -> None:
    document = {"incidents": [with_iso_times(row) for row in incidents],
                "patterns": [with_iso_times(row) for row in patterns],
                "summary": dict(summary, incidents=count_labels(incidents))}
    json.dump(document, out, indent=2)
    out.write("\n")


def write_csv(out: IO[str], incidents: list, patterns: list, summary: dict) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in incidents:
        row = with_iso_times(row)
        row["hours"] = " ".join(str(h) for h in row.get("hours", ()))
        _facts_only(row)
        row.update({f"trace_{k}": v for k, v in row.pop("trace", {}).items()})
        writer.writerow([_cell(row.get(column)) for column in CSV_COLUMNS])


def _facts_only(row: dict) -> None:
    """Empty cells, not 0, for the counts and share an incident lacks (destinations named by host name,
    ICMP without ports, no /16): a 0 there would read as a count."""
    for name in ("dest_count", "dest_port_count"):
        if not row.get(name):
            row[name] = None
    if not row.get("dest_net"):
        row["dest_net_share"] = None


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return no_formula(value)


# --- text -----------------------------------------------------------------------------------

def write_text(out: IO[str], incidents: list, patterns: list, summary: dict) -> None:
    """The report for a person: Blaster first, what to do, then the rest."""
    lines = _heading(incidents, summary)
    blaster = [row for row in incidents if row["label"] == "blaster_backscatter"]
    lines += _blaster_section(blaster, patterns)
    lines += _next_steps(incidents)
    for label in LABEL_ORDER[1:]:
        lines += _section(label, [row for row in incidents if row["label"] == label])
    lines += _patterns_section(patterns)
    out.write("\n".join(lines) + "\n")


def _heading(incidents: list, summary: dict) -> list:
    counts = count_labels(incidents)
    found = ", ".join(f"{counts[label]} {label}" for label in LABEL_ORDER if label in counts) or "none"
    lines = [f"acltrace triage of {', '.join(summary['sources'])}",
             f"{plural(summary['acl_events'], 'ACL event')}; incidents: {found}."]
    if summary.get("events_without_time"):
        lines.append(f"{plural(summary['events_without_time'], 'ACL event')} with a device time that cannot be "
                     f"placed: labelled alone, in no incident.")
    if summary.get("unreadable_sources"):
        lines.append(f"Not read whole, the report covers what they gave: {'; '.join(summary['unreadable_sources'])}.")
    return lines + [""]


def _span(row: dict) -> str:
    """'2026-11-25T10:00:00Z - 10:05:00Z', one time when the incident has one, 'unknown time'."""
    first, last = iso(row["first_seen"]) or _UNKNOWN, iso(row["last_seen"]) or _UNKNOWN
    if first == last:
        return first
    end = last[11:] if last[:10] == first[:10] and last != _UNKNOWN else last
    return f"{first} - {end}"


def _burst_line(row: dict) -> str:
    facts = " ".join(part for part in (plural(row["events"], "event"), targets_text(row)) if part)
    rate = f", {row['pps']} pkt/s" if row.get("pps") else ""
    return f"    {_span(row)}: {facts}{rate}"


def _blaster_section(rows: list, patterns: list) -> list:
    lines = [f"== {TITLES['blaster_backscatter']} =="]
    if not rows:
        return lines + ["No Blaster backscatter (RSTs from 127.0.0.1:80 to ports 1000-1999) was found.", ""]
    shapes = {place_key(p): p["pattern"] for p in patterns}
    for place_rows in by_place(rows):
        lines += _blaster_place(place_rows, shapes.get(place_key(place_rows[0]), ""))
    return lines


def _blaster_place(rows: list, shape: str) -> list:
    first = rows[0]
    events = sum(row["events"] for row in rows)
    where = " ".join(part for part in (first.get("dvc"), first.get("src_interface")) if part)
    mac = first.get("src_mac")
    behind = f"MAC {mac} on {where}" if mac and where else f"MAC {mac}" if mac else where
    trace = first.get("trace") or {}
    if trace.get("verdict") == "edge_port":
        behind += f", plugged into {trace['switch']} {trace['port']}"
    elif trace.get("verdict") == "router_hop":
        behind += ", a router hop: the host is beyond that router"
    net = first.get("dest_net")
    if net and behind:
        host = f"The infected host is most likely inside {net}, behind {behind}."
    elif net:
        host = f"The infected host is most likely inside {net}."
    elif behind:
        host = f"The infected host is behind {behind}."
    else:
        host = "The lines name neither the device, the interface nor a source MAC of the infected host."
    lines = [f"{place_text(first)}: {plural(events, 'event')} in {plural(len(rows), 'incident')}",
             f"  {host}",
             f"  What it means{' (first incident)' if len(rows) > 1 else ''}: {first['explanation']}"]
    calendar = {bool(row.get("blaster_calendar")) for row in rows}
    if len(calendar) > 1:
        outside = sum(1 for row in rows if not row.get("blaster_calendar"))
        lines.append(f"  Dates: {outside} of its {len(rows)} incidents began outside the original Blaster's "
                     f"trigger (day 16 or later, or September-December): a variant of the worm, or the infected "
                     f"host's clock is off; the others fit it.")
    if shape:
        lines.append(f"  Pattern: {shape}")
    lines += _trace_lines(first)
    lines += [_burst_line(row) for row in rows]
    return lines + [""]


def _trace_lines(row: dict) -> list:
    """Where the MAC trace led ('Traced: edge_port acc-sw2 Ethernet7 vlan 20 ...'), when there is one."""
    trace = row.get("trace")
    if not trace:
        return []
    verdict, reason = trace.get("verdict") or "not traced", str(trace.get("reason") or "")
    if reason.startswith(verdict.replace("_", " ")):       # 'router hop: ...' says its verdict already
        lines = [f"  Traced: {reason}"]
    else:
        lines = [f"  Traced: {verdict}: {reason}" if reason else f"  Traced: {verdict}"]
    if trace.get("path"):
        lines.append(f"  Path: {trace['path']}")
    return lines


def _next_steps(rows: list) -> list:
    lines = ["== What to do next =="]
    steps = []
    for place_rows in by_place(rows):
        first = place_rows[0]
        subject = _scanner(first) if first["label"] == "scan" else place_text(first)
        steps.append(f"{len(steps) + 1}. {TITLES.get(first['label'], first['label'])}, {subject}: "
                     f"{first['next_steps']}")
    return lines + (steps or ["Nothing: no incident was found."]) + [""]


def _section(label: str, rows: list) -> list:
    lines = [f"== {TITLES[label]} =="]
    if not rows:
        return lines + ["Nothing found.", ""]
    for row in rows:
        subject = _scanner(row) if label == "scan" else place_text(row)
        lines += [f"{subject}: {_span(row)}, {plural(row['events'], 'event')}", f"  {row['explanation']}"]
        lines += _trace_lines(row)
    return lines + [""]


def _scanner(row: dict) -> str:
    """'198.51.100.7 seen on edge-r1 GigabitEthernet0/0', or the address alone when the lines name no place."""
    seen = " ".join(part for part in (row.get("dvc"), row.get("src_interface")) if part)
    return f"{row['src_ip']} seen on {seen}" if seen else row["src_ip"]


def _patterns_section(patterns: list) -> list:
    lines = ["== Hourly bursts (per place, all its incidents) =="]
    if not patterns:
        return lines + ["Nothing found.", ""]
    for row in patterns:
        subject = row["src_ip"] if row["label"] == "scan" else place_text(row)
        lines.append(f"{row['label']} {subject}: {row['pattern']}")
    return lines
