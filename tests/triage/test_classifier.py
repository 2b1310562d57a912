"""backscatter: Blaster backscatter, other backscatter, spoofed sources and scans told apart."""
import gc
import random

import pytest

from acltrace.logs.parser import parse_event
from acltrace.triage.classifier import (
    BACKSCATTER_MIN_PACKETS,
    READS,
    Classifier,
)
from acltrace.triage.signatures import (
    MARTIAN_SOURCES,
    answer_shape,
    blaster_signature,
    is_ephemeral,
    label_one,
    martian_source,
)

SEED_LINES = [  # the original 2004 post (docs/DESIGN.md), the admin's two lines (his public address filled in)
    "Aug 4 10:17:54 myhostname 3272392: Aug 4 10:17:53.949 EST: %SEC-6-IPACCESSLOGP: list inboundACLname "
    "denied tcp 127.0.0.1(80) (Ethernet0/1 000b.bf55.4c70) -> 203.0.113.7(1515), 1 packet",
    "Aug 4 10:18:10 myhostname 3272394: Aug 4 10:18:10.621 EST: %SEC-6-IPACCESSLOGP: list inboundACLname "
    "denied tcp 127.0.0.1(80) (Ethernet0/1 000b.bf55.4c70) -> 203.0.113.7(1011), 1 packet",
]
T0 = 1795514400.0      # 2026-11-24 10:00 UTC


def ios(action, proto, src, sport, dst, dport, dvc="r1", intf="Ethernet0/1", mac="000b.bf55.4c70", packets=1):
    return parse_event(f"Nov 24 10:00:00 {dvc} 1: Nov 24 10:00:00.000 UTC: %SEC-6-IPACCESSLOGP: list 101 {action} "
                       f"{proto} {src}({sport}) ({intf} {mac}) -> {dst}({dport}), {packets} packet")


def icmp(src, dst, itype, dvc="r1"):
    return parse_event(f"Nov 24 10:00:00 {dvc} 1: Nov 24 10:00:00.000 UTC: %SEC-6-IPACCESSLOGDP: list 101 denied "
                       f"icmp {src} (Vlan20 0019.e8a1.0f33) -> {dst} ({itype}/0), 1 packet")


def asa(body):
    return parse_event(f"Nov 24 10:00:00 fw1 : {body}")


def run(stream, **kw):
    """Feed [(event, time)] and return {id(event): labels} (events are distinct objects)."""
    clf = Classifier(**kw)
    out = []
    for ev, t in stream:
        out.extend(clf.feed(ev, t))
    out.extend(clf.finish())
    assert len(out) == len(stream)
    return {id(ev): labels for ev, labels in out}


def both_orders(stream, **kw):
    """Labels oldest-first and newest-first must agree; return them."""
    stream = sorted(stream, key=lambda p: p[1])
    asc = run(stream, **kw)
    desc = run(stream[::-1], **kw)
    assert asc == desc
    return asc


# --- one-event rules ------------------------------------------------------------------------

@pytest.mark.parametrize("line", SEED_LINES)
def test_seed_lines_are_blaster_backscatter(line):
    labels = label_one(parse_event(line))
    assert labels["bs_label"] == "blaster_backscatter"
    assert "127.0.0.1:80" in labels["bs_reason"] and "203.0.0.0/16" in labels["bs_reason"]
    assert "windowsupdate.com" in labels["bs_reason"]
    assert labels["bs_confidence"] == "0.97"


def test_asa_106015_blaster():
    ev = asa("%ASA-6-106015: Deny TCP (no connection) from 127.0.0.1/80 to 10.20.4.5/1433 flags RST  "
             "on interface inside")
    labels = label_one(ev)
    assert labels["bs_label"] == "blaster_backscatter" and labels["bs_reason"].startswith("RST from 127.0.0.1:80")


