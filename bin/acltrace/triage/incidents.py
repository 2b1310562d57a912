"""Group labelled ACL events into incidents an admin can act on (docs/DESIGN.md section 4).

An incident is a run of events with one label from one place, split where that place is quiet
for longer than ``timeout`` (default 300 s, the CAIDA 5-minute inactivity timeout):

- ``blaster_backscatter``, ``backscatter``, ``spoofed_source``: by (label, dvc, src_interface,
  src_mac): where the packets enter, which is what leads to the sender (trace the MAC);
- ``scan``: by (label, dvc, src_ip): the scanner; its row names the interface and MAC its probes
  came in by most often, so a scanner inside is traced too.

``dvc`` falls back to ``host`` (a line without ``logging origin-id`` names no device).
``Incidents.add(event, labels, time)`` takes each labelled event, in any order; ``finish()`` gives
the incidents. Each is a dict of ``INCIDENT_COLUMNS``: label, dvc, src_interface, src_mac, src_ip (the
most frequent), events, packets, dest_count, dest_port_count (exact up to ``DISTINCT_CAP``, then that
number with ``counts_capped``), dest_net (the most frequent destination /16; for Blaster's own SYNs
to 255.255.255.255, the sources' /16) and dest_net_share, pps, first_seen, last_seen (epoch
seconds), duration, hours (distinct UTC hours active, sorted), blaster_calendar (the first day fits
the original Blaster's trigger: day of month > 15 or September-December), explanation and
next_steps.

``patterns()`` describes each place over all its incidents: how many bursts, how far apart, the
hours of day: the seed's "4 - 6 times a day an hour apart for 4 or so hours" reads as
"5 bursts about 60 min apart over 4.0 h".

Order-free: each place's events are counted per bucket of ``timeout`` seconds (aligned on the
epoch); ``finish`` joins a place's buckets in time order while the gap from one bucket's last event
to the next one's first is at most ``timeout``. No gap longer than ``timeout`` fits inside a bucket,
so these are exactly the runs the events make, whatever order they came in. Distinct destinations
and ports are the smallest ``BUCKET_CAP`` per bucket, as aggregates keep them. Memory: one bucket per
place and ``timeout`` of activity, each with at most ``2 x BUCKET_CAP`` values: bounded by places
and time, not by events.
"""
import statistics
import zlib
from typing import Optional

from acltrace.triage.aggregates import as_packets, smallest
from acltrace.triage.signatures import BLASTER_BROADCAST, blaster_calendar, slash16

DISTINCT_CAP = 10000
BUCKET_CAP = 1024               # distinct destinations and ports kept per place and bucket
HISTORY = 64                    # bursts kept per place for patterns()
_NET_CAP = 256                  # distinct /16s counted per incident

_BY_SOURCE = ("scan",)
# An incident row's fields, in the order describe() gives them; add_trace adds ``trace``.
INCIDENT_COLUMNS = (
    "label", "dvc", "src_interface", "src_mac", "src_ip", "events", "packets", "dest_count", "dest_port_count",
    "counts_capped", "dest_net", "dest_net_share", "pps", "first_seen", "last_seen", "duration", "hours",
    "blaster_calendar", "explanation", "next_steps",
)


class SampledCounter:
    """Counts of at most ``size`` values: those with the smallest CRC-32, so the same values are
    kept (with exact counts) whatever order they come in; the top value is read from them."""
    __slots__ = ("size", "counts", "seen", "_worst")

    def __init__(self, size: int = _NET_CAP):
        self.size = size
        self.counts: dict = {}
        self.seen = 0
        self._worst = None      # the largest rank kept, once full (None: to be found again)

    @staticmethod
    def _rank(value: str) -> tuple:
        return (zlib.crc32(value.encode()), value)

    def add(self, value: str, n: int = 1) -> None:
        self.seen += n
        counts = self.counts
        if value in counts:
            counts[value] += n
            return
        if len(counts) >= self.size:
            worst = self._worst
            if worst is None:
                worst = max(map(self._rank, counts))
            if self._rank(value) > worst:
                self._worst = worst
                return
            del counts[worst[1]]
        self._worst = None
        counts[value] = n

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
    dvc = ev.get("dvc") or ev.get("host") or ""
    if label in _BY_SOURCE:
        return (label, dvc, ev.get("src_ip", ""))
    return (label, dvc, ev.get("src_interface", ""), ev.get("src_mac", ""))


