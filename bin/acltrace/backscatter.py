"""Tell Blaster backscatter, other backscatter, spoofed sources and scans apart (DESIGN.md section 4).

Each ACL event (a dict from ``parser.parse_event``) gets three fields:
``bs_label`` (``LABELS``), ``bs_reason`` (one line naming the facts that matched) and
``bs_confidence`` (0-1, written with two decimals).

Rules that one event decides (``label_one``), in this order:

1. ``blaster_signature``: a TCP answer from the sinkhole 127.0.0.1 port 80 to a destination port
   1000-1999 (IOS ``denied tcp 127.0.0.1(80) -> x(1515), 1 packet``; ASA 106015 ``Deny TCP (no
   connection) from 127.0.0.1/80 ... flags RST``): Blaster's SYN flood against windowsupdate.com,
   resolved to 127.0.0.1, answered by the infected host's own stack -> ``blaster_backscatter``.
2. ``blaster_flood_signature``: SYNs to 255.255.255.255:80 from source ports 1000-1999 (the flood
   itself when windowsupdate.com does not resolve; the sources are spoofed inside the infected
   host's /16) -> ``blaster_backscatter``.
3. ``martian_source`` (127/8, 0/8, 169.254/16, 224/4, 240/4; ::1, ::, ff00::/8) or the device's own
   spoof verdict (ASA 106016): answer-shaped -> ``backscatter`` (a sinkholed or spoofed stack
   answering), otherwise ``spoofed_source``.

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
  source's keys are labelled ``scan``, the permitted ones too.
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
emission needs), and aggregates for at most 2 x buckets + 2 buckets, each one entry per key seen
in that bucket; an entry holds counters and at most ``BUCKET_DISTINCT_CAP`` distinct destinations.
So the state is O(events per window + keys per window x buckets x cap), independent of how many
events the stream has: buckets behind the oldest held event's window are dropped as it moves.
"""
import ipaddress
import math
from collections import deque
from functools import lru_cache
from typing import Optional

LABELS = ("blaster_backscatter", "backscatter", "spoofed_source", "scan", "none")
# The event fields the classifier reads (a caller may pass events holding only these).
READS = ("action", "dest_ip", "dest_port", "dvc", "icmp_type", "packets", "protocol_version", "reason",
         "src_ip", "src_port", "tcp_flag", "transport", "vendor_action")

SINKHOLE = "127.0.0.1"                  # where the "sinkhole windowsupdate.com" advice sent Blaster's flood
BLASTER_SOURCE_PORTS = range(1000, 2000)  # Blaster: source port 1000 + rand() % 1000
BLASTER_BROADCAST = "255.255.255.255"   # the flood's target when windowsupdate.com does not resolve

