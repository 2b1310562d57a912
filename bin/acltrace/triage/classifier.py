"""Tell Blaster backscatter, other backscatter, spoofed sources and scans apart (docs/DESIGN.md section 4).

Each ACL event (a dict from ``parser.parse_event``; an empty value counts as absent, as in Splunk)
gets three fields: ``bs_label`` (``LABELS``), ``bs_reason`` (one line naming the facts that matched)
and ``bs_confidence`` (0-1, written with two decimals).

Two passes, so that no label depends on the order of the events (file order, Splunk's
newest-first, shuffled: the same labels):

1. ``add(event, time)`` counts the event in the aggregates of its keys (``aggregates``), in its
   bucket of ``window`` seconds;
2. ``label(event, time)`` reads those aggregates over windows at several scales around the event's
   time (``scales``: its bucket and the ones either side, at ``window``, 1 h and 6 h) and gives the
   first rule that holds at any scale, with the counts and the window in its reason:

- one event decides (``signatures.label_one``): Blaster's signatures, martian sources; a Blaster
  event dated outside the original worm's trigger days says so, with less confidence;
- ``backscatter`` (after CAIDA, Moore et al.): answers from one victim, denied or let through (a
  stateless ``established`` entry passes SYN/ACKs), at least ``BACKSCATTER_MIN_ANSWERS`` lines over
  at least ``BACKSCATTER_MIN_SECONDS`` to at least ``BACKSCATTER_MIN_DESTS`` addresses that never
  sent it a permitted request (within the widest window). Answers are lines, not packets: a summary
  line of N packets is one flow. Permitted answers also need about one packet per address
  (``PERMITTED_PACKETS_PER_DEST``): real replies carry many. Or carpet bombing: denied answers from
  at least ``CARPET_MIN_VICTIMS`` sources into one /16, each at most ``CARPET_MAX_ANSWERS``
  times. Floods are dense: these two rules read the two narrower windows only;
- ``spoofed_source``: a private or shared-space source (RFC 1918, 100.64/10) on an interface whose
  sources are public (at least ``INTERNET_MIN_SOURCES``, private ones under ``INTERNET_MAX_PRIVATE``
  of its events);
- ``scan``: denied probes from one source, across devices, to at least ``SCAN_MIN_TARGETS`` (per
  scale) hosts on one port or ICMP request type (horizontal; an ICMP echo sweep is Welchia's) or ports
  of one host (vertical); every probe of a scanning source is labelled ``scan``, the permitted ones
  too, when its probes mostly reach new targets (``SCAN_MIN_SPREAD``: a client retrying a few
  denied servers for hours is not a scan); or a distributed scan: one service probed by at least
  ``DISTRIBUTED_MIN_SOURCES`` sources on at least ``DISTRIBUTED_MIN_DESTS`` hosts;
- anything else is ``none``, with the reason it is not one of the above.

An event without a time (``time`` None: a stamp that could not be placed) is kept out of the
aggregates (``add`` counts it in ``unplaced``) and labelled by what it shows alone.
Memory: the aggregates (keys x buckets, see ``aggregates``) and one list of keys per source that
probes, never the events.
"""
import math
from typing import Optional

from acltrace.memo import remember
from acltrace.triage.aggregates import CACHE_SIZE, Aggregates, as_packets, event_keys, prefix
from acltrace.triage.signatures import (
    ICMP_REQUESTS,
    answer_shape,
    as_int,
    is_ephemeral,
    is_service_port,
    label_one,
    make_labels,
    no_shape,
    private_source,
    traffic,
)

LABELS = ("blaster_backscatter", "backscatter", "spoofed_source", "scan", "none")
# The event fields the classifier reads (a caller may pass events holding only these).
READS = ("action", "dest_host", "dest_ip", "dest_port", "dvc", "host", "icmp_type", "packets",
         "protocol_version", "reason", "src_interface", "src_ip", "src_port", "tcp_flag", "transport",
         "vendor_action")