class _Open:
    """One place's counts over one bucket, or over a run of buckets once merged."""
    __slots__ = ("key", "first", "last", "events", "packets", "dests", "ports", "nets", "hours",
                 "src_ips", "src_nets", "macs", "interfaces", "capped")

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
        self.macs = SampledCounter(16)
        self.interfaces = SampledCounter(16)
        self.capped = False

    def add(self, ev: dict, time: float, events: int = 1, last: Optional[float] = None) -> None:
        self.events += events
        self.packets += as_packets(ev.get("packets"))
        self.first, self.last = min(self.first, time), max(self.last, time if last is None else last)
        self.hours.add(int(time // 3600) % 24)
        if last is not None:
            self.hours.add(int(last // 3600) % 24)
        dest, port = ev.get("dest_ip") or ev.get("dest_host"), ev.get("dest_port")
        if dest:
            self.dests.add(dest)
            if len(self.dests) > 2 * BUCKET_CAP:
                self.dests, self.capped = smallest(self.dests, BUCKET_CAP), True
            net = slash16(dest)
            if net:
                self.nets.add(net)
        if port:
            self.ports.add(port)
            if len(self.ports) > 2 * BUCKET_CAP:
                self.ports, self.capped = smallest(self.ports, BUCKET_CAP), True
        src = ev.get("src_ip")
        if src:
            self.src_ips.add(src)
            if dest == BLASTER_BROADCAST:              # Blaster's own SYNs: the sources are its /16
                self.src_nets.add(slash16(src))
        if self.key[0] in _BY_SOURCE:                  # where a scanner's probes come in
            if ev.get("src_mac"):
                self.macs.add(ev["src_mac"])
            if ev.get("src_interface"):
                self.interfaces.add(ev["src_interface"])

    def merge(self, other: "_Open") -> None:
        """Take in the next bucket of the same run."""
        self.first, self.last = min(self.first, other.first), max(self.last, other.last)
        self.events += other.events
        self.packets += other.packets
        self.dests, self.ports = self.dests | other.dests, self.ports | other.ports
        if len(self.dests) > DISTINCT_CAP or len(self.ports) > DISTINCT_CAP:
            self.dests, self.ports = smallest(self.dests, DISTINCT_CAP), smallest(self.ports, DISTINCT_CAP)
            self.capped = True
        self.capped = self.capped or other.capped
        for mine, theirs in ((self.nets, other.nets), (self.src_ips, other.src_ips),
                             (self.src_nets, other.src_nets), (self.macs, other.macs),
                             (self.interfaces, other.interfaces)):
            mine.merge(theirs)
        self.hours |= other.hours


class Incidents:
    """Labelled events in, incidents out (see the module doc)."""

    def __init__(self, timeout: float = 300.0):
        if not timeout > 0:
            raise ValueError(f"timeout must be > 0 seconds, not {timeout!r}")
        self.timeout = float(timeout)
        self._buckets: dict = {}        # place -> {bucket: _Open}
        self._history: dict = {}        # place -> [(first, last, events, hours)], at most HISTORY

    def add(self, event: dict, labels: dict, time: float, events: int = 1, last: Optional[float] = None) -> None:
        """Count one labelled event, or ``events`` alike from ``time`` to ``last`` (a summary row's share);
        ``none`` makes no incident."""
        label = labels.get("bs_label", "none")
        if label == "none":
            return
        key = incident_key(event, label)
        buckets = self._buckets.setdefault(key, {})
        try:
            bucket = int(time // self.timeout)
        except OverflowError:           # a time no float holds (10**400): a bucket of its own
            bucket = time
        inc = buckets.get(bucket)
        if inc is None:
            inc = buckets[bucket] = _Open(key, time)
        inc.add(event, time, events, last)

    def finish(self) -> list:
        """The incidents: each place's buckets joined into runs (see the module doc), by place, in time order."""
        out = []
        for buckets in self._buckets.values():
            run = None
            for bucket in sorted(buckets):
                inc = buckets[bucket]
                if run is not None and inc.first - run.last <= self.timeout:
                    run.merge(inc)
                    continue
                if run is not None:
                    out.append(self._close(run))
                run = inc
            out.append(self._close(run))
        self._buckets.clear()
        return out

    def patterns(self) -> list:
        """One row per place: bursts (incidents), their spacing and hours (see the module doc).

        It reads the closed incidents: call it after ``finish()``."""
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

    def _close(self, inc: _Open) -> dict:
        history = self._history.setdefault(inc.key, [])
        history.append((inc.first, inc.last, inc.events, tuple(sorted(inc.hours))))
        if len(history) > HISTORY:          # keep the latest in time
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
    else:                                   # a scanner: where its probes came in
        row["src_interface"] = inc.interfaces.top()[0]
        row["src_mac"] = inc.macs.top()[0]
    duration = inc.last - inc.first
    net, share = inc.src_nets.top() if inc.src_nets.counts else inc.nets.top()
    row.update(events=inc.events, packets=inc.packets, dest_count=len(inc.dests),
               dest_port_count=len(inc.ports), counts_capped=inc.capped, dest_net=net,
               dest_net_share=round(share, 3), pps=round(inc.packets / duration, 3) if duration > 0 else None,
               first_seen=inc.first, last_seen=inc.last, duration=round(duration, 3),
               hours=sorted(inc.hours), blaster_calendar=blaster_calendar(inc.first))
    row = {name: row[name] for name in INCIDENT_COLUMNS if name in row}
    row["explanation"] = _explanation(label, row, len(inc.src_ips.counts), bool(inc.src_nets.counts))
    row["next_steps"] = _next_steps(label, row)
    return row


def add_trace(row: dict, trace: dict) -> None:
    """Give the incident ``row`` the trace of its source MAC (``trace.Trace.as_dict()``) and the next
    steps that follow from it."""
    row["trace"] = trace
    row["next_steps"] = _next_steps(row["label"], row)


def _plural(n: int, word: str, words: str = "") -> str:
    return f"{n} {word if n == 1 else words or word + 's'}"


def _where(row: dict) -> str:
    """'edge-r1 Ethernet0/1', 'edge-r1', 'Ethernet0/1' or 'the device'."""
    return " ".join(part for part in (row.get("dvc"), row.get("src_interface")) if part) or "the device"


def _trace_step(row: dict) -> str:
    """What to do about where the packets come from, from the row's trace when it has one."""
    mac = row.get("src_mac")
    if not mac:
        if not row.get("dvc") and not row.get("src_interface"):
            return ("The lines name neither the device nor the interface nor a source MAC: find the device that "
                    "logged them, then the interface the packets come in by.")
        return (f"No source MAC was logged on {_where(row)} (IOS logs one when the ACL entry has log-input; "
                f"other platforms may log none at all): "
                f"find where the packets come in there.")
    trace = row.get("trace") or {}
    verdict = trace.get("verdict")
    if verdict == "edge_port":
        vlan = f" (vlan {trace['vlan']})" if trace.get("vlan") else ""
        path = f", traced {trace['path']}" if trace.get("path") else ""
        return f"The source is the machine on {trace['switch']} {trace['port']}{vlan}{path}: isolate that port."
    if verdict == "router_hop":
        reason = str(trace.get("reason") or "").rstrip(".")
        reason = reason[len("router hop: "):] if reason.startswith("router hop: ") else reason
        why = f" ({reason})" if reason else ""
        return f"{mac} is a router hop{why}: the source is behind that router; tell its owner."
    found = f"The trace of {mac} stopped: {str(trace['reason']).rstrip('.')}. " \
        if verdict and trace.get("reason") else ""
    return (f"{found}Trace {mac} from {_where(row)} to a switch port (the MAC address tables of the switches "
            f"behind it); if it is a router hop, tell that router's owner.")



def _explanation(label: str, row: dict, sources: int, flood_sources: bool) -> str:
    """What the incident is, from the facts it has: a count of 0 (a host name for an address, an
    ICMP probe's ports), a share of 0 or a missing address is left out, never printed."""
    events, dests, net, share = row["events"], row["dest_count"], row["dest_net"], row["dest_net_share"]
    src = row.get("src_ip") or ""
    one = events == 1
    if label == "blaster_backscatter":
        if flood_sources:
            inside = f" in {net}" if net else ""
            text = (f"Not a port scan: {_plural(events, 'SYN')} to 255.255.255.255:80 from spoofed sources"
                    f"{inside} {'is' if one else 'are'} Blaster's own SYN flood when windowsupdate.com does not "
                    f"resolve; the infected host is inside {net or 'the /16 of those sources'}.")
        else:
            to = f" to {_plural(dests, 'spoofed address', 'spoofed addresses')}" if dests else ""
            text = (f"Not a port scan: {_plural(events, 'answer')} from 127.0.0.1{to} {'is' if one else 'are'} "
                    f"the infected host's own stack answering Blaster's SYN flood against windowsupdate.com "
                    f"(sinkholed to 127.0.0.1).")
            if net and share:
                if dests == 1:
                    of = "the destination's /16"
                elif share >= 1:
                    of = f"all {dests} destinations" if dests else "all the destinations"
                else:
                    of = f"{share:.0%} of the destinations" if share >= 0.01 else "under 1% of the destinations"
                text += f" The infected host is most likely inside {net} ({of})."
        if row["blaster_calendar"]:
            return text + (" Its first day fits the original Blaster's trigger (day 16 or later, or "
                           "September-December).")
        return text + (" Its first day is outside the original Blaster's trigger (day 16 or later, or "
                       "September-December): a variant of the worm, or the infected host's clock is off.")
    if label == "backscatter":
        to = f" to {_plural(dests, 'address', 'addresses')}" if dests else ""
        replies = "this is a reply to an address" if one else "these are replies to addresses"
        if sources > 1:
            return (f"Not a scan: {_plural(events, 'unsolicited answer')} from {sources} sources{to}: each is "
                    f"the victim of a flood with spoofed sources (carpet bombing), and {replies} that never "
                    f"asked.")
        victim = src or "the source"
        return (f"Not a scan: {_plural(events, 'unsolicited answer')}{' from ' + src if src else ''}{to}: "
                f"{victim} is the victim of a flood with spoofed sources, and {replies} that never asked.")
    if label == "spoofed_source":
        packets = max(row.get("packets") or 0, events)
        if sources > 1:
            whom = f" from {sources} sources (most often {src})" if src else f" from {sources} sources"
        else:
            whom = f" from {src}" if src else ""
        where = " ".join(part for part in (row.get("dvc"), row.get("src_interface")) if part)
        return (f"{_plural(packets, 'packet')}{whom}{' on ' + where if where else ''}: "
                f"{'a source' if sources <= 1 else 'sources'} that cannot be real where "
                f"{'it' if sources <= 1 else 'they'} arrived.")
    targets = " on ".join(part for part in (
        _plural(row["dest_port_count"], "port") if row["dest_port_count"] else "",
        _plural(dests, "host") if dests else "") if part)
    probed = f" probed {targets}" if targets else " probed"
    return f"{src or 'The source'}{probed} ({_plural(events, 'event')})."



def _next_steps(label: str, row: dict) -> str:
    trace = _trace_step(row)
    if label == "blaster_backscatter":
        return (f"{trace} Clean or reimage the host (MS03-026). Stop resolving windowsupdate.com to "
                f"127.0.0.1 in DNS.")
    if label == "backscatter":
        return ("Nothing to fix locally; keep dropping it. If the addresses are yours, someone spoofs them: "
                "make sure your own egress filtering (BCP 38) is in place.")
    if label == "spoofed_source":
        return f"{trace} Look for a misconfigured or compromised host there; apply uRPF/BCP 38 at the edge."
    src = row.get("src_ip") or "the source"
    if row.get("src_mac"):
        return (f"Check whether {src} is yours (then find the host by its MAC) or external (block or report "
                f"it); see whether any probe was permitted. {trace}")
    return (f"Check whether {src} is yours (then find the host by its address) or external (block or report "
            f"it); see whether any probe was permitted.")