def test_blaster_needs_its_port_range_and_the_sinkhole():
    assert blaster_signature(ios("denied", "tcp", "127.0.0.1", 80, "10.20.1.1", 2000)) is None
    assert blaster_signature(ios("denied", "tcp", "127.0.0.1", 81, "10.20.1.1", 1500)) is None
    assert blaster_signature(ios("denied", "tcp", "198.51.100.7", 80, "10.20.1.1", 1500)) is None
    # a loopback answer outside Blaster's ports is still an answer: backscatter, not a scan
    assert label_one(ios("denied", "tcp", "127.0.0.1", 80, "10.20.1.1", 3000))["bs_label"] == "backscatter"


def test_blaster_broadcast_variant():
    labels = label_one(ios("denied", "tcp", "10.20.77.9", 1234, "255.255.255.255", 80))
    assert labels["bs_label"] == "blaster_backscatter" and "10.20.0.0/16" in labels["bs_reason"]


@pytest.mark.parametrize("src, kind", [
    ("127.0.0.1", "loopback"), ("0.0.0.5", "unspecified"), ("169.254.3.4", "link-local"),
    ("224.0.0.251", "multicast"), ("240.1.2.3", "reserved"), ("255.255.255.255", "reserved"),
])
def test_martian_source_not_answer_shaped_is_spoofed(src, kind):
    labels = label_one(ios("denied", "tcp", src, 40000, "10.20.1.1", 445))
    assert labels["bs_label"] == "spoofed_source" and kind in labels["bs_reason"]


def test_asa_spoof_drop_is_spoofed_source():
    labels = label_one(asa("%ASA-2-106016: Deny IP spoof from (10.20.1.9) to 10.21.1.1 on interface outside"))
    assert labels["bs_label"] == "spoofed_source" and "spoof" in labels["bs_reason"]


def test_facts():
    assert martian_source("10.0.0.1") is None and martian_source("::1") == "loopback"
    assert is_ephemeral(1515) and not is_ephemeral(80) and not is_ephemeral(3389)
    assert answer_shape(icmp("192.0.2.1", "10.20.1.1", 3)) is not None
    assert answer_shape(icmp("192.0.2.1", "10.20.1.1", 8)) is None
    assert answer_shape(asa("%ASA-6-106015: Deny TCP (no connection) from 1.2.3.4/5000 to 10.1.1.1/80 flags SYN "
                            "on interface outside")) is None



@pytest.mark.parametrize("seed", range(3))
def test_martian_source_reads_ipv4_as_ipaddress_does(seed):
    """The first-octets reading of IPv4 agrees with ipaddress on random and edge addresses."""
    import ipaddress
    r = random.Random(seed)
    edges = ["0.0.0.0", "0.255.1.1", "1.0.0.0", "126.255.255.255", "127.0.0.1", "128.0.0.1", "169.253.9.9",
             "169.254.0.1", "169.255.0.1", "223.255.255.255", "224.0.0.1", "239.9.9.9", "240.0.0.1",
             "255.255.255.255", "10.169.254.1", "1.127.0.0"]
    addresses = edges + [".".join(str(r.randrange(256)) for _ in range(4)) for _ in range(5000)]
    for ip in addresses:
        addr = ipaddress.ip_address(ip)
        want = next((what for net, what in MARTIAN_SOURCES if net.version == 4 and addr in net), None)
        assert martian_source(ip) == want, ip


@pytest.mark.parametrize("seed", range(3))
def test_martian_source_reads_ipv6_as_ipaddress_does(seed):
    """The first-group shortcut for IPv6 agrees with ipaddress on random and edge addresses."""
    import ipaddress
    r = random.Random(seed)
    edges = ["::", "::1", "0::1", "0000:0:0:0:0:0:0:1", "::2", "ff02::1", "FF05::2", "Ff0e::1", "ff::1",
             "fe80::1", "2001:db8::1", "::ffff:127.0.0.1", "0:0:0:0:0:0:0:0", "ffff::", "f:ff::1"]
    words = ["0", "00", "1", "ff", "ff00", "ff02", "FF0E", "fe80", "2001", "db8", "ffff", "abcd", ""]
    randoms = [":".join(r.choice(words) for _ in range(8)) for _ in range(3000)]
    randoms += [f"{r.choice(words)}::{r.choice(words)}" for _ in range(3000)]
    for ip in edges + randoms:
        try:
            addr = ipaddress.ip_address(ip)
        except ValueError:
            assert martian_source(ip) is None, ip
            continue
        want = next((what for net, what in MARTIAN_SOURCES if net.version == 6 and addr in net), None)
        assert martian_source(ip) == want, ip


