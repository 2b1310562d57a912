"""Findings from summary rows: the labels and incidents of events that Splunk's ``stats`` counted.

The summary search (macro ``acltrace_summary_rows``) writes one row per 5-minute bucket and group of
ACL events; the indexers compute it, so the search head reads rows, not events. A row
(``summary_rows`` computes the same in Python, for the CLI's comparison and the tests):

- grouped by ``_time`` (the bucket) and ``GROUP``: ``dvc`` (``host`` where the message names no
  device), ``src_interface``, ``src_mac``, ``src_ip``, ``transport``, ``action``, ``acltrace_sport``
  and ``acltrace_dport`` (``port_class``: a service port's number, ``blaster`` for 1000-1999,
  ``ephemeral``, or ""),
  ``tcp_flag``, ``icmp_type``, ``protocol_version``, ``reason`` (the device's own verdict: spoof, ...);
- counted as ``STATS``: ``events`` (count), ``packets`` (sum), ``dest_ip`` and ``dest_port``
  (values: the smallest ``DISTINCT_CAP``), ``dest_count`` (dc), ``first_time``, ``last_time``.

``findings(rows)`` turns rows, in any order and over any range, into incidents: each row stands for
its events as a few representatives (``representatives``: its destination addresses paired with its
ports, the row's events and packets shared among them), which the two-pass ``Classifier`` counts and
labels and ``Incidents`` groups, as the CLI does with the events themselves. What a row cannot say
(which port went to which address when it holds several of each, more than ``DISTINCT_CAP`` values)
is read the simplest way: addresses and ports in pairs, in their sorted order.
"""
import hashlib
from collections.abc import Iterable
from typing import Optional

from acltrace.triage.aggregates import DISTINCT_CAP, as_packets
from acltrace.triage.classifier import Classifier
from acltrace.triage.incidents import Incidents, incident_key
from acltrace.triage.signatures import BLASTER_SOURCE_PORTS, as_int, is_service_port

GROUP = ("dvc", "src_interface", "src_mac", "src_ip", "transport", "action", "acltrace_sport", "acltrace_dport",
         "tcp_flag", "icmp_type", "protocol_version", "reason")
STATS = ("events", "packets", "dest_ip", "dest_count", "dest_port", "first_time", "last_time")
BUCKET = 300.0          # the summary search's bin span (5 minutes)
EPHEMERAL = "ephemeral"
BLASTER = "blaster"
_CLASS_PORT = {EPHEMERAL: "49152", BLASTER: "1500"}     # a port each class reads as (any of it reads alike)


def port_class(port: Optional[str]) -> str:
    """A service port's number, ``blaster`` for Blaster's 1000-1999, ``ephemeral`` for any other port, ""
    for none (macro ``acltrace_port_class``)."""
    number = as_int(port)
    if number is None:
        return ""
    if is_service_port(number):
        return str(number)
    return BLASTER if number in BLASTER_SOURCE_PORTS else EPHEMERAL


