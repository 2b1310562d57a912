"""Render ``acltrace triage``: incidents and patterns (from ``incidents``) as text, JSON or CSV.

Rendering only: the facts, explanations and next steps come from the core (``incidents``).
Times are written as ISO 8601 UTC strings (``first_seen``) beside their epoch seconds
(``first_seen_epoch``).

- ``text``: a report for a person: the Blaster incidents first (where the infected host is
  and what the events mean), what to do next, then other backscatter, scans, spoofed sources
  and the hourly-burst patterns;
- ``json``: ``{"incidents": [...], "patterns": [...], "summary": {...}}``;
- ``csv``: one row per incident, the columns of ``CSV_COLUMNS``;
- ``html``: one self-contained page (``report_html``).
"""
import csv
import datetime
import json
from typing import IO

# The order the report (and the JSON/CSV rows) gives the labels: what needs action first.
LABEL_ORDER = ("blaster_backscatter", "backscatter", "scan", "spoofed_source")
TITLES = {"blaster_backscatter": "Blaster backscatter", "backscatter": "Backscatter (answers to spoofed traffic)",
          "scan": "Scans", "spoofed_source": "Spoofed sources"}
_TIMES = ("first_seen", "last_seen")
CSV_COLUMNS = (
    "label", "dvc", "src_interface", "src_mac", "src_ip", "events", "packets", "dest_count",
    "dest_port_count", "dest_net", "dest_net_share", "pps", "first_seen", "last_seen",
    "first_seen_epoch", "last_seen_epoch", "duration", "hours", "blaster_calendar", "counts_capped",
    "explanation", "next_steps",
    "trace_verdict", "trace_switch", "trace_port", "trace_vlan", "trace_path", "trace_reason",
)


def write(out: IO[str], fmt: str, incidents: list, patterns: list, summary: dict) -> None:
    """Write the triage in ``fmt`` (text, json, csv or html)."""
    incidents = sorted(incidents, key=_order)
    patterns = sorted(patterns, key=_order)
    if fmt == "html":
        from acltrace.report.html import write_html  # it builds on this module's helpers
        write_html(out, incidents, patterns, summary)
        return
    {"text": write_text, "json": write_json, "csv": write_csv}[fmt](out, incidents, patterns, summary)


def _order(row: dict) -> tuple:
    label = row["label"]
    rank = LABEL_ORDER.index(label) if label in LABEL_ORDER else len(LABEL_ORDER)
    return (rank, row.get("dvc", ""), row.get("src_interface", ""), row.get("src_mac", ""),
            row.get("src_ip", ""), row["first_seen"])


def iso(epoch: float) -> str:
    """1795602473.949 -> '2026-11-24T10:27:53.949Z' (milliseconds when there are any)."""
    when = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    text = when.strftime("%Y-%m-%dT%H:%M:%S")
    if when.microsecond:
        text += f".{when.microsecond // 1000:03d}"
    return text + "Z"


def with_iso_times(row: dict) -> dict:
    """The row with ``first_seen``/``last_seen`` as ISO strings and ``*_epoch`` beside them."""
    out = dict(row)
    for name in _TIMES:
        if name in row:
            out[name] = iso(row[name])
            out[f"{name}_epoch"] = row[name]
    return out


# --- json and csv ---------------------------------------------------------------------------

def write_json(out: IO[str], incidents: list, patterns: list, summary: dict) -> None:
    document = {"incidents": [with_iso_times(row) for row in incidents],
                "patterns": [with_iso_times(row) for row in patterns],
                "summary": dict(summary, incidents=_count_labels(incidents))}
    json.dump(document, out, indent=2)
    out.write("\n")


def write_csv(out: IO[str], incidents: list, patterns: list, summary: dict) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in incidents:
        row = with_iso_times(row)
        row["hours"] = " ".join(str(h) for h in row.get("hours", ()))
        row.update({f"trace_{k}": v for k, v in row.pop("trace", {}).items()})
        writer.writerow([_cell(row.get(column)) for column in CSV_COLUMNS])


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _count_labels(rows: list) -> dict:
    counts: dict = {}
    for row in rows:
        counts[row["label"]] = counts.get(row["label"], 0) + 1
    return counts


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
    counts = _count_labels(incidents)
    found = ", ".join(f"{counts[label]} {label}" for label in LABEL_ORDER if label in counts) or "none"
    lines = [f"acltrace triage of {', '.join(summary['sources'])}",
             f"{summary['acl_events']} ACL events; incidents: {found}."]
    if summary.get("events_without_time"):
        lines.append(f"{summary['events_without_time']} ACL events skipped: their device time cannot be read.")
    return lines + [""]