class _Reads(dict):
    """An event that notes which fields are read."""
    seen: set = set()

    def get(self, key, default=None):
        self.seen.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.seen.add(key)
        return super().__getitem__(key)


def test_the_classifier_reads_only_READS(repo):
    """bench/traffic.py's every kind of event, both ways: nothing outside READS is read, so the
    search command may hand it those fields alone."""
    import sys
    sys.path.insert(0, str(repo / "bench"))
    try:
        import traffic
    finally:
        sys.path.remove(str(repo / "bench"))
    data = traffic.generate(seed=5, hours=0.5, scale=0.3)
    for rows in (data, data[::-1]):
        clf = Classifier()
        for time, raw, _label in rows:
            clf.feed(_Reads(parse_event(raw) or {}), time)
        clf.finish()
    assert _Reads.seen and _Reads.seen <= set(READS), _Reads.seen - set(READS)


def test_non_acl_event_is_none():
    assert label_one(None)["bs_label"] == "none"
    assert label_one({})["bs_label"] == "none"


# --- windowed rules --------------------------------------------------------------------------

def syn_flood_backscatter(rnd, victim="198.51.100.7", port=443, start=T0, seconds=600, rate=1.0, net="10.20"):
    t, out = start, []
    while t < start + seconds:
        out.append((ios("denied", "tcp", victim, port, f"{net}.{rnd.randrange(256)}.{rnd.randrange(1, 255)}",
                        rnd.randrange(1024, 65536)), t))
        t += rnd.expovariate(rate)
    return out


def vertical_scan(rnd, scanner="45.33.1.2", target="10.20.3.4", start=T0, gap=1.0, n=60, dvc="r1"):
    return [(ios("denied", "tcp", scanner, 51515, target, port, dvc=dvc), start + i * gap)
            for i, port in enumerate(rnd.sample(range(1, 1024), n))]


def horizontal_scan(scanner="45.33.9.9", port=445, start=T0, gap=2.0, n=40):
    return [(ios("denied", "tcp", scanner, 40000 + i, f"10.20.5.{i + 1}", port), start + i * gap) for i in range(n)]


def test_syn_flood_backscatter_from_real_port_80_is_not_blaster():
    stream = syn_flood_backscatter(random.Random(1), port=80)
    labels = both_orders(stream)
    assert {v["bs_label"] for v in labels.values()} == {"backscatter"}
    assert "198.51.100.7 is answering a spoofed-source flood" in next(iter(labels.values()))["bs_reason"]


def test_few_stray_answers_are_none():
    rnd = random.Random(2)
    stream = syn_flood_backscatter(rnd, seconds=30, rate=0.3)
    labels = both_orders(stream)
    assert {v["bs_label"] for v in labels.values()} == {"none"}
    assert len(stream) < BACKSCATTER_MIN_PACKETS


