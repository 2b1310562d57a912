"""Tell Blaster backscatter, other backscatter, spoofed sources and scans apart (docs/DESIGN.md section 4).

Each ACL event (a dict from ``parser.parse_event``; an empty value counts as absent, as in Splunk)
gets three fields: ``bs_label`` (``LABELS``), ``bs_reason`` (one line naming the facts that matched)
and ``bs_confidence`` (0-1, written with two decimals).

Rules that one event decides are ``signatures.label_one``'s (Blaster's signature, martian sources).

Rules that take many events are read from a sliding window over the stream (``Classifier``):

- ``backscatter`` (after CAIDA, Moore et al.): ``answer_shape`` events (TCP RST or SYN/ACK, a reply
  from a service port to an ephemeral port where no flags are logged, ICMP echo reply and errors
  3, 4, 5, 11, 12; not a ``late_session_packet`` such as ASA 106015 "FIN ACK") denied
  by the device, from one victim (dvc, src_ip), at least ``BACKSCATTER_MIN_PACKETS`` packets over
  at least ``BACKSCATTER_MIN_SECONDS`` to at least ``BACKSCATTER_MIN_DESTS`` destinations that have
  no permitted traffic with the victim in the window (backscatter is unsolicited: an answer to a
  host in a conversation with the source is a late reply). A permitted answer belongs to a
  connection the device knows, so it is not backscatter. A denied
  packet from the victim's service port to a service port (a spoofed source port that happened
  to be 3389) is the same flood when the victim's answers make one. Destinations are counted as
  addresses: a flood's spoofed sources are many hosts, a scan from port 80 (``nmap -g 80``) is not.
- ``scan``: ``probe_shape`` events from one source (answer-shaped TCP/UDP ones too, when their
  source is not a flood's victim): denied probes to at least ``SCAN_MIN_PORTS``
  ports of one host (vertical) or to at least ``SCAN_MIN_HOSTS`` hosts on one port or ICMP request
  type (horizontal; an ICMP echo sweep is the Welchia/Nachi pattern). All events of a scanning
  source's keys are labelled ``scan``, the permitted ones too (they are not counted: a key's
  aggregates hold its denied probes only).
- anything else is ``none``, with the reason it is not one of the above.

The window. An event at time t is labelled from the aggregates of its keys over [t - window,
t + window], rounded out to whole buckets of ``window / buckets`` seconds aligned on the epoch, so
the set of buckets depends on t alone and the labels are the same whichever way the stream runs.
Delayed emission: ``feed`` holds an event until the stream has moved more than ``window`` (plus one
bucket) past it, then returns it with its labels; ``finish`` returns the rest. Events that one
event decides are returned at once (``keep_order=False``, the default) or in arrival order
(``keep_order=True``).

Order. ``order="desc"`` (Splunk's newest-first), ``"asc"`` (log files), or ``"auto"`` (the default):
the direction of the first bucket change decides, and the events before it are held. The labels
are exact when the stream is sorted either way, as Splunk's results are. An event against the
direction (late) is added to the aggregates still held and labelled when due; one later than the
held aggregates reach is labelled from what is held.

Memory bound. Held: the events of the last window and up to two buckets (``held()``, what delayed
emission needs; at most ``MAX_HELD``, past which the oldest is labelled early), and aggregates for
at most 2 x buckets + 2 buckets, each one entry per key seen in that bucket; an entry holds counters
and at most ``BUCKET_DISTINCT_CAP`` distinct destinations. So the state is O(events per window +
keys per window x buckets x cap), independent of how many events the stream has: buckets behind the
oldest held event's window are dropped as it moves.
"""
import math
from collections import deque
from typing import Optional

from acltrace.triage.direction import Direction
from acltrace.triage.signatures import (
    ICMP_REQUESTS,
    answer_shape,
    as_int,
    is_ephemeral,
    is_service_port,
    label_one,
    late_session_packet,
    make_labels,
    no_shape,
    probe_shape,
    traffic,
)