COARSE_SCALES = (3600.0, 21600.0)   # 1 h and 6 h, beside the finest scale (the window)
BACKSCATTER_MIN_ANSWERS = 25        # CAIDA: >= 25 packets ...
BACKSCATTER_MIN_SECONDS = 60.0      # ... over >= 60 s per victim
BACKSCATTER_MIN_DESTS = 10          # answers to many spoofed addresses, not one late client
PERMITTED_PACKETS_PER_DEST = 3      # let-through answers: a flood's are one or two per address
CARPET_MIN_VICTIMS = 30             # sources answering into one /16: carpet bombing ...
CARPET_MAX_ANSWERS = 5              # ... each a few times (a source with more is judged on its own)
INTERNET_MIN_SOURCES = 20           # an interface with this many public sources faces the Internet ...
INTERNET_MAX_PRIVATE = 0.05         # ... when private sources are at most this share of its events
SCAN_MIN_TARGETS = (8, 20, 40)      # hosts on one port, or ports of one host, per scale
SCAN_MIN_SPREAD = 0.5               # ... each probed about once: new targets per denied probe
DISTRIBUTED_MIN_SOURCES = 50        # one service probed by this many sources ...
DISTRIBUTED_MIN_DESTS = 50          # ... on this many hosts: a distributed (Mirai-like) scan


def _duration(seconds: float) -> str:
    return f"{seconds / 3600:g} h" if seconds >= 3600 else f"{seconds / 60:g} min"


