"""Group labelled ACL events into incidents an admin can act on (docs/DESIGN.md section 4).

An incident is a run of events with one label from one place, split where that place is quiet
for longer than ``timeout`` (default 300 s, the CAIDA 5-minute inactivity timeout):

- ``blaster_backscatter``, ``backscatter``, ``spoofed_source``: by (label, dvc, src_interface,
  src_mac): where the packets enter, which is what leads to the sender (trace the MAC);
- ``scan``: by (label, dvc, src_ip): the scanner.

``Incidents.feed(event, labels, time)`` returns the incidents that closed; ``finish()`` the open
ones. Each is a dict of ``INCIDENT_COLUMNS``: label, dvc, src_interface, src_mac, src_ip (the most
frequent), events, packets, dest_count, dest_port_count (exact up to ``DISTINCT_CAP``, then that number with
``counts_capped``), dest_net (the most frequent destination /16; for Blaster's own SYNs to
255.255.255.255, the sources' /16) and dest_net_share, pps,
first_seen, last_seen (epoch seconds), duration, hours (distinct UTC hours active, sorted),
blaster_calendar (the first day fits Blaster's trigger: day of month > 15 or September-December),
explanation and next_steps.

``patterns()`` describes each place over all its incidents: how many bursts, how far apart, the
hours of day: the seed's "4 - 6 times a day an hour apart for 4 or so hours" reads as
"5 bursts about 60 min apart over 4.0 h".

Order: events may come newest-first or oldest-first (``order="auto"`` decides from the first time
more than ``lateness`` away from the first event's, or give ``asc``/``desc``), and out of order by
up to ``lateness`` seconds (default 600): ``classifier.Classifier`` returns the events one event
decides at once and holds the others for its window plus one bucket (330 s by default), so its
output is not sorted. An event joins the run of its place it is within ``timeout`` of (joining
two runs it bridges); a run closes when the stream is more than timeout + lateness past it. The
gaps between one place's events are the same read either way, so the incidents are the same.
Memory: the open runs (places active within timeout + lateness, a few runs each), each with at
most ``DISTINCT_CAP`` destinations and ports, plus per place ``HISTORY`` burst times for
``patterns()``: bounded by the number of places, not of events.
"""
import statistics
import zlib
from typing import Optional

from acltrace.logs.device_time import utc
from acltrace.triage.direction import Direction
from acltrace.triage.signatures import BLASTER_BROADCAST, slash16

DISTINCT_CAP = 10000
HISTORY = 64                    # burst start/end times kept per place for patterns()
_NET_CAP = 256                  # distinct /16s counted per incident

_BY_SOURCE = ("scan",)
# An incident row's fields, in the order describe() gives them (a scan's row has no src_interface or
# src_mac); add_trace adds ``trace``.
INCIDENT_COLUMNS = (
    "label", "dvc", "src_interface", "src_mac", "src_ip", "events", "packets", "dest_count", "dest_port_count",
    "counts_capped", "dest_net", "dest_net_share", "pps", "first_seen", "last_seen", "duration", "hours",
    "blaster_calendar", "explanation", "next_steps",
)


