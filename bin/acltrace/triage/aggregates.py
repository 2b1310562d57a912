"""The order-free counters the labels are read from (docs/DESIGN.md section 4).

Each ACL event counts in a few aggregates, one per key it belongs to (``event_keys``), in the bucket
of its time (``width`` seconds aligned on the epoch). An aggregate holds what Splunk's ``stats``
computes, so the same numbers come from ``stats count sum(packets) values(x) min(_time) max(_time)
by key, bucket``: events, packets, the distinct values of one field (the smallest
``DISTINCT_CAP``, as ``values()`` sorts them: the same whatever the order), the first and last time.
Adding is commutative: the aggregates of a stream are the same in any order, and so are the labels.

Keys (``src``/``dest``: the event's addresses; ``dvc`` falls back to ``host`` as Splunk's add-ons do):

- ``("victim", src) -> dest``: answer-shaped events (RST, SYN/ACK, a service's reply, ICMP errors),
  denied or permitted: a flood victim answers many addresses that never asked;
- ``("net", dest prefix) -> src``: denied answers into one /16 (IPv6 /48): many victims each answering
  a few times (carpet-bombing backscatter);
- ``("peers", server) -> client``: a permitted request from client to server: the server's answers to
  the client are solicited, not backscatter;
- ``("hosts", src, proto, port or ICMP type) -> dest`` and ``("ports", src, dest) -> (proto, port)``:
  denied probes (horizontal and vertical scans), across devices; a permitted probe counts in neither
  but is read against them;
- ``("spread", proto, port) -> src`` and ``("spread_dests", proto, port) -> dest``: denied probes of
  one service from many sources (distributed scans), not answer-shaped ones;
- ``("intf", dvc, interface, kind) -> src``: sources arriving on an interface, ``kind`` public or
  private (RFC 1918, 100.64/10): a private source on an interface of Internet sources is spoofed.

Memory: one aggregate per key and bucket it was seen in, each with at most ``2 x DISTINCT_CAP`` values:
it grows with keys x buckets, never with events.
"""
from sys import intern
from typing import Optional

from acltrace.memo import remember
from acltrace.triage.signatures import private_source, shape

DISTINCT_CAP = 64      # distinct values an aggregate keeps (at least every rule's threshold) ...
_TRIM_AT = 2 * DISTINCT_CAP     # ... cut back to when it holds more than this
CACHE_SIZE = 20_000    # entries a verdict cache keeps for the events after (a bound, not a need)
_PROBES: dict = {}     # (protocol, port or ICMP type) -> itself: the values of the ports keys, shared


def smallest(values: set, cap: int) -> set:
    """The ``cap`` smallest of ``values``: whatever order they came in, the same ones (as ``values()``
    sorts them)."""
    return set(sorted(values)[:cap])


class Agg:
    """One key's counters in one bucket, or merged over a window of buckets. Its distinct values are
    ``one`` while there is only one (most keys: a set costs 200 bytes), then the set ``many``."""
    __slots__ = ("bucket", "events", "packets", "one", "many", "tmin", "tmax", "capped")

    def __init__(self, bucket: int, time: float, value=None, packets: int = 0, events: int = 0,
                 last: Optional[float] = None, capped: bool = False):
        """Empty, or with its first ``events`` (as ``add`` counts them: most keys see one event)."""
        self.bucket = bucket
        self.events = events
        self.packets = packets
        self.one = value
        self.many: Optional[set] = None
        self.tmin = time
        self.tmax = time if last is None or last < time else last
        self.capped = capped       # values beyond DISTINCT_CAP were dropped

    @property
    def values(self) -> set:
        """The distinct values kept (a new set while there is one)."""
        if self.many is not None:
            return self.many
        return set() if self.one is None else {self.one}

    def add(self, value, packets: int, time: float, events: int = 1, last: Optional[float] = None,
            capped: bool = False) -> None:
        """Count ``events`` events (one, or a summary row's share: from ``time`` to ``last``, ``capped``
        when the row kept only some of its values) with ``value``."""
        self.events += events
        self.packets += packets
        if capped:
            self.capped = True
        if value is not None:
            many = self.many
            if many is not None:
                many.add(value)
                if len(many) > _TRIM_AT:
                    self._trim()
            elif self.one is None:
                self.one = value
            elif value != self.one:
                self.many, self.one = {self.one, value}, None
        if time < self.tmin:
            self.tmin = time
        elif time > self.tmax:
            self.tmax = time
        if last is not None and last > self.tmax:
            self.tmax = last

    def merge(self, other: "Agg") -> None:
        self.events += other.events
        self.packets += other.packets
        theirs = other.values
        if theirs:
            mine = self.values
            mine |= theirs
            self.many, self.one = mine, None
            if len(mine) > _TRIM_AT:
                self._trim()
        self.capped = self.capped or other.capped
        self.tmin, self.tmax = min(self.tmin, other.tmin), max(self.tmax, other.tmax)

    def _trim(self) -> None:
        """Keep the smallest DISTINCT_CAP values: those the whole stream's smallest come from."""
        self.many = smallest(self.many, DISTINCT_CAP)
        self.capped = True

    def distinct(self) -> tuple:
        """(number of distinct values, at most DISTINCT_CAP; True when there were more)."""
        n = len(self.many) if self.many is not None else int(self.one is not None)
        return min(n, DISTINCT_CAP), self.capped or n > DISTINCT_CAP

    def seconds(self) -> float:
        return self.tmax - self.tmin