LABELS = ("blaster_backscatter", "backscatter", "spoofed_source", "scan", "none")
# Events held at most (the window's worth that delayed emission needs, ~3 KB each in the backscatter
# command): past it the oldest is labelled from the aggregates so far, before its window has passed,
# and counted in ``released_early``. Bounds memory when one window holds more events (a flood).
MAX_HELD = 200_000
# The event fields the classifier reads (a caller may pass events holding only these).
READS = ("action", "dest_ip", "dest_port", "dvc", "icmp_type", "packets", "protocol_version", "reason",
         "src_ip", "src_port", "tcp_flag", "transport", "vendor_action")

BACKSCATTER_MIN_PACKETS = 25    # CAIDA: >= 25 packets ...
BACKSCATTER_MIN_SECONDS = 60.0  # ... over >= 60 s per victim
BACKSCATTER_MIN_DESTS = 10      # answers to many spoofed addresses, not one late client or host
SCAN_MIN_PORTS = 8              # vertical: denied probes to this many ports of one host
SCAN_MIN_HOSTS = 8              # horizontal: denied probes to this many hosts on one port
BUCKET_DISTINCT_CAP = 64        # distinct destinations kept per key and bucket
DISTINCT_CAP = 512              # distinct destinations counted per key and window ("512+")


# --- the window --------------------------------------------------------------------------------

_NO_VERDICT = (0, 0, 0, False, 0.0, None)   # a key with no events in the window
_BELOW_SCAN = f"below a scan's {SCAN_MIN_HOSTS} hosts or {SCAN_MIN_PORTS} ports"


class _Agg:
    """One key's counters in one bucket."""
    __slots__ = ("bucket", "events", "packets", "dests", "tmin", "tmax")

    def __init__(self, bucket: int, time: float):
        self.bucket = bucket
        self.events = 0
        self.packets = 0
        self.dests: set = set()
        self.tmin = self.tmax = time