def test_denied_answers_to_a_servers_own_clients_are_late_replies():
    """A busy server's denied answers to hosts it has permitted conversations with: not backscatter."""
    rnd = random.Random(12)
    clients = [f"10.20.1.{i}" for i in range(1, 60)]
    talk = [(ios("permitted", "tcp", c, 50000 + i, "198.51.100.9", 443), T0 + i * 5) for i, c in enumerate(clients)]
    stray = [(ios("denied", "tcp", "198.51.100.9", 443, rnd.choice(clients), rnd.randrange(49152, 65536)),
              T0 + 10 + i * 6) for i in range(50)]
    flood = syn_flood_backscatter(rnd, victim="198.51.100.9", port=443, rate=0.5)   # and a real flood at once
    labels = both_orders(talk + stray + flood)
    assert {labels[id(ev)]["bs_label"] for ev, _ in stray} == {"none"}
    assert "late reply in a conversation" in labels[id(stray[0][0])]["bs_reason"]
    assert {labels[id(ev)]["bs_label"] for ev, _ in flood} == {"backscatter"}


def test_permitted_reply_is_none():
    ev = ios("permitted", "tcp", "198.51.100.7", 443, "10.20.1.1", 50000)
    labels = both_orders([(ev, T0)])
    assert labels[id(ev)]["bs_label"] == "none" and "permitted" in labels[id(ev)]["bs_reason"]


def test_icmp_error_backscatter():
    rnd = random.Random(3)
    stream = [(icmp("192.0.2.1", f"10.20.{rnd.randrange(256)}.{rnd.randrange(1, 255)}", 3), T0 + i * 4)
              for i in range(60)]
    assert {v["bs_label"] for v in both_orders(stream).values()} == {"backscatter"}


def test_vertical_scan():
    labels = both_orders(vertical_scan(random.Random(4)))
    assert {v["bs_label"] for v in labels.values()} == {"scan"}
    assert "vertical scan" in next(iter(labels.values()))["bs_reason"]


def test_horizontal_scan():
    labels = both_orders(horizontal_scan())
    assert {v["bs_label"] for v in labels.values()} == {"scan"}
    assert "horizontal scan of tcp port 445" in next(iter(labels.values()))["bs_reason"]


def test_welchia_icmp_sweep():
    stream = [(icmp("10.20.8.8", f"10.21.0.{i}", 8), T0 + i * 0.1) for i in range(1, 100)]
    labels = both_orders(stream)
    assert {v["bs_label"] for v in labels.values()} == {"scan"}
    assert "Welchia" in next(iter(labels.values()))["bs_reason"]


def test_slow_scan_one_probe_every_30_s():
    labels = both_orders(vertical_scan(random.Random(5), gap=30.0, n=30))
    assert {v["bs_label"] for v in labels.values()} == {"scan"}


def test_scan_from_service_source_port():
    stream = [(ios("denied", "tcp", "45.33.1.2", 53, "10.20.3.4", port), T0 + i)
              for i, port in enumerate(random.Random(6).sample(range(1024, 65536), 40))]
    assert {v["bs_label"] for v in both_orders(stream).values()} == {"scan"}


def test_late_session_packets_from_a_busy_server_are_none():
    rnd = random.Random(11)
    flags = ["FIN ACK", "PSH ACK", "ACK"]
    stream = [(asa(f"%ASA-6-106015: Deny TCP (no connection) from 142.250.1.1/443 to 10.20.{rnd.randrange(256)}."
                   f"{rnd.randrange(1, 255)}/{rnd.randrange(49152, 65536)} flags {rnd.choice(flags)}"
                   f"  on interface outside"), T0 + i * 3) for i in range(200)]
    labels = both_orders(stream)
    assert {v["bs_label"] for v in labels.values()} == {"none"}
    assert "late packet of a connection" in next(iter(labels.values()))["bs_reason"]


def test_ordinary_denials_are_none():
    stream = [(ios("denied", "tcp", "10.20.1.5", 50000 + i, "192.0.2.10", 25), T0 + i * 20) for i in range(20)]
    stream += [(ios("permitted", "tcp", "10.20.1.6", 50000 + i, f"192.0.2.{i}", 443), T0 + i) for i in range(1, 60)]
    assert {v["bs_label"] for v in both_orders(stream).values()} == {"none"}