MARTIAN_SOURCES = tuple((ipaddress.ip_network(net), what) for net, what in (
    ("127.0.0.0/8", "loopback"),
    ("0.0.0.0/8", "'this network' (unspecified)"),
    ("169.254.0.0/16", "link-local"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved/broadcast"),
    ("::1/128", "loopback"),
    ("::/128", "unspecified"),
    ("ff00::/8", "multicast"),
))

ICMP_ANSWERS = {"0": "echo reply", "3": "destination unreachable", "4": "source quench",
                "5": "redirect", "11": "time exceeded", "12": "parameter problem"}
ICMP6_ANSWERS = {"1": "destination unreachable", "2": "packet too big", "3": "time exceeded",
                 "4": "parameter problem", "129": "echo reply"}
ICMP_REQUESTS = {"8": "echo", "13": "timestamp", "15": "information", "17": "address mask", "128": "echo"}
# Services above 1023 that answer from a fixed port (a reply from them is answer-shaped).
HIGH_SERVICE_PORTS = frozenset((1433, 1521, 1723, 3306, 3389, 5060, 5432, 5900, 6667, 8000, 8080, 8443, 8888))

BACKSCATTER_MIN_PACKETS = 25    # CAIDA: >= 25 packets ...
BACKSCATTER_MIN_SECONDS = 60.0  # ... over >= 60 s per victim
BACKSCATTER_MIN_DESTS = 10      # answers to many spoofed addresses, not one late client or host
SCAN_MIN_PORTS = 8              # vertical: denied probes to this many ports of one host
SCAN_MIN_HOSTS = 8              # horizontal: denied probes to this many hosts on one port
BUCKET_DISTINCT_CAP = 64        # distinct destinations kept per key and bucket
DISTINCT_CAP = 512              # distinct destinations counted per key and window ("512+")


# --- facts about one event -------------------------------------------------------------------

def _int(value) -> Optional[int]:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def is_ephemeral(port: Optional[int]) -> bool:
    """A client-side port: 1024 and up (Windows XP used 1025-5000; IANA's own range starts at 49152)."""
    return port is not None and port >= 1024 and port not in HIGH_SERVICE_PORTS


def is_service_port(port: Optional[int]) -> bool:
    """A server's fixed port: well known (< 1024) or a common service above it (``HIGH_SERVICE_PORTS``)."""
    return port is not None and (0 < port < 1024 or port in HIGH_SERVICE_PORTS)


def is_icmp(ev: dict) -> bool:
    return ev.get("transport", "") in ("icmp", "icmp6", "icmpv6", "ipv6-icmp", "1", "58")


_MARTIAN_V4 = {"127": "loopback", "0": "'this network' (unspecified)"}
_MARTIAN_V4.update(dict.fromkeys(map(str, range(224, 240)), "multicast"))
_MARTIAN_V4.update(dict.fromkeys(map(str, range(240, 256)), "reserved/broadcast"))


def martian_source(ip: str) -> Optional[str]:
    """What kind of address ``ip`` is when it can never be a packet's real source, else None.

    IPv4 is read from its first octets (once per event, so no ``ipaddress`` object); IPv6, rare in
    ACL logs, through ``MARTIAN_SOURCES``."""
    if ":" not in ip:
        first, _, rest = ip.partition(".")
        if first == "169":
            return "link-local" if rest.startswith("254.") else None
        return _MARTIAN_V4.get(first) if rest else None
    return _martian_v6(ip)


@lru_cache(maxsize=4096)
def _martian_v6(ip: str) -> Optional[str]:
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return None
    for net, what in MARTIAN_SOURCES:
        if addr.version == net.version and addr in net:
            return what
    return None


def blaster_signature(ev: dict) -> Optional[str]:
    """The reason when ``ev`` is Blaster's RST from the 127.0.0.1:80 sinkhole to a spoofed port 1000-1999."""
    if ev.get("src_ip") != SINKHOLE or ev.get("transport") != "tcp" or ev.get("src_port") != "80":
        return None
    port = _int(ev.get("dest_port"))
    if port not in BLASTER_SOURCE_PORTS:
        return None
    flags = ev.get("tcp_flag", "").upper()
    if flags and "RST" not in flags:
        return None
    what = "RST" if flags else "TCP (its RST)"
    dest = ev.get("dest_ip", "?")
    return (f"{what} from 127.0.0.1:80 to port {port} (Blaster's 1000-1999) of {dest} in {slash16(dest)}: "
            f"Blaster's SYN flood answered by the infected host's own stack (windowsupdate.com sinkholed "
            f"to 127.0.0.1); the destination is a spoofed address of the infected host's /16, not a scan")


def blaster_flood_signature(ev: dict) -> Optional[str]:
    """The reason when ``ev`` is Blaster's own SYN to 255.255.255.255:80 (windowsupdate.com unresolved)."""
    if ev.get("dest_ip") != BLASTER_BROADCAST or ev.get("transport") != "tcp" or ev.get("dest_port") != "80":
        return None
    port = _int(ev.get("src_port"))
    if port not in BLASTER_SOURCE_PORTS:
        return None
    src = ev.get("src_ip", "?")
    return (f"TCP to 255.255.255.255:80 from port {port} (1000-1999) of {src}: Blaster's SYN flood "
            f"when windowsupdate.com does not resolve; sources are spoofed inside the infected host's "
            f"{slash16(src)}")


def late_session_packet(ev: dict) -> Optional[str]:
    """The flags when ``ev`` is a mid-session TCP packet (ACK, PSH ACK, FIN ACK; no SYN, no RST), else None.

    A stateful device logs these after it has forgotten the connection (ASA 106015 "no connection"
    from a busy server to a client): late packets of a real session, neither answers to spoofed
    SYNs (those are SYN/ACK or RST) nor probes.
    """
    flags = ev.get("tcp_flag", "").upper()
    if ev.get("transport") == "tcp" and flags and "SYN" not in flags and "RST" not in flags \
            and ("ACK" in flags or "FIN" in flags or "PSH" in flags):
        return flags
    return None


def answer_shape(ev: dict) -> Optional[str]:
    """How ``ev`` looks like an answer (RST, SYN/ACK, a service's reply, an ICMP error), else None."""
    transport = ev.get("transport")
    sport, dport = _int(ev.get("src_port")), _int(ev.get("dest_port"))
    if transport == "tcp":
        flags = ev.get("tcp_flag", "").upper()
        if "RST" in flags:
            return f"RST from port {sport}"
        if "SYN" in flags:
            return f"SYN/ACK from port {sport}" if "ACK" in flags else None
        if flags:
            return None                                   # mid-session flags: late_session_packet
        if is_service_port(sport) and is_ephemeral(dport):
            return f"TCP from service port {sport} to ephemeral port {dport}"
        return None
    if transport == "udp":
        if is_service_port(sport) and is_ephemeral(dport):
            return f"UDP from service port {sport} to ephemeral port {dport}"
        return None
    if is_icmp(ev):
        itype = ev.get("icmp_type")
        answers = ICMP6_ANSWERS if ev.get("protocol_version") == "6" else ICMP_ANSWERS
        if itype in answers:
            return f"ICMP {answers[itype]} (type {itype})"
    return None


def probe_shape(ev: dict) -> Optional[tuple]:
    """(protocol, port or ICMP type) that ``ev`` asks for when it is a request, else None."""
    transport = ev.get("transport")
    if transport in ("tcp", "udp"):
        port = ev.get("dest_port")
        return (transport, port) if port is not None else None
    if is_icmp(ev):
        itype = ev.get("icmp_type")
        return ("icmp", itype) if itype in ICMP_REQUESTS else None
    return None


def slash16(ip: str) -> str:
    """'203.0.113.7' -> '203.0.0.0/16' (the spoofed /16 of Blaster); '' for other addresses."""
    parts = ip.split(".")
    return f"{parts[0]}.{parts[1]}.0.0/16" if len(parts) == 4 else ""


def _labels(label: str, reason: str, confidence: float) -> dict:
    return {"bs_label": label, "bs_reason": reason, "bs_confidence": f"{confidence:.2f}"}


def label_one(ev: Optional[dict]) -> Optional[dict]:
    """The labels one event decides (Blaster, martian sources, not an ACL event), or None to ask the window."""
    if not ev or not ev.get("src_ip"):
        return _labels("none", "not an ACL event with a source address", 1.0)
    reason = blaster_signature(ev)
    if reason:
        single = ev.get("packets", "1") == "1" or "RST" in ev.get("tcp_flag", "")
        return _labels("blaster_backscatter", reason, 0.97 if single else 0.9)
    reason = blaster_flood_signature(ev)
    if reason:
        return _labels("blaster_backscatter", reason, 0.9)
    src = ev["src_ip"]
    martian = martian_source(src)
    device_says_spoof = ev.get("reason") == "spoof"
    if martian or device_says_spoof:
        answer = answer_shape(ev)
        if answer and martian:
            return _labels("backscatter", f"{answer} of {martian} source {src} to {ev.get('dest_ip', '?')}: "
                           f"an answer from a stack reached through a sinkhole or a spoofed address", 0.8)
        if martian:
            return _labels("spoofed_source", f"{martian} source {src} cannot come from the wire "
                           f"and the packet is not an answer: spoofed or misrouted", 0.9)
        return _labels("spoofed_source", f"the device dropped it as spoofed (reverse path check) "
                       f"from {src}", 0.95)
    return None


# --- the window --------------------------------------------------------------------------------

class _Agg:
    """One key's counters in one bucket."""
    __slots__ = ("events", "packets", "dests", "tmin", "tmax")

    def __init__(self, time: float):
        self.events = 0
        self.packets = 0
        self.dests: set = set()
        self.tmin = self.tmax = time


class Classifier:
    """Label a stream of (event, time) pairs; see the module doc for the window, order and memory.

    ``feed(event, time)`` returns the (event, labels) pairs that became final; ``finish()`` the
    rest. ``time`` is epoch seconds (Splunk's ``_time``; offline, ``devtime.event_time``).
    """

    def __init__(self, window: float = 300.0, order: str = "auto", keep_order: bool = False,
                 buckets: int = 10):
        if not window > 0:
            raise ValueError(f"window must be > 0 seconds, not {window!r}")
        if order not in ("auto", "asc", "desc"):
            raise ValueError(f"order must be auto, asc or desc, not {order!r}")
        if buckets < 1:
            raise ValueError(f"buckets must be >= 1, not {buckets!r}")
        self.window = float(window)
        self.keep_order = keep_order
        self._width = self.window / buckets
        self._reach = buckets                       # buckets either side of an event's own
        self._sign = {"asc": 1, "desc": -1}.get(order)
        self._first_bucket: Optional[int] = None
        self._front: Optional[int] = None           # furthest bucket reached, in stream direction (x sign)
        self._pending: deque = deque()              # [event, time, bucket, keys, labels or None]
        self._aggs: dict[tuple, dict] = {}          # key -> bucket -> _Agg
        self._bucket_keys: dict[int, list] = {}     # bucket -> the keys with an _Agg in it (for eviction)
        self._verdicts: dict[int, dict] = {}        # bucket -> key -> verdict over its window

    # public

    def feed(self, event: Optional[dict], time: float) -> list:
        """Take one event; return the (event, labels) pairs that are final now."""
        out: list = []
        labels = label_one(event)
        keys: tuple = ()
        if labels is None:
            keys = self._keys(event)
            if not keys:
                labels = _no_shape(event)                 # nothing to count: final at once
        bucket = math.floor(time / self._width)
        if labels is None:
            if not self._add(keys, event, time, bucket):
                labels = self._label(event, bucket, keys)  # later than the aggregates held
            self._pending.append([event, time, bucket, keys, labels])
        elif self.keep_order and self._pending:
            self._pending.append([event, time, bucket, keys, labels])
        else:
            out.append((event, labels))
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
        entries = sum(len(per_key) + sum(len(a.dests) for a in per_key.values()) for per_key in self._aggs.values())
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
        if self._sign is not None and self._front is not None and \
                self._sign * bucket < self._front - 2 * self._reach:
            return False                                  # its aggregates are gone
        packets = _int(ev.get("packets")) or 1
        late = self._sign is not None and self._front is not None and self._sign * bucket < self._front
        all_aggs = self._aggs
        for key, dest in keys:
            per_key = all_aggs.get(key)
            if per_key is None:
                per_key = all_aggs[key] = {}
            agg = per_key.get(bucket)
            if agg is None:
                agg = per_key[bucket] = _Agg(time)
                self._bucket_keys.setdefault(bucket, []).append(key)
            agg.events += 1
            agg.packets += packets
            if dest is not None and len(agg.dests) < BUCKET_DISTINCT_CAP:
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
        of ``key`` over the window of ``bucket``."""
        cache = self._verdicts.get(bucket)
        if cache is None:
            cache = self._verdicts[bucket] = {}
        verdict = cache.get(key)
        if verdict is None:
            events = packets = 0
            dests: set = set()
            tmin, tmax = math.inf, -math.inf
            low, high = bucket - self._reach, bucket + self._reach
            for b, agg in self._aggs.get(key, {}).items():   # a key lives in a few buckets
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
        if self._sign is None:
            if self._first_bucket is None:
                self._first_bucket = bucket
            elif bucket != self._first_bucket:
                self._sign = 1 if bucket > self._first_bucket else -1
            if self._sign is None:
                return
        at = self._sign * bucket
        moved = self._front is None or at > self._front
        if moved:
            self._front = at
        pending = self._pending
        while pending and (pending[0][4] is not None or self._front - self._sign * pending[0][2] > self._reach):
            out.append(self._final(pending.popleft()))
        if moved:
            self._evict()

    def _evict(self) -> None:
        """Drop the buckets no held or future event's window reaches."""
        oldest = self._front if not self._pending else min(self._front, self._sign * self._pending[0][2])
        keep_from = oldest - self._reach
        for b in [b for b in self._verdicts if self._sign * b < keep_from]:
            del self._verdicts[b]
        all_aggs = self._aggs
        for b in [b for b in self._bucket_keys if self._sign * b < keep_from]:
            for key in self._bucket_keys.pop(b):
                per_key = all_aggs[key]
                del per_key[b]
                if not per_key:
                    del all_aggs[key]

    def _final(self, entry: list) -> tuple:
        event, _time, bucket, keys, labels = entry
        if labels is None:
            labels = self._label(event, bucket, keys)
        return event, labels

    def _label(self, ev: dict, bucket: int, keys: tuple) -> dict:
        """Backscatter when the source's answers make a flood, else scan when its probes make one, else none."""
        kinds = {key[0]: key for key, _ in keys}
        if "victim" not in kinds and "hosts" not in kinds:
            return _no_shape(ev)                          # a permitted reply (it only names peers)
        victim = None
        if "victim" in kinds:
            victim = self._backscatter_label(ev, kinds["victim"], bucket)
        elif is_service_port(_int(ev.get("src_port"))) and ev.get("action") != "allowed":
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
        src, dest = ev["src_ip"], ev.get("dest_ip", "?")
        peers = self._verdict(("peers", key[1], key[2]), bucket)[5]
        if peers and dest in peers:
            return _labels("none", f"{answer} to {dest}, which has permitted traffic with {src} within "
                           f"±{self.window:.0f} s: a late reply in a conversation, not backscatter", 0.8)
        unsolicited = len(values - peers) if peers and values else dests
        packets = round(packets * unsolicited / dests) if dests else packets
        span = (f"{packets} answer(s) from {src} to {unsolicited}{'+' if capped else ''} address(es) "
                f"that have no permitted traffic with it, over {seconds:.0f} s")
        if packets >= BACKSCATTER_MIN_PACKETS and seconds >= BACKSCATTER_MIN_SECONDS and \
                unsolicited >= BACKSCATTER_MIN_DESTS:
            spread = min(1.0, unsolicited / max(1, events))
            confidence = 0.75 + 0.2 * spread + 0.04 * min(1.0, packets / (4 * BACKSCATTER_MIN_PACKETS))
            return _labels("backscatter", f"{answer} to {dest}: one of {span} within "
                           f"±{self.window:.0f} s (>= {BACKSCATTER_MIN_PACKETS} over >= "
                           f"{BACKSCATTER_MIN_SECONDS:.0f} s): {src} is answering a spoofed-source flood", confidence)
        return _labels("none", f"{answer}, denied, but only {span} within ±{self.window:.0f} s: "
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
                return _labels("none", f"{_traffic(ev)}: ordinary traffic, no denied probes from {src} "
                               f"within ±{self.window:.0f} s", 0.9)
            return _labels("none", f"{_traffic(ev)}: {src} was denied on {hosts} host(s) for this port and "
                           f"{ports} port(s) of this host within ±{self.window:.0f} s, below a scan's "
                           f"{SCAN_MIN_HOSTS} hosts or {SCAN_MIN_PORTS} ports", 0.8)
        confidence = min(0.99, 0.7 + 0.1 * strength)
        sport = _int(ev.get("src_port"))
        from_port = " from ephemeral ports" if is_ephemeral(sport) else ""
        return _labels("scan", f"{target} by {src}{from_port} over {seconds:.0f} s "
                       f"(denied probes within ±{self.window:.0f} s): {_traffic(ev)}", confidence)


def _traffic(ev: dict) -> str:
    dest = ev.get("dest_ip", "?")
    port = ev.get("dest_port")
    what = ev.get("transport", "ip")
    if port is not None:
        return f"{ev.get('vendor_action', 'logged')} {what} to {dest}:{port}"
    if ev.get("icmp_type") is not None:
        return f"{ev.get('vendor_action', 'logged')} {what} type {ev['icmp_type']} to {dest}"
    return f"{ev.get('vendor_action', 'logged')} {what} to {dest}"


def _no_shape(ev: dict) -> dict:
    flags = late_session_packet(ev)
    if flags:
        return _labels("none", f"TCP {flags} from {ev['src_ip']}:{ev.get('src_port', '?')} to "
                       f"{ev.get('dest_ip', '?')}:{ev.get('dest_port', '?')}: a late packet of a connection the "
                       f"device no longer tracks, not an answer to spoofed traffic and not a probe", 0.9)
    answer = answer_shape(ev)
    if answer:
        return _labels("none", f"{answer} permitted by the device: a reply within a connection it knows", 0.85)
    return _labels("none", f"{_traffic(ev)}: neither an answer to spoofed traffic nor a probe of a "
                   f"scan (no ports or ICMP request to count)", 0.9)