def summary_rows(events: Iterable[tuple]) -> list:
    """The rows the summary search computes from (event, time) pairs (events as aclparse gives them)."""
    groups: dict = {}
    for ev, time in events:
        if not ev or not ev.get("src_ip") or time is None:
            continue
        bucket = int(time // BUCKET) * BUCKET
        group = (bucket, ev.get("dvc") or ev.get("host") or "", ev.get("src_interface", ""), ev.get("src_mac", ""),
                 ev["src_ip"], ev.get("transport", ""), ev.get("action", ""), port_class(ev.get("src_port")),
                 port_class(ev.get("dest_port")), ev.get("tcp_flag", ""), ev.get("icmp_type", ""),
                 ev.get("protocol_version", ""), ev.get("reason", ""))
        row = groups.get(group)
        if row is None:
            row = groups[group] = {"events": 0, "packets": 0, "dest_ip": set(), "dest_port": set(),
                                   "first_time": time, "last_time": time}
        row["events"] += 1
        row["packets"] += as_packets(ev.get("packets"))
        if ev.get("dest_ip"):
            row["dest_ip"].add(ev["dest_ip"])
        if ev.get("dest_port"):
            row["dest_port"].add(ev["dest_port"])
        row["first_time"], row["last_time"] = min(row["first_time"], time), max(row["last_time"], time)
    rows = []
    for group, row in groups.items():
        out = dict(zip(("_time",) + GROUP, group))
        out.update(row, dest_count=len(row["dest_ip"]), dest_ip=sorted(row["dest_ip"])[:DISTINCT_CAP],
                   dest_port=sorted(row["dest_port"])[:DISTINCT_CAP])
        rows.append(out)
    return rows


def _shares(total: int, parts: int) -> list:
    base, extra = divmod(total, parts)
    return [base + (1 if n < extra else 0) for n in range(parts)]


def representatives(row: dict) -> list:
    """(event, time, events, last, capped) standing for a row's events: one per destination address (paired
    with its ports in sorted order, the shorter list repeated), the row's events and packets shared."""
    dests = sorted(row.get("dest_ip") or [""])
    ports = sorted(row.get("dest_port") or [""])
    many = max(len(dests), len(ports))
    events = max(1, as_int(row.get("events")) or 1)
    many = min(many, events)
    first = float(row["first_time"])
    last = float(row.get("last_time") or first)
    base = {name: row[name] for name in GROUP if row.get(name)}
    for name, port_name in (("acltrace_sport", "src_port"), ("acltrace_dport", "dest_port")):
        value = base.pop(name, "")
        if value:
            base[port_name] = _CLASS_PORT.get(value, value)
    capped = (as_int(row.get("dest_count")) or 0) > len(dests)
    out = []
    packets = _shares(max(events, as_int(row.get("packets")) or events), many)
    for n, share in enumerate(_shares(events, many)):
        ev = dict(base, packets=str(packets[n]))
        dest, port = dests[n % len(dests)], ports[n % len(ports)]
        if dest:
            ev["dest_ip"] = dest
        if port:
            ev["dest_port"] = port
        out.append((ev, first, share, last, capped))
    return out


def finding_id(row: dict) -> str:
    """A stable id of a finding: its label, place and first 5-minute bucket (the KV store's key)."""
    place = "|".join(str(part) for part in incident_key(row, row["label"]))
    bucket = int(row["first_seen"] // BUCKET) if isinstance(row["first_seen"], (int, float)) else row["first_seen"]
    return hashlib.sha1(f"{place}|{bucket}".encode("utf-8", "replace")).hexdigest()[:20]


def findings(rows: list, timeout: float = 300.0, window: float = BUCKET, stored: Iterable[dict] = ()) -> list:
    """Incident rows (``incidents.INCIDENT_COLUMNS``) with ``finding_id`` and ``bs_reason`` (the reason of
    the place's largest share) for summary rows in any order. A finding that continues one of ``stored``
    keeps its id (``carry_over``)."""
    classifier = Classifier(window=window)
    standing = [part for row in rows for part in representatives(row)]
    for ev, time, events, last, capped in standing:
        classifier.add(ev, time, events, last, capped)
    incidents = Incidents(timeout=timeout)
    reasons: dict = {}
    for ev, time, events, last, _capped in standing:
        labels = classifier.label(ev, time)
        incidents.add(ev, labels, time, events, last)
        if labels["bs_label"] != "none":
            place = incident_key(ev, labels["bs_label"])
            best = reasons.get(place)
            if best is None or (-events, labels["bs_reason"]) < best:
                reasons[place] = (-events, labels["bs_reason"])
    out = incidents.finish()
    for row in out:
        row["finding_id"] = finding_id(row)
        row["bs_reason"] = reasons.get(incident_key(row, row["label"]), (0, ""))[1]
    carry_over(out, stored, timeout)
    return out


def carry_over(found: list, stored: Iterable[dict], timeout: float) -> None:
    """Give a finding that continues a stored one the stored one's ``finding_id``: the same label and
    place, and the stored finding's events within ``timeout`` of this one's (the earliest such, when
    several are; an id goes to one finding only, the earliest). The findings search reads a window that
    slides a day at a time, so a finding longer than the window would otherwise begin again each day
    under a new id. ``stored`` rows have ``finding_id``, ``label``, the place's fields and
    ``first_seen``/``last_seen`` as epoch seconds."""
    earlier: dict = {}
    for row in stored:
        earlier.setdefault(incident_key(row, row["label"]), []).append(row)
    taken = set()
    for row in sorted(found, key=lambda r: r["first_seen"]):
        before = [s for s in earlier.get(incident_key(row, row["label"]), ())
                  if s["finding_id"] not in taken and s["first_seen"] <= row["last_seen"] + timeout
                  and s["last_seen"] >= row["first_seen"] - timeout]
        if before:
            row["finding_id"] = min(before, key=lambda s: (s["first_seen"], s["finding_id"]))["finding_id"]
            taken.add(row["finding_id"])