def test_scan_concurrent_with_blaster_on_the_same_router():
    rnd = random.Random(7)
    blaster = [(ios("denied", "tcp", "127.0.0.1", 80, f"10.20.{rnd.randrange(256)}.{rnd.randrange(1, 255)}",
                    rnd.randrange(1000, 2000)), T0 + i * 0.5) for i in range(600)]
    scan = horizontal_scan(start=T0 + 60, gap=3.0, n=50)
    flood = syn_flood_backscatter(rnd, port=80, start=T0 + 30)
    labels = both_orders(blaster + scan + flood)
    assert {labels[id(ev)]["bs_label"] for ev, _ in blaster} == {"blaster_backscatter"}
    assert {labels[id(ev)]["bs_label"] for ev, _ in scan} == {"scan"}
    assert {labels[id(ev)]["bs_label"] for ev, _ in flood} == {"backscatter"}


def test_window_option_and_order_options_agree():
    rnd = random.Random(8)
    stream = sorted(vertical_scan(rnd, gap=40.0, n=20) + syn_flood_backscatter(rnd), key=lambda p: p[1])
    auto = run(stream)
    assert run(stream, order="asc") == auto
    assert run(stream[::-1], order="desc") == auto
    # a 60 s window sees at most 3 probes 40 s apart: not a scan any more
    narrow = run(stream, window=60)
    assert any(v["bs_label"] == "none" for v in narrow.values())


def test_one_event_labels_come_at_once_and_keep_order_keeps_order():
    rnd = random.Random(9)
    scan = vertical_scan(rnd)
    blaster_ev = ios("denied", "tcp", "127.0.0.1", 80, "10.20.1.1", 1500)
    clf = Classifier()
    clf.feed(scan[0][0], scan[0][1])
    assert clf.feed(blaster_ev, scan[0][1] + 1)[0][0] is blaster_ev     # at once
    clf = Classifier(keep_order=True)
    stream = scan[:5] + [(blaster_ev, scan[4][1])] + scan[5:]
    out = [ev for ev, t in stream for ev, _ in clf.feed(ev, t)] + [ev for ev, _ in clf.finish()]
    assert out == [ev for ev, _ in stream]


@pytest.mark.parametrize("kw", [{"window": 0}, {"window": -5}, {"order": "newest"}, {"buckets": 0}])
def test_bad_options(kw):
    with pytest.raises(ValueError):
        Classifier(**kw)


# --- memory bound ----------------------------------------------------------------------------

def _pool():
    rnd = random.Random(10)
    pool = []
    for i in range(4000):
        k = i % 4
        if k == 0:     # Blaster
            ev = {"src_ip": "127.0.0.1", "src_port": "80", "dest_ip": f"10.20.{i % 256}.{i % 200}",
                  "dest_port": str(1000 + i % 1000), "transport": "tcp", "packets": "1", "dvc": "r1"}
        elif k == 1:   # floods from a few victims
            ev = {"src_ip": f"198.51.100.{i % 7}", "src_port": "80", "dest_ip": f"10.21.{i % 256}.{i % 200}",
                  "dest_port": str(rnd.randrange(1024, 65536)), "transport": "tcp", "dvc": "r1"}
        elif k == 2:   # scanners
            ev = {"src_ip": f"45.1.1.{i % 11}", "src_port": "40000", "dest_ip": f"10.22.0.{i % 50}",
                  "dest_port": str(i % 300), "transport": "tcp", "dvc": "r2"}
        else:          # ordinary permitted traffic
            ev = {"src_ip": f"10.9.{i % 40}.1", "src_port": "50000", "dest_ip": f"8.8.{i % 3}.8",
                  "dest_port": "53", "transport": "udp", "dvc": "r2", "action": "allowed"}
        ev.setdefault("action", "blocked")
        pool.append(ev)
    return pool