def prefix(ip: str) -> str:
    """The /16 of an IPv4 address ('10.20.0.0/16'), the /48 of an IPv6 one ('2001:db8:1::/48')."""
    if ":" in ip:
        groups = ip.lower().split(":")[:3]
        return ":".join(groups) + "::/48" if len(groups) == 3 and "" not in groups else ip.lower()
    parts = ip.split(".")
    return f"{parts[0]}.{parts[1]}.0.0/16" if len(parts) == 4 else ip


def as_packets(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def event_keys(ev: dict) -> dict:
    """The keys ``ev`` counts in (see the module doc), by kind: {kind: (key, value)}; value None: read,
    not counted."""
    dest = ev.get("dest_ip")
    found = shape(ev) if dest else None
    if found is None:                       # no destination, or a late packet of a session
        return {}
    answer, probe = found
    src, dest = intern(ev["src_ip"]), intern(dest)      # one string per address, however many events name it
    denied = ev.get("action") != "allowed"
    keys: dict = {}
    if answer is not None:
        keys["victim"] = (("victim", src), dest)
        if denied:
            keys["net"] = (("net", prefix(dest)), src)
    if probe is not None:
        probe = _PROBES.setdefault(probe, probe) if len(_PROBES) < 2**18 else probe   # one tuple each
        protocol, port = probe
        if denied:
            keys["hosts"] = (("hosts", src, protocol, port), dest)
            keys["ports"] = (("ports", src, dest), probe)
            if answer is None:              # distributed scanners probe from ephemeral ports
                keys["spread"] = (("spread", protocol, port), src)
                keys["spread_dests"] = (("spread_dests", protocol, port), dest)
        else:
            keys["hosts"] = (("hosts", src, protocol, port), None)
            keys["ports"] = (("ports", src, dest), None)
            if protocol != "icmp":
                keys["peers"] = (("peers", dest), src)      # the server dest talks with src
    interface = ev.get("src_interface")
    if interface:
        kind = "private" if private_source(src) else "public"
        keys["intf"] = (("intf", ev.get("dvc") or ev.get("host") or "", interface, kind), src)
    return keys


class Aggregates:
    """Aggregates per key and bucket (``add``), merged over a window of buckets (``window``)."""

    def __init__(self, width: float):
        self.width = width
        self._aggs: dict = {}       # key -> its Agg when in one bucket, else {bucket: Agg}
        self._merged: dict = {}     # (key, first, last bucket) -> the merged Agg (a cache)

    def add(self, keys: dict, packets: int, time: float, bucket: int, events: int = 1,
            last: Optional[float] = None, capped: bool = False) -> None:
        """Count ``events`` events (one, or a summary row's share: see ``Agg.add``) in ``bucket``, in the
        aggregate of each key of ``keys`` (``event_keys``) that has a value."""
        all_aggs = self._aggs
        for key, value in keys.values():
            if value is None:
                continue
            entry = all_aggs.get(key)
            if entry is None:                   # most keys: one bucket, held as its bare Agg
                all_aggs[key] = Agg(bucket, time, value, packets, events, last, capped)
            elif type(entry) is Agg:
                if entry.bucket == bucket:
                    entry.add(value, packets, time, events, last, capped)
                else:
                    all_aggs[key] = {entry.bucket: entry,
                                     bucket: Agg(bucket, time, value, packets, events, last, capped)}
            else:
                agg = entry.get(bucket)
                if agg is None:
                    entry[bucket] = Agg(bucket, time, value, packets, events, last, capped)
                else:
                    agg.add(value, packets, time, events, last, capped)

    def window(self, key: tuple, first: int, last: int) -> Optional[Agg]:
        """``key``'s aggregate over buckets ``first`` to ``last``, or None when it has no events there."""
        entry = self._aggs.get(key)
        if entry is None:
            return None
        if type(entry) is Agg:
            return entry if first <= entry.bucket <= last else None
        cached = (key, first, last)
        merged = self._merged.get(cached, False)
        if merged is False:
            merged = None
            for bucket, agg in entry.items():
                if first <= bucket <= last:
                    if merged is None:
                        merged = Agg(bucket, agg.tmin)
                    merged.merge(agg)
            remember(self._merged, cached, merged, CACHE_SIZE)
        return merged

    def total(self, key: tuple) -> int:
        """``key``'s events over every bucket: an upper bound of what any window of it counts."""
        entry = self._aggs.get(key)
        if entry is None:
            return 0
        return entry.events if type(entry) is Agg else sum(agg.events for agg in entry.values())

    def most(self, key: tuple) -> int:
        """An upper bound of the distinct values any window of ``key`` counts (``Agg.distinct``'s first)."""
        entry = self._aggs.get(key)
        if entry is None:
            return 0
        return entry.distinct()[0] if type(entry) is Agg else sum(agg.distinct()[0] for agg in entry.values())

    def buckets(self, key: tuple) -> list:
        """The buckets ``key`` has events in."""
        entry = self._aggs.get(key)
        if entry is None:
            return []
        return [entry.bucket] if type(entry) is Agg else list(entry)

    def size(self) -> int:
        """Aggregates + distinct values held: what the memory bound counts."""
        aggs = [agg for entry in self._aggs.values() for agg in (entry.values() if type(entry) is dict else (entry,))]
        return len(aggs) + sum(len(agg.values) for agg in aggs) + len(self._merged)