class SampledCounter:
    """Counts of at most ``size`` values: those with the smallest CRC-32, so the same values are
    kept (with exact counts) whatever order they come in; the top value is read from them."""
    __slots__ = ("size", "counts", "seen")

    def __init__(self, size: int = _NET_CAP):
        self.size = size
        self.counts: dict = {}
        self.seen = 0

    @staticmethod
    def _rank(value: str) -> tuple:
        return (zlib.crc32(value.encode()), value)

    def add(self, value: str, n: int = 1) -> None:
        self.seen += n
        if value in self.counts:
            self.counts[value] += n
            return
        if len(self.counts) >= self.size:
            worst = max(self.counts, key=self._rank)
            if self._rank(value) > self._rank(worst):
                return
            del self.counts[worst]
        self.counts[value] = n

    def merge(self, other: "SampledCounter") -> None:
        self.seen += other.seen
        seen = self.seen
        for value, n in other.counts.items():
            self.add(value, n)
        self.seen = seen

    def top(self) -> tuple:
        """(value, share of all counted) of the most frequent kept value, ties to the smallest; ('', 0)."""
        if not self.counts:
            return "", 0.0
        value, n = min(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return value, n / self.seen if self.seen else 0.0


def incident_key(ev: dict, label: str) -> tuple:
    """The place an incident belongs to: the entry point for answers and spoofs, the source for scans.
    ``ev`` may be an event or an incident or pattern row (whose ``label`` is ``label``)."""
    if label in _BY_SOURCE:
        return (label, ev.get("dvc", ""), ev.get("src_ip", ""))
    return (label, ev.get("dvc", ""), ev.get("src_interface", ""), ev.get("src_mac", ""))


def blaster_calendar(epoch: float) -> bool:
    """Blaster's DoS starts at boot on day 16 or later of a month, or any day September-December.
    False for a time no calendar date holds (years 1 to 9999 UTC): the advice then says to check the
    device clock."""
    day = utc(epoch)
    return day is not None and (day.day > 15 or day.month >= 9)


class _Open:
    __slots__ = ("key", "first", "last", "events", "packets", "dests", "ports", "nets", "hours",
                 "src_ips", "src_nets", "capped", "proto")

    def __init__(self, key: tuple, time: float):
        self.key = key
        self.first = self.last = time
        self.events = self.packets = 0
        self.dests: set = set()
        self.ports: set = set()
        self.nets = SampledCounter()
        self.hours: set = set()
        self.src_ips = SampledCounter()
        self.src_nets = SampledCounter()
        self.capped = False
        self.proto = ""

    def add(self, ev: dict, time: float) -> None:
        self.events += 1
        try:
            self.packets += int(ev.get("packets", 1))
        except ValueError:
            self.packets += 1
        self.first, self.last = min(self.first, time), max(self.last, time)
        self.hours.add(int(time // 3600) % 24)
        dest, port = ev.get("dest_ip"), ev.get("dest_port")
        if dest:
            if len(self.dests) < DISTINCT_CAP:
                self.dests.add(dest)
            else:
                self.capped = True
            net = slash16(dest)
            if net:
                self.nets.add(net)
        if port:
            if len(self.ports) < DISTINCT_CAP:
                self.ports.add(port)
            else:
                self.capped = True
        src = ev.get("src_ip")
        if src:
            self.src_ips.add(src)
            if dest == BLASTER_BROADCAST:              # Blaster's own SYNs: the sources are its /16
                self.src_nets.add(slash16(src))
        self.proto = self.proto or ev.get("transport", "")

    def merge(self, other: "_Open") -> None:
        """Take in a run this one now touches (an event arrived between them)."""
        self.first, self.last = min(self.first, other.first), max(self.last, other.last)
        self.events += other.events
        self.packets += other.packets
        for mine, theirs in ((self.dests, other.dests), (self.ports, other.ports)):
            for value in theirs:
                if len(mine) >= DISTINCT_CAP:
                    self.capped = True
                    break
                mine.add(value)
        self.capped = self.capped or other.capped
        self.nets.merge(other.nets)
        self.src_ips.merge(other.src_ips)
        self.src_nets.merge(other.src_nets)
        self.hours |= other.hours
        self.proto = self.proto or other.proto


class Incidents:
    """Stream labelled events into incidents (see the module doc)."""

    def __init__(self, timeout: float = 300.0, order: str = "auto", lateness: float = 600.0):
        if not timeout > 0:
            raise ValueError(f"timeout must be > 0 seconds, not {timeout!r}")
        if not lateness >= 0:
            raise ValueError(f"lateness must be >= 0 seconds, not {lateness!r}")
        self._direction = Direction(order, tolerance=lateness)   # in times
        self.timeout = float(timeout)
        self.lateness = float(lateness)
        self._swept: Optional[float] = None
        self._open: dict[tuple, list] = {}        # key -> open runs (_Open), apart by more than timeout
        self._history: dict[tuple, list] = {}     # key -> [(first, last, events, hours)], at most HISTORY

    def feed(self, event: dict, labels: dict, time: float) -> list:
        """Take one labelled event; return the incidents that closed."""
        label = labels.get("bs_label", "none")
        if label != "none":
            self._add(incident_key(event, label), event, time)
        self._direction.reach(time)
        front = self._direction.front
        if front is None:                       # auto has not decided the direction yet
            return []
        if self._swept is None or front - self._swept > self.timeout / 10:
            self._swept = front
            return self._sweep()
        return []

    def finish(self) -> list:
        """Close and return every open incident."""
        out = [self._close(inc) for runs in self._open.values() for inc in runs]
        self._open.clear()
        return out

    def _add(self, key: tuple, event: dict, time: float) -> None:
        """Put the event in the run it is within ``timeout`` of, joining runs it bridges."""
        runs = self._open.setdefault(key, [])
        near = [inc for inc in runs if inc.first - self.timeout <= time <= inc.last + self.timeout]
        if not near:
            inc = _Open(key, time)
            runs.append(inc)
        else:
            inc = near[0]
            for other in near[1:]:
                inc.merge(other)
                runs.remove(other)
        inc.add(event, time)

    def patterns(self) -> list:
        """One row per place: bursts (incidents), their spacing and hours (see the module doc).

        It reads the closed incidents: call it after ``finish()`` for the whole stream."""
        rows = []
        for key, bursts in self._history.items():
            bursts = sorted(bursts)
            gaps = [b[0] - a[1] for a, b in zip(bursts, bursts[1:])]
            starts = [b[0] for b in bursts]
            hours = sorted({h for b in bursts for h in b[3]})
            row = dict(_place(key), bursts=len(bursts), events=sum(b[2] for b in bursts),
                       first_seen=bursts[0][0], last_seen=bursts[-1][1], hours=hours)
            if gaps:
                spacing = statistics.median([b - a for a, b in zip(starts, starts[1:])])
                row["burst_spacing_s"] = round(spacing, 1)
                row["pattern"] = (f"{len(bursts)} bursts about {spacing / 60:.0f} min apart over "
                                  f"{(bursts[-1][1] - bursts[0][0]) / 3600:.1f} h, UTC hours {_hours(hours)}")
            else:
                row["pattern"] = f"one burst, UTC hours {_hours(hours)}"
            rows.append(row)
        return rows

    def _sweep(self) -> list:
        """Close the runs the stream has left behind by more than timeout + lateness."""
        sign = self._direction.sign
        limit = self._direction.front - self.timeout - self.lateness
        out = []
        for key in list(self._open):
            runs = self._open[key]
            done = [inc for inc in runs if sign * (inc.last if sign > 0 else inc.first) < limit]
            for inc in done:
                runs.remove(inc)
                out.append(self._close(inc))
            if not runs:
                del self._open[key]
        return out

    def _close(self, inc: _Open) -> dict:
        history = self._history.setdefault(inc.key, [])
        history.append((inc.first, inc.last, inc.events, tuple(sorted(inc.hours))))
        if len(history) > HISTORY:          # keep the latest in time, whichever way the stream runs
            history.sort()
            del history[:-HISTORY]
        return describe(inc)


def _place(key: tuple) -> dict:
    if key[0] in _BY_SOURCE:
        return {"label": key[0], "dvc": key[1], "src_ip": key[2]}
    return {"label": key[0], "dvc": key[1], "src_interface": key[2], "src_mac": key[3]}


def _hours(hours: list) -> str:
    return ",".join(f"{h:02d}" for h in hours)


def describe(inc: _Open) -> dict:
    """The incident row: counts, where, when, why, what next."""
    row = _place(inc.key)
    label = inc.key[0]
    if "src_ip" not in row:
        row["src_ip"] = inc.src_ips.top()[0]
    duration = inc.last - inc.first
    net, share = inc.src_nets.top() if inc.src_nets.counts else inc.nets.top()
    row.update(events=inc.events, packets=inc.packets, dest_count=len(inc.dests),
               dest_port_count=len(inc.ports), counts_capped=inc.capped, dest_net=net,
               dest_net_share=round(share, 3), pps=round(inc.packets / duration, 3) if duration > 0 else None,
               first_seen=inc.first, last_seen=inc.last, duration=round(duration, 3),
               hours=sorted(inc.hours), blaster_calendar=blaster_calendar(inc.first))
    row["explanation"], row["next_steps"] = _advice(label, row)
    return row


def add_trace(row: dict, trace: dict) -> None:
    """Give the incident ``row`` the trace of its source MAC (``trace.Trace.as_dict()``) and the next
    steps that follow from it."""
    row["trace"] = trace
    row["next_steps"] = _advice(row["label"], row)[1]


def _trace_step(row: dict) -> str:
    """What to do about where the packets come from, from the row's trace when it has one."""
    where = f"{row['dvc'] or 'the device'} {row.get('src_interface') or ''}".strip()
    mac = row.get("src_mac") or "the source MAC"
    trace = row.get("trace") or {}
    verdict = trace.get("verdict")
    if verdict == "edge_port":
        vlan = f" (vlan {trace['vlan']})" if trace.get("vlan") else ""
        return (f"The source is the machine on {trace['switch']} {trace['port']}{vlan}, traced "
                f"{trace['path']}: isolate that port.")
    if verdict == "router_hop":
        return (f"{mac} is a router hop ({trace['reason']}): the source is behind that router; "
                f"tell its owner.")
    found = f"The trace of {mac} stopped: {trace['reason']}. " if verdict else ""
    return (f"{found}Trace {mac} from {where} to a switch port (the MAC address tables of the switches "
            f"behind it); if it is a router hop, tell that router's owner.")


def _advice(label: str, row: dict) -> tuple:
    trace = _trace_step(row)
    if label == "blaster_backscatter":
        calendar = ("the dates fit Blaster's trigger (day > 15 or Sep-Dec)" if row["blaster_calendar"]
                    else "the dates do not fit Blaster's trigger (day > 15 or Sep-Dec): check the device clock")
        return (f"Not a port scan: {row['events']} RSTs from 127.0.0.1:80 to {row['dest_count']} spoofed "
                f"addresses are Blaster's SYN flood against windowsupdate.com answered by the infected host's "
                f"own stack. The infected host is most likely inside {row['dest_net'] or 'the destination /16'} "
                f"({row['dest_net_share']:.0%} of destinations); {calendar}.",
                f"{trace} Clean or reimage the host (MS03-026). Stop resolving windowsupdate.com to "
                f"127.0.0.1 in DNS.")
    if label == "backscatter":
        return (f"Not a scan: {row['events']} unsolicited answers from {row['src_ip']} to {row['dest_count']} "
                f"addresses: {row['src_ip']} is the victim of a flood with spoofed sources, and these are its "
                f"replies to addresses that never asked.",
                "Nothing to fix locally; keep dropping it. If the addresses are yours, someone spoofs them: "
                "make sure your own egress filtering (BCP 38) is in place.")
    if label == "spoofed_source":
        return (f"{row['events']} packets with a source ({row['src_ip']}) that cannot come from the wire.",
                f"{trace} Look for a misconfigured or compromised host there; apply uRPF/BCP 38 at the edge.")
    return (f"{row['src_ip']} probed {row['dest_port_count']} ports on {row['dest_count']} hosts "
            f"({row['events']} events).",
            f"Check whether {row['src_ip']} is yours (then find the host by its MAC) or "
            f"external (block or report it); see whether any probe was permitted.")