def test_memory_is_bounded_by_the_window_not_the_stream():
    """2 million events, 50 per second (11 hours): held state stops growing after one window."""
    pool, n, rate = _pool(), 2_000_000, 50.0
    clf = Classifier(window=300.0)
    bound_held = rate * (300.0 + 2 * 30.0) + 1            # events of one window and two buckets
    sizes, objects = {}, {}
    emitted = 0
    gc.collect()
    for i in range(n):
        emitted += len(clf.feed(pool[i % 4000], T0 + i / rate))
        if i % 100_000 == 0:
            assert clf.held() <= bound_held
            assert len(clf._bucket_keys) <= 2 * 10 + 2
        if i + 1 in (n // 2, n):
            sizes[i + 1] = clf.state_size()
            gc.collect()
            objects[i + 1] = len(gc.get_objects())
    emitted += len(clf.finish())
    assert emitted == n
    assert sizes[n] <= sizes[n // 2] * 1.02
    assert objects[n] - objects[n // 2] < 2000          # no growth with the stream


# --- the labelled-traffic benchmark, small ------------------------------------------------------

def test_accuracy_on_generated_traffic(repo):
    """bench/accuracy.py's measure on one hour of bench/traffic.py: >= 0.97 per label, both orders alike."""
    import sys
    sys.path.insert(0, str(repo / "bench"))
    try:
        import accuracy
        import traffic
    finally:
        sys.path.remove(str(repo / "bench"))
    data = traffic.generate(seed=3, hours=1.0, scale=0.5)
    truth = [label for _t, _raw, label in data]
    rows = [(i, raw, label) for i, (_t, raw, label) in enumerate(data)]
    asc = accuracy.classify(rows, 300.0)
    desc = accuracy.classify(rows[::-1], 300.0)
    assert asc == desc
    text, ok = accuracy.table(truth, asc)
    assert ok, text


# --- the feed contract ----------------------------------------------------------------------

def test_items_come_back_in_place_of_their_events():
    stream = sorted(vertical_scan(random.Random(8), n=20), key=lambda p: p[1])
    clf = Classifier(keep_order=True)
    out = []
    for n, (ev, t) in enumerate(stream):
        out += clf.feed(ev, t, ("record", n))
    out += clf.finish()
    assert [item for item, _ in out] == [("record", n) for n in range(len(stream))]
    assert {labels["bs_label"] for _, labels in out} == {"scan"}


def test_an_event_whose_labelling_fails_comes_out_labelled_none_and_the_rest_go_on(monkeypatch):
    stream = sorted(vertical_scan(random.Random(9), n=20), key=lambda p: p[1])
    poison = stream[5][0]
    label = Classifier._label

    def failing_label(self, ev, bucket, keys):
        if ev is poison:
            raise RuntimeError("core bug")
        return label(self, ev, bucket, keys)

    monkeypatch.setattr(Classifier, "_label", failing_label)
    labels = run(stream, keep_order=True)
    assert labels[id(poison)]["bs_label"] == "none"
    assert labels[id(poison)]["bs_reason"] == "could not be labelled (RuntimeError: core bug)"
    assert all(labels[id(ev)]["bs_label"] == "scan" for ev, _ in stream if ev is not poison)


def test_held_events_are_bounded_and_the_early_ones_counted():
    """A flood of one window: no more than max_held events wait; every event still comes out, once."""
    classifier = Classifier(window=300, order="asc", keep_order=True, max_held=1000)
    out = []
    for n in range(5000):
        ev = {"action": "blocked", "vendor_action": "denied", "transport": "tcp", "src_ip": f"203.0.113.{n % 200}",
              "src_port": "80", "dest_ip": f"198.51.100.{n % 250}", "dest_port": str(1024 + n), "dvc": "r1",
              "tcp_flag": "RST"}
        out += classifier.feed(ev, 1700000000.0 + n * 0.01)
        assert classifier.held() <= 1000
    out += classifier.finish()
    assert len(out) == 5000 and classifier.released_early == 4000
    assert [item["dest_port"] for item, _ in out] == [str(1024 + n) for n in range(5000)]