class Classifier:
    """Label a stream of (event, time) pairs; see the module doc for the window, order and memory.

    ``feed(event, time, item)`` returns the (item, labels) pairs that became final (``item``: what
    the caller wants back for the event, the event itself by default); ``finish()`` the rest.
    ``time`` is epoch seconds (Splunk's ``_time``; offline, ``logs.device_time.event_time``). ``feed``
    raises only before it takes an event (a value it cannot read); an event taken always comes
    out, labelled ``none`` with the error as its reason if labelling it failed.
    """

    def __init__(self, window: float = 300.0, order: str = "auto", keep_order: bool = False,
                 buckets: int = 10, max_held: int = MAX_HELD):
        if not window > 0:
            raise ValueError(f"window must be > 0 seconds, not {window!r}")
        self._direction = Direction(order)          # in bucket numbers
        if buckets < 1:
            raise ValueError(f"buckets must be >= 1, not {buckets!r}")
        self.window = float(window)
        self._span = f"+/-{self.window:.0f} s"          # as reasons write the window
        self.keep_order = keep_order
        self._width = self.window / buckets
        self._reach = buckets                       # buckets either side of an event's own
        self._bucket: Optional[int] = None          # the last event's bucket
        self._pending: deque = deque()              # (event, time, bucket, keys, labels or None, item)
        self._aggs: dict = {}                       # key -> its _Agg, or {bucket: _Agg} when in several
        self._bucket_keys: dict[int, list] = {}     # bucket -> the keys with an _Agg in it (for eviction)
        self._verdicts: dict[int, dict] = {}        # bucket -> key -> verdict over its window
        self.max_held = max_held
        self.released_early = 0                     # events labelled before their window had passed

    # public

    def feed(self, event: Optional[dict], time: float, item=None) -> list:
        """Take one event; return the (item, labels) pairs that are final now."""
        if item is None:
            item = event
        out: list = []
        labels = label_one(event)
        keys: tuple = ()
        if labels is None:
            keys = self._keys(event)
            if not keys:
                labels = no_shape(event)                 # nothing to count: final at once
        bucket = math.floor(time / self._width)
        if labels is None:
            if not self._add(keys, event, time, bucket):
                labels = self._label(event, bucket, keys)  # later than the aggregates held
            self._pending.append((event, time, bucket, keys, labels, item))
        elif self.keep_order and self._pending:
            self._pending.append((event, time, bucket, keys, labels, item))
        else:
            out.append((item, labels))
        pending = self._pending
        if len(pending) > self.max_held:   # more events in one window than memory allows: the oldest goes
            out.append(self._final(pending.popleft()))
            self.released_early += 1
        # events leave when the stream moves to another bucket, or when the first held one is final
        if bucket != self._bucket or (pending and pending[0][4] is not None):
            self._bucket = bucket
            self._advance(bucket, out)
        return out

    def finish(self) -> list:
        """Label and return every event still held."""
        out = [self._final(entry) for entry in self._pending]
        self._pending.clear()
        self._aggs.clear()
        self._bucket_keys.clear()
        self._verdicts.clear()
        return out

    def held(self) -> int:
        """Events waiting for their window to pass."""
        return len(self._pending)

    def state_size(self) -> int:
        """Held events + aggregate entries + distinct values kept: what the memory bound counts."""
        aggs = [agg for entry in self._aggs.values() for agg in (entry.values() if type(entry) is dict else (entry,))]
        entries = len(aggs) + sum(len(agg.dests) for agg in aggs)
        return len(self._pending) + entries + sum(len(v) for v in self._verdicts.values())

    # keys and aggregates

    @staticmethod
    def _keys(ev: dict) -> tuple:
        """(key, distinct value) pairs the event counts in: its victim (answers), its scan keys, and the
        peers a permitted conversation gives each side (a host's answers to its peers are not backscatter)."""
        dvc, src, dest_ip = ev.get("dvc", ""), ev["src_ip"], ev.get("dest_ip")
        blocked = ev.get("action") != "allowed"
        if late_session_packet(ev) or not dest_ip:
            return ()
        answer = answer_shape(ev)
        if answer and not blocked:
            # a reply the device lets through: src is in a conversation with dest
            return ((("peers", dvc, src), dest_ip),) if ev.get("transport") in ("tcp", "udp") else ()
        keys: tuple = ((("victim", dvc, src), dest_ip),) if answer else ()
        probe = probe_shape(ev)
        if probe is not None and not (answer and probe[0] == "icmp"):
            # a scan from a service source port (nmap -g 53) looks like answers: count both ways
            keys += ((("hosts", dvc, src) + probe, dest_ip if blocked else None),
                     (("ports", dvc, src, dest_ip), probe if blocked else None))
            if not blocked and probe[0] != "icmp":
                keys += ((("peers", dvc, dest_ip), src),)   # the server dest talks with src
        return keys

    def _add(self, keys: tuple, ev: dict, time: float, bucket: int) -> bool:
        direction = self._direction
        sign, front = direction.sign, direction.front
        late = sign is not None and front is not None and sign * bucket < front
        if late and sign * bucket < front - 2 * self._reach:
            return False                                  # its aggregates are gone
        packets = as_int(ev.get("packets")) or 1
        all_aggs = self._aggs
        bucket_keys = None
        for key, dest in keys:
            if dest is None:                              # a permitted probe: read, not counted
                continue
            entry = all_aggs.get(key)
            if entry is None:                             # most keys: one bucket, held as its bare _Agg
                agg = all_aggs[key] = _Agg(bucket, time)
            elif type(entry) is _Agg:
                agg = entry
                if entry.bucket != bucket:
                    agg = _Agg(bucket, time)
                    all_aggs[key] = {entry.bucket: entry, bucket: agg}
            else:
                agg = entry.get(bucket)
                if agg is None:
                    agg = entry[bucket] = _Agg(bucket, time)
            if not agg.events:                            # new: listed under its bucket for eviction
                if bucket_keys is None:
                    bucket_keys = self._bucket_keys.get(bucket)
                    if bucket_keys is None:
                        bucket_keys = self._bucket_keys[bucket] = []
                bucket_keys.append(key)
            agg.events += 1
            agg.packets += packets
            if len(agg.dests) < BUCKET_DISTINCT_CAP:
                agg.dests.add(dest)
            if time < agg.tmin:
                agg.tmin = time
            elif time > agg.tmax:
                agg.tmax = time
            if late:                                      # verdicts already read are stale
                for b in range(bucket - self._reach, bucket + self._reach + 1):
                    self._verdicts.get(b, {}).pop(key, None)
        return True

    def _verdict(self, key: tuple, bucket: int) -> tuple:
        """(events, packets, distinct, capped, seconds, the distinct values for victim/peers keys or None)
        of ``key`` over the window of ``bucket``. Most keys live in one bucket (a source seen once):
        their verdict is that bucket's counters, read without the cache."""
        entry = self._aggs.get(key)
        if entry is None:
            return _NO_VERDICT
        if type(entry) is _Agg:
            if abs(entry.bucket - bucket) > self._reach:
                return _NO_VERDICT
            return entry.events, entry.packets, len(entry.dests), False, entry.tmax - entry.tmin, entry.dests
        cache = self._verdicts.get(bucket)
        if cache is None:
            cache = self._verdicts[bucket] = {}
        verdict = cache.get(key)
        if verdict is None:
            events = packets = 0
            dests: set = set()
            tmin, tmax = math.inf, -math.inf
            low, high = bucket - self._reach, bucket + self._reach
            for b, agg in entry.items():   # a key lives in a few buckets
                if b < low or b > high:
                    continue
                events += agg.events
                packets += agg.packets
                if len(dests) < DISTINCT_CAP:
                    dests |= agg.dests
                tmin, tmax = min(tmin, agg.tmin), max(tmax, agg.tmax)
            capped = len(dests) >= DISTINCT_CAP
            verdict = cache[key] = (events, packets, min(len(dests), DISTINCT_CAP), capped,
                                    max(0.0, tmax - tmin), dests if key[0] in ("victim", "peers") else None)
        return verdict

    # emission

    def _advance(self, bucket: int, out: list) -> None:
        direction = self._direction
        moved = direction.reach(bucket)
        sign = direction.sign
        if sign is None:
            return
        pending, due = self._pending, direction.front - self._reach   # due: buckets before it
        final = self._final
        while pending and (pending[0][4] is not None or sign * pending[0][2] < due):
            out.append(final(pending.popleft()))
        if moved:
            self._evict()

    def _evict(self) -> None:
        """Drop the buckets no held or future event's window reaches."""
        sign, front = self._direction.sign, self._direction.front
        oldest = front if not self._pending else min(front, sign * self._pending[0][2])
        keep_from = oldest - self._reach
        for b in [b for b in self._verdicts if sign * b < keep_from]:
            del self._verdicts[b]
        all_aggs = self._aggs
        for b in [b for b in self._bucket_keys if sign * b < keep_from]:
            for key in self._bucket_keys.pop(b):
                entry = all_aggs.pop(key)
                if type(entry) is dict:                  # b is not its only bucket: it stays
                    del entry[b]
                    all_aggs[key] = entry if len(entry) > 1 else next(iter(entry.values()))

    def _final(self, entry: tuple) -> tuple:
        event, _time, bucket, keys, labels, item = entry
        if labels is None:
            try:
                labels = self._label(event, bucket, keys)
            except Exception as error:  # one event's bad value must not lose the events after it
                labels = make_labels("none", f"could not be labelled ({type(error).__name__}: {error})", 0.0)
        return item, labels

    def _label(self, ev: dict, bucket: int, keys: tuple) -> dict:
        """Backscatter when the source's answers make a flood, else scan when its probes make one, else none."""
        kinds = {key[0]: key for key, _ in keys}
        if "victim" not in kinds and "hosts" not in kinds:
            return no_shape(ev)                          # a permitted reply (it only names peers)
        victim = None
        if "victim" in kinds:
            victim = self._backscatter_label(ev, kinds["victim"], bucket)
        elif ev.get("action") != "allowed" and is_service_port(as_int(ev.get("src_port"))):
            # a spoofed source port that happened to be a service port: the same flood, if there is one
            flood = self._backscatter_label(ev, ("victim", ev.get("dvc", ""), ev["src_ip"]), bucket)
            if flood["bs_label"] == "backscatter":
                return flood
        if victim is not None and (victim["bs_label"] == "backscatter" or "hosts" not in kinds):
            return victim
        scan = self._scan_label(ev, kinds["hosts"], kinds["ports"], bucket)
        return victim if victim is not None and scan["bs_label"] == "none" else scan

    def _backscatter_label(self, ev: dict, key: tuple, bucket: int) -> dict:
        events, packets, dests, capped, seconds, values = self._verdict(key, bucket)
        answer = answer_shape(ev) or f"{ev.get('transport')} from service port {ev.get('src_port')}"
        src, dest = ev["src_ip"], ev.get("dest_ip") or "?"
        peers = self._verdict(("peers", key[1], key[2]), bucket)[5]
        if peers and dest in peers:
            return make_labels("none", f"{answer} to {dest}, which has permitted traffic with {src} within "
                               f"{self._span}: a late reply in a conversation, not backscatter", 0.8)
        unsolicited = len(values - peers) if peers and values else dests
        packets = round(packets * unsolicited / dests) if dests else packets
        span = (f"{packets} answer(s) from {src} to {unsolicited}{'+' if capped else ''} address(es) "
                f"that have no permitted traffic with it, over {seconds:.0f} s")
        if packets >= BACKSCATTER_MIN_PACKETS and seconds >= BACKSCATTER_MIN_SECONDS and \
                unsolicited >= BACKSCATTER_MIN_DESTS:
            spread = min(1.0, unsolicited / max(1, events))
            confidence = 0.75 + 0.2 * spread + 0.04 * min(1.0, packets / (4 * BACKSCATTER_MIN_PACKETS))
            return make_labels("backscatter", f"{answer} to {dest}: one of {span} within "
                               f"{self._span} (>= {BACKSCATTER_MIN_PACKETS} over >= "
                               f"{BACKSCATTER_MIN_SECONDS:.0f} s): {src} is answering a spoofed-source flood",
                               confidence)
        return make_labels("none", f"{answer}, denied, but only {span} within {self._span}: "
                           f"a stray answer, not a flood's backscatter", 0.6)

    def _scan_label(self, ev: dict, hosts_key: tuple, ports_key: tuple, bucket: int) -> dict:
        src = ev["src_ip"]
        _, _, hosts, hosts_capped, hosts_seconds, _ = self._verdict(hosts_key, bucket)
        _, _, ports, ports_capped, ports_seconds, _ = self._verdict(ports_key, bucket)
        horizontal = hosts >= SCAN_MIN_HOSTS
        vertical = ports >= SCAN_MIN_PORTS
        if horizontal and (not vertical or hosts / SCAN_MIN_HOSTS >= ports / SCAN_MIN_PORTS):
            proto, what = hosts_key[3], hosts_key[4]
            n = f"{hosts}{'+' if hosts_capped else ''}"
            if proto == "icmp":
                target = (f"ICMP {ICMP_REQUESTS.get(what, what)} sweep of {n} hosts"
                          + (" (Welchia/Nachi-style)" if what == "8" else ""))
            else:
                target = f"horizontal scan of {proto} port {what} on {n} hosts"
            strength = hosts / SCAN_MIN_HOSTS
            seconds = hosts_seconds
        elif vertical:
            n = f"{ports}{'+' if ports_capped else ''}"
            target = f"vertical scan of {n} ports of {ev.get('dest_ip')}"
            strength = ports / SCAN_MIN_PORTS
            seconds = ports_seconds
        else:
            if hosts == ports == 0:
                return make_labels("none", f"{traffic(ev)}: ordinary traffic, no denied probes from {src} "
                                   f"within {self._span}", 0.9)
            return make_labels("none", f"{traffic(ev)}: {src} was denied on {hosts} host(s) for this port and "
                               f"{ports} port(s) of this host within {self._span}, {_BELOW_SCAN}", 0.8)
        confidence = min(0.99, 0.7 + 0.1 * strength)
        sport = as_int(ev.get("src_port"))
        from_port = " from ephemeral ports" if is_ephemeral(sport) else ""
        return make_labels("scan", f"{target} by {src}{from_port} over {seconds:.0f} s "
                           f"(denied probes within {self._span}): {traffic(ev)}", confidence)