class Classifier:
    """Label ACL events in two passes (see the module doc): ``add`` every event, then ``label`` each.

    ``time`` is epoch seconds (Splunk's ``_time``; offline, the device's time with its year placed),
    or None for a time that could not be placed. ``label`` never raises: a failure is ``none`` with
    the error as its reason.
    """

    def __init__(self, window: float = 300.0):
        if not window > 0:
            raise ValueError(f"window must be > 0 seconds, not {window!r}")
        self.window = float(window)
        self.scales = (self.window,) + tuple(s for s in COARSE_SCALES if s > self.window)
        self._spans = {s: f"in the {_duration(3 * s)} around it" for s in self.scales}
        self._aggregates = Aggregates(self.window)
        self._probe_keys: dict = {}     # source -> its hosts/ports keys (a scanner's other probes)
        self._scanners: dict = {}       # (source, first, last bucket) -> its scan, or None (a cache)
        self._reaching: dict = {}       # source -> its probe keys that may reach a scan's targets (a cache)
        self._probed: dict = {}         # source -> its denied probes (a bound on any of its keys' targets)
        self._spreads: dict = {}        # (service key, finest window) -> a distributed scan, or None (a cache)
        self._window_cache: dict = {}   # bucket -> its windows (``_windows``)
        self._whole_scales = all(scale % self.window == 0 for scale in self.scales)
        self.unplaced = 0               # ACL events added without a time

    # pass 1

    def add(self, event: Optional[dict], time: Optional[float], events: int = 1, last: Optional[float] = None,
            capped: bool = False):
        """Count one event, or ``events`` alike from ``time`` to ``last`` (a summary row's share, ``capped``
        when the row kept only some of its addresses: see ``findings``); nothing for an event one rule
        decides alone, or without ACL fields. Returns what ``label`` needs of the event besides the
        aggregates, to hand back as ``known`` (the labels one rule gave it alone, a dict with ``bs_label``
        that ``label`` returns as it is, or its keys by kind, ``event_keys``: dicts, tuples and text, as
        marshal carries them), so the second pass does not work it out again."""
        labels = label_one(event, time)
        if labels is not None:
            return labels
        keys = event_keys(event)
        if time is None:
            self.unplaced += 1
            return keys
        if not keys:
            return keys
        bucket = math.floor(time / self.window)
        packets = as_packets(event.get("packets"))
        self._aggregates.add(keys, packets, time, bucket, events, last, capped)
        hosts = keys.get("hosts")
        if hosts is not None:                   # a probe: its keys join its source's others
            src = hosts[0][1]
            known = self._probe_keys.get(src)
            if known is None:
                known = self._probe_keys[src] = {}
            known[hosts[0]] = None
            known[keys["ports"][0]] = None
            if hosts[1] is not None:
                self._probed[src] = self._probed.get(src, 0) + events
        return keys

    # pass 2

    def label(self, event: Optional[dict], time: Optional[float], known=None) -> dict:
        """The labels of one event, from the aggregates of every event added (``known``: what ``add``
        returned for it, or None to work it out)."""
        if known is not None and "bs_label" in known:     # labels one rule gave it alone
            return known
        try:
            return self._label(event, time, known)
        except Exception as error:  # one event's bad value must not stop the others
            return make_labels("none", f"could not be labelled ({type(error).__name__}"
                               f"{': ' + str(error) if str(error) else ''})", 0.0)

    def size(self) -> int:
        """Aggregates, distinct values and cached verdicts held: what the memory bound counts."""
        return (self._aggregates.size() + sum(map(len, self._probe_keys.values())) + len(self._scanners)
                + sum(map(len, self._reaching.values()))
                + len(self._probed) + len(self._spreads))

    def _label(self, ev: Optional[dict], time: Optional[float], keys: Optional[dict]) -> dict:
        if keys is None:
            labels = label_one(ev, time)
            if labels is not None:
                return labels
            keys = event_keys(ev)
        if not keys:
            return no_shape(ev)
        if time is None:
            return make_labels("none", f"{traffic(ev)}: its time could not be placed, so it is not counted "
                               f"with other events; alone it is neither Blaster nor a martian source", 0.5)
        windows = self._windows(time)
        intf = keys.get("intf")
        labels = self._spoofed(ev, intf[0], windows) if intf is not None else None
        if labels is not None:
            return labels
        stray = None
        if "victim" in keys:
            labels = self._backscatter(ev, windows)
            if labels["bs_label"] != "none":
                return labels
            stray = labels
        elif ev.get("action") != "allowed" and is_service_port(as_int(ev.get("src_port"))):
            # a spoofed source port that happened to be a service port: the same flood, if there is one
            labels = self._backscatter(ev, windows)
            if labels["bs_label"] == "backscatter":
                return labels
        if "hosts" not in keys:
            return stray or no_shape(ev)
        labels = self._scan(ev, keys, windows)
        return stray if labels["bs_label"] == "none" and stray is not None else labels

    def _windows(self, time: float) -> list:
        """(scale, (first, last bucket)) of each scale's window around ``time``; the same for every time
        of one bucket when the scales are whole numbers of buckets (kept for the bucket's next events)."""
        bucket = math.floor(time / self.window)
        windows = self._window_cache.get(bucket)
        if windows is None:
            windows = [(scale, self._buckets(time, scale)) for scale in self.scales]
            if self._whole_scales:
                remember(self._window_cache, bucket, windows, CACHE_SIZE)
        return windows

    def _buckets(self, time: float, scale: float) -> tuple:
        """The first and last bucket of the window at ``scale`` around ``time``: its own stretch of
        ``scale`` seconds (aligned on the epoch) and the one either side."""
        width = self.window
        if scale == width:
            bucket = math.floor(time / width)
            return bucket - 1, bucket + 1
        start = (math.floor(time / scale) - 1) * scale
        return math.floor(start / width), math.ceil((start + 3 * scale) / width) - 1

    # the rules

    def _backscatter(self, ev: dict, windows: list) -> dict:
        src, dest = ev["src_ip"], ev["dest_ip"]
        answer = answer_shape(ev) or f"{(ev.get('transport') or 'ip').upper()} from service port {ev.get('src_port')}"
        window = self._aggregates.window
        widest, (lo, hi) = windows[-1]
        peers = window(("peers", src), lo, hi)
        peer_values = peers.values if peers is not None else frozenset()
        if dest in peer_values:
            return make_labels("none", f"{answer}{' of ' if 'ephemeral' in answer else ' to '}{dest}, which sent {src} "
                               f"a permitted request "
                               f"{self._spans[widest]}: a reply in a conversation, not backscatter", 0.8)
        permitted = ev.get("action") == "allowed"
        first = None
        victim = ("victim", src)
        few = self._aggregates.total(victim) < BACKSCATTER_MIN_ANSWERS
        for scale, (lo, hi) in windows[:1 if few else 2]:      # a flood is dense: not over the widest window
            agg = window(victim, lo, hi)
            if agg is None:
                continue
            dests, capped = agg.distinct()
            unsolicited = dests - len(agg.values & peer_values) if peer_values else dests
            answers = round(agg.events * unsolicited / dests) if dests else agg.events
            seconds = agg.seconds()
            few_packets = not permitted or agg.packets <= PERMITTED_PACKETS_PER_DEST * max(1, dests)
            counts = (f"{answers} answer{'s' if answers != 1 else ''} from {src} to {unsolicited}"
                      f"{'+' if capped else ''} address{'es' if unsolicited != 1 else ''} that never asked"
                      f"{f', over {seconds:.0f} s' if seconds >= 1 else ''} {self._spans[scale]}")
            if answers >= BACKSCATTER_MIN_ANSWERS and seconds >= BACKSCATTER_MIN_SECONDS and \
                    unsolicited >= BACKSCATTER_MIN_DESTS and few_packets:
                let = "let through by the device, " if permitted else ""
                confidence = 0.8 + 0.15 * min(1.0, unsolicited / max(1, agg.events)) + \
                    0.04 * min(1.0, answers / (4 * BACKSCATTER_MIN_ANSWERS))
                return make_labels("backscatter", f"{answer}{' of ' if 'ephemeral' in answer else ' to '}"
                                   f"{dest}, {let}one of {counts} (>= "
                                   f"{BACKSCATTER_MIN_ANSWERS} over >= {BACKSCATTER_MIN_SECONDS:.0f} s to >= "
                                   f"{BACKSCATTER_MIN_DESTS}): {src} is answering a spoofed-source flood",
                                   confidence)
            first = first or counts
        if not permitted:
            labels = self._carpet(ev, answer, victim, windows)
            if labels is not None:
                return labels
        if permitted:
            return no_shape(ev)
        return make_labels("none", f"{answer}{' of ' if 'ephemeral' in answer else ' to '}{dest}, denied, but only "
                           f"{first or 'this one answer'}: a stray answer, not a flood's backscatter", 0.6)

    def _carpet(self, ev: dict, answer: str, victim: tuple, windows: list) -> Optional[dict]:
        net = prefix(ev["dest_ip"])
        window = self._aggregates.window
        for scale, (lo, hi) in windows[:2]:
            agg = window(("net", net), lo, hi)
            if agg is None:
                continue
            victims, capped = agg.distinct()
            if victims < CARPET_MIN_VICTIMS:
                continue
            own = window(victim, lo, hi)
            if own is None or own.events <= CARPET_MAX_ANSWERS:
                return make_labels("backscatter", f"{answer}{' of ' if 'ephemeral' in answer else ' to '}"
                                   f"{ev['dest_ip']}, from {ev['src_ip']}: one of "
                                   f"{agg.events} unsolicited answers from {victims}{'+' if capped else ''} sources "
                                   f"into {net} {self._spans[scale]} (>= {CARPET_MIN_VICTIMS}): a carpet-bombing "
                                   f"flood's backscatter, each victim answering a few spoofed addresses", 0.85)
        return None

    def _spoofed(self, ev: dict, intf_key: tuple, windows: list) -> Optional[dict]:
        if intf_key[3] != "private":            # its kind: the source's, by private_source
            return None
        scale, (lo, hi) = windows[-1]
        public = self._aggregates.window(("intf", intf_key[1], intf_key[2], "public"), lo, hi)
        if public is None:
            return None
        private = self._aggregates.window(intf_key, lo, hi)
        if private is None:
            return None
        sources, capped = public.distinct()
        share = private.events / (private.events + public.events)
        if sources < INTERNET_MIN_SOURCES or share > INTERNET_MAX_PRIVATE:
            return None
        src = ev["src_ip"]
        return make_labels("spoofed_source", f"{private_source(src)} source {src} on "
                           f"{' '.join(p for p in intf_key[1:3] if p)}, "
                           f"an interface of {sources}{'+' if capped else ''} public sources "
                           f"{self._spans[scale]} ({f'{share:.1%}' if share >= 0.001 else 'under 0.1%'} of its "
                           f"events private): spoofed, or "
                           f"leaking from a network that should filter it", 0.85)

    def _scan(self, ev: dict, keys: dict, windows: list) -> dict:
        src = ev["src_ip"]
        probed = self._probed.get(src)          # None: no denied probes, so no aggregate of its hosts or ports keys
        if probed is not None and probed >= SCAN_MIN_TARGETS[0]:     # else too few probes for any scale
            for index, (scale, (lo, hi)) in enumerate(windows):
                found = self._scanner(src, lo, hi, SCAN_MIN_TARGETS[min(index, len(SCAN_MIN_TARGETS) - 1)])
                if found is not None:
                    target, seconds, strength = found
                    sport = ev.get("src_port")
                    from_port = " from ephemeral ports" if sport and is_ephemeral(int(sport)) else ""
                    return make_labels("scan", f"{target} by {src}{from_port} "
                                       f"{f'over {seconds:.0f} s' if seconds >= 1 else 'within a second'} (denied "
                                       f"probes {self._spans[scale]}): {traffic(ev)}", min(0.99, 0.7 + 0.1 * strength))
        if "spread" in keys:                    # denied probes only
            labels = self._distributed(ev, keys["spread"][0], windows)
            if labels is not None:
                return labels
        hosts = ports = None
        if probed is not None:
            lo, hi = windows[0][1]
            hosts = self._aggregates.window(keys["hosts"][0], lo, hi)
            ports = self._aggregates.window(keys["ports"][0], lo, hi)
        if hosts is None and ports is None:
            return make_labels("none", f"{traffic(ev)}: ordinary traffic, no denied probes from {src} "
                               f"{self._spans[self.scales[0]]}", 0.9)
        n_hosts = hosts.distinct()[0] if hosts is not None else 1
        n_ports = ports.distinct()[0] if ports is not None else 1
        return make_labels("none", f"{traffic(ev)}: {src} was denied on {n_hosts} host"
                           f"{'s' if n_hosts != 1 else ''} for this port and {n_ports} port"
                           f"{'s' if n_ports != 1 else ''} of this host {self._spans[self.scales[0]]}, below a "
                           f"scan's {SCAN_MIN_TARGETS[0]}", 0.8)

    def _scanner(self, src: str, lo: int, hi: int, minimum: int) -> Optional[tuple]:
        """(what the scan is, its seconds, its strength) when ``src``'s denied probes over buckets
        ``lo``-``hi`` reach ``minimum`` hosts on one port or ports of one host; else None."""
        cached = (src, lo, hi)
        if cached in self._scanners:
            return self._scanners[cached]
        best = None
        window = self._aggregates.window
        keys = self._reaching.get(src)
        if keys is None:                # pass 2 adds nothing: a key below the fewest targets stays below
            most = self._aggregates.most
            keys = self._reaching[src] = [k for k in self._probe_keys.get(src, ()) if most(k) >= SCAN_MIN_TARGETS[0]]
        for key in keys:
            agg = window(key, lo, hi)
            if agg is None:
                continue
            n, capped = agg.distinct()
            if n < minimum or (best is not None and n <= best[0]) or (not capped and n < agg.events * SCAN_MIN_SPREAD):
                continue
            count = f"{n}{'+' if capped else ''}"
            if key[0] == "ports":
                target = f"vertical scan of {count} ports of {key[2]}"
            elif key[2] == "icmp":
                what = ICMP_REQUESTS.get(key[3], f"type {key[3]}")
                target = f"ICMP {what} sweep of {count} hosts" + (" (Welchia/Nachi-style)" if key[3] == "8" else "")
            else:
                target = f"horizontal scan of {key[2]} port {key[3]} on {count} hosts"
            best = (n, (target, agg.seconds(), n / minimum))
        return remember(self._scanners, cached, best[1] if best is not None else None, CACHE_SIZE)

    def _distributed(self, ev: dict, key: tuple, windows: list) -> Optional[dict]:
        cached = (key, windows[0][1])
        found = self._spreads.get(cached, False)
        if found is False:
            found = remember(self._spreads, cached, self._spread(key, windows), CACHE_SIZE)
        if found is None:
            return None
        return make_labels("scan", f"{found}: {traffic(ev)}", 0.85)

    def _spread(self, key: tuple, windows: list) -> Optional[str]:
        """What makes one service's denied probes a distributed scan around these windows, or None."""
        window = self._aggregates.window
        if self._aggregates.total(key) < DISTRIBUTED_MIN_SOURCES:
            return None
        for scale, (lo, hi) in windows:
            sources = window(key, lo, hi)
            dests = window(("spread_dests",) + key[1:], lo, hi)
            if sources is None or dests is None:
                continue
            n_sources, capped = sources.distinct()
            n_dests, dests_capped = dests.distinct()
            if n_sources >= DISTRIBUTED_MIN_SOURCES and n_dests >= DISTRIBUTED_MIN_DESTS:
                service = f"ICMP {ICMP_REQUESTS.get(key[2], key[2])}" if key[1] == "icmp" else f"{key[1]}/{key[2]}"
                return (f"distributed scan of {service}: {n_sources}{'+' if capped else ''} sources probed "
                        f"{n_dests}{'+' if dests_capped else ''} hosts {self._spans[scale]} (>= "
                        f"{DISTRIBUTED_MIN_SOURCES} sources)")
        return None