def _place(row: dict) -> str:
    """Where the packets enter: 'gw-rtr1 FastEthernet0/1, MAC 00:0d:56:aa:1b:2c'."""
    where = " ".join(part for part in (row.get("dvc"), row.get("src_interface")) if part) or "an unknown device"
    return f"{where}, MAC {row['src_mac']}" if row.get("src_mac") else where


def _place_key(row: dict) -> tuple:
    return tuple(row.get(k, "") for k in ("label", "dvc", "src_interface", "src_mac")) + (
        row.get("src_ip", "") if row["label"] == "scan" else "",)


def _by_place(rows: list) -> list:
    """The rows of each place, in label order, the busiest place first."""
    places: dict = {}
    for row in rows:
        places.setdefault(_place_key(row), []).append(row)
    return sorted(places.values(), key=lambda group: (_order(group[0])[0], -sum(r["events"] for r in group)))


def _span(row: dict) -> str:
    first, last = iso(row["first_seen"]), iso(row["last_seen"])
    end = last[11:] if last[:10] == first[:10] else last
    return f"{first} - {end}"


def _burst_line(row: dict) -> str:
    rate = f", {row['pps']} pkt/s" if row.get("pps") else ""
    return (f"    {_span(row)}: {row['events']} events to {row['dest_count']} addresses, "
            f"{row['dest_port_count']} ports{rate}")


def _blaster_section(rows: list, patterns: list) -> list:
    lines = [f"== {TITLES['blaster_backscatter']} =="]
    if not rows:
        return lines + ["No Blaster backscatter (RSTs from 127.0.0.1:80 to ports 1000-1999) was found.", ""]
    shapes = {_place_key(p): p["pattern"] for p in patterns}
    for place_rows in _by_place(rows):
        lines += _blaster_place(place_rows, shapes.get(_place_key(place_rows[0]), ""))
    return lines


def _blaster_place(rows: list, shape: str) -> list:
    first = rows[0]
    events = sum(row["events"] for row in rows)
    where = " ".join(part for part in (first.get("dvc"), first.get("src_interface")) if part)
    behind = f"behind MAC {first['src_mac']} on {where}" if first.get("src_mac") else f"behind {where}"
    net = first.get("dest_net") or "the destinations' /16"
    trace = first.get("trace") or {}
    if trace.get("verdict") == "edge_port":
        behind += f", plugged into {trace['switch']} {trace['port']}"
    elif trace.get("verdict") == "router_hop":
        behind += ", a router hop: the host is beyond that router"
    lines = [f"{_place(first)}: {events} events in {len(rows)} incident(s)",
             f"  The infected host is most likely inside {net}, {behind}.",
             f"  What it means{' (first incident)' if len(rows) > 1 else ''}: {first['explanation']}"]
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
    lines = [f"  Traced: {trace['verdict']}: {trace['reason']}"]
    if trace.get("path"):
        lines.append(f"  Path: {trace['path']}")
    return lines


def _next_steps(rows: list) -> list:
    lines = ["== What to do next =="]
    steps = []
    for place_rows in _by_place(rows):
        first = place_rows[0]
        subject = first["src_ip"] if first["label"] == "scan" else _place(first)
        steps.append(f"{len(steps) + 1}. {TITLES.get(first['label'], first['label'])}, {subject}: "
                     f"{first['next_steps']}")
    return lines + (steps or ["Nothing: no incident was found."]) + [""]


def _section(label: str, rows: list) -> list:
    lines = [f"== {TITLES[label]} =="]
    if not rows:
        return lines + ["None.", ""]
    for row in rows:
        subject = f"{row['src_ip']} seen on {row.get('dvc', '')}" if label == "scan" else _place(row)
        lines += [f"{subject}: {_span(row)}, {row['events']} events", f"  {row['explanation']}"]
        lines += _trace_lines(row)
    return lines + [""]


def _patterns_section(patterns: list) -> list:
    lines = ["== Hourly bursts (per place, all its incidents) =="]
    if not patterns:
        return lines + ["None.", ""]
    for row in patterns:
        subject = row["src_ip"] if row["label"] == "scan" else _place(row)
        lines.append(f"{row['label']} {subject}: {row['pattern']}")
    return lines
