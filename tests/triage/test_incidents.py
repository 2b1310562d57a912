"""incidents: labelled events grouped into incidents an admin can act on."""
import calendar
import json
import random

import pytest

from acltrace.logs.parser import parse_event
from acltrace.triage.classifier import Classifier
from acltrace.triage.incidents import INCIDENT_COLUMNS, Incidents, SampledCounter, blaster_calendar

T0 = float(calendar.timegm((2026, 11, 24, 10, 0, 0)))     # a day that fits Blaster's trigger


def ios(src, sport, dst, dport, dvc="r1", intf="Ethernet0/1", mac="000b.bf55.4c70", action="denied"):
    return parse_event(f"Nov 24 10:00:00 {dvc} 1: Nov 24 10:00:00.000 UTC: %SEC-6-IPACCESSLOGP: list 101 {action} "
                       f"tcp {src}({sport}) ({intf} {mac}) -> {dst}({dport}), 1 packet")


def seed_bursts(rnd, start=T0, bursts=5, per_burst=6):
    """The seed: "4 - 6 times a day an hour apart for 4 or so hours", a few RSTs each time."""
    out = []
    for b in range(bursts):
        for i in range(per_burst):
            dest = f"203.0.{rnd.randrange(256)}.{rnd.randrange(1, 255)}"
            out.append((ios("127.0.0.1", 80, dest, rnd.randrange(1000, 2000)), start + b * 3600 + i * 17))
    return out


def scan(start=T0 + 100, n=40, gap=2.0):
    return [(ios("45.33.9.9", 40000 + i, f"203.0.5.{i + 1}", 445), start + i * gap) for i in range(n)]


def pipeline(stream, **kw):
    """Classifier (two passes) then Incidents, as the commands and the CLI chain them."""
    clf, inc = Classifier(), Incidents(**kw)
    for ev, t in stream:
        clf.add(ev, t)
    for ev, t in stream:
        inc.add(ev, clf.label(ev, t), t)
    return inc.finish(), inc.patterns()


def both_orders(stream, **kw):
    """Incidents oldest-first, newest-first and shuffled must agree; return them."""
    stream = sorted(stream, key=lambda p: p[1])
    results = [pipeline(s, **kw) for s in (stream, stream[::-1], random.Random(1).sample(stream, len(stream)))]

    def canon(rows):
        return sorted(json.dumps(r, sort_keys=True) for r in rows)
    for rows, patterns in results[1:]:
        assert canon(rows) == canon(results[0][0]) and canon(patterns) == canon(results[0][1])
    return results[0]


def test_seed_pattern_blaster_bursts():
    rows, patterns = both_orders(seed_bursts(random.Random(1)))
    assert len(rows) == 5 and {r["label"] for r in rows} == {"blaster_backscatter"}
    first = min(rows, key=lambda r: r["first_seen"])
    assert first["dvc"] == "r1" and first["src_interface"] == "Ethernet0/1"
    assert first["src_mac"] == "00:0b:bf:55:4c:70" and first["src_ip"] == "127.0.0.1"
    assert first["events"] == first["packets"] == 6 and first["dest_count"] == 6
    assert first["dest_net"] == "203.0.0.0/16" and first["dest_net_share"] == 1.0
    assert first["first_seen"] == T0 and first["last_seen"] == T0 + 5 * 17
    assert first["pps"] == pytest.approx(6 / 85, abs=1e-3)
    assert first["hours"] == [10] and first["blaster_calendar"] is True
    assert "most likely inside 203.0.0.0/16" in first["explanation"]
    assert "00:0b:bf:55:4c:70" in first["next_steps"] and "router hop" in first["next_steps"]
    assert "windowsupdate.com to 127.0.0.1" in first["next_steps"]
    [pattern] = patterns
    assert pattern["bursts"] == 5 and pattern["hours"] == [10, 11, 12, 13, 14]
    assert pattern["pattern"].startswith("5 bursts about 60 min apart over 4.0 h")


def test_scan_beside_blaster_is_its_own_incident_by_source():
    rnd = random.Random(2)
    rows, _ = both_orders(seed_bursts(rnd, bursts=1, per_burst=30) + scan())
    by_label = {r["label"]: r for r in rows}
    assert set(by_label) == {"blaster_backscatter", "scan"}
    assert by_label["scan"]["src_ip"] == "45.33.9.9" and by_label["scan"]["dest_count"] == 40
    assert by_label["scan"]["src_mac"] == "00:0b:bf:55:4c:70"      # where its probes came in


def test_rows_have_the_incident_columns_in_their_order():
    rows, _ = both_orders(seed_bursts(random.Random(2), bursts=1, per_burst=30) + scan())
    for row in rows:
        assert tuple(row) == INCIDENT_COLUMNS


def test_inactivity_timeout_splits_and_option():
    stream = seed_bursts(random.Random(3), bursts=2)        # bursts an hour apart
    assert len(both_orders(stream)[0]) == 2
    assert len(both_orders(seed_bursts(random.Random(3), bursts=2), timeout=7200)[0]) == 1


def test_blaster_calendar():
    assert blaster_calendar(calendar.timegm((2003, 8, 16, 0, 0, 0)))
    assert blaster_calendar(calendar.timegm((2003, 9, 1, 0, 0, 0)))
    assert not blaster_calendar(calendar.timegm((2004, 8, 4, 10, 17, 53)))    # the seed's date


@pytest.mark.parametrize("epoch", [1e20, -1e20, 253402300800, 10**400],
                         ids=["1e20", "-1e20", "year-10000", "400-digits"])
def test_a_time_no_calendar_holds_fits_no_trigger_and_fails_nothing(epoch):
    """Extreme times (a caller's _time of 1e20) make an incident whose dates do not fit the trigger."""
    assert blaster_calendar(epoch) is False
    inc = Incidents()
    inc.add(ios("127.0.0.1", 80, "10.20.1.1", 1515), {"bs_label": "blaster_backscatter"}, epoch)
    [row] = inc.finish()
    assert row["first_seen"] == row["last_seen"] == epoch and row["blaster_calendar"] is False
    assert "outside the original Blaster's trigger" in row["explanation"]
    assert "device clock" not in row["explanation"]
    assert inc.patterns()[0]["pattern"].startswith("one burst, UTC hours ")


def test_broadcast_variant_names_the_sources_slash16():
    rnd = random.Random(4)
    stream = [(ios(f"10.20.{rnd.randrange(256)}.{rnd.randrange(1, 255)}", rnd.randrange(1000, 2000),
                   "255.255.255.255", 80), T0 + i) for i in range(20)]
    [row], _ = both_orders(stream)
    assert row["dest_net"] == "10.20.0.0/16" and "the infected host is inside 10.20.0.0/16" in row["explanation"]


def test_memory_is_places_and_time_not_events():
    """50,000 events of one place over 20 minutes are four buckets of counts, not 50,000 events."""
    inc = Incidents()
    labels = {"bs_label": "spoofed_source"}
    for i in range(50_000):
        inc.add({"dvc": "r1", "src_interface": "e0", "src_mac": "m1", "src_ip": "127.0.0.1",
                 "dest_ip": f"10.{i % 256}.{i // 256 % 256}.1"}, labels, T0 + i * 0.024)
    [buckets] = inc._buckets.values()
    assert len(buckets) <= 5
    assert all(len(b.dests) <= 2 * 1024 for b in buckets.values())
    [row] = inc.finish()
    assert row["events"] == 50_000 and row["counts_capped"]


def test_scan_incidents_name_where_the_scanner_comes_in():
    """A scanner inside, logged with its MAC: its incident carries the MAC and interface to trace."""
    stream = [(ios("10.20.9.9", 40000 + i, f"10.21.5.{i + 1}", 445, mac="0050.56c0.0008", intf="Vlan20"),
               T0 + i) for i in range(40)]
    [row], _ = both_orders(stream)
    assert row["label"] == "scan"
    assert (row["src_interface"], row["src_mac"]) == ("Vlan20", "00:50:56:c0:00:08")
    assert "00:50:56:c0:00:08" in row["next_steps"]


def test_sampled_counter_is_order_independent():
    values = [f"10.{i % 300}.0.0/16" for i in range(3000)] + ["10.7.0.0/16"] * 50
    a, b = SampledCounter(16), SampledCounter(16)
    for v in values:
        a.add(v)
    for v in reversed(values):
        b.add(v)
    assert a.counts == b.counts and a.top() == b.top()


@pytest.mark.parametrize("kw", [{"timeout": 0}, {"timeout": -1}])
def test_bad_options(kw):
    with pytest.raises(ValueError):
        Incidents(**kw)


def test_same_incidents_both_orders_on_generated_traffic(repo):
    """One hour of bench/traffic.py through parse -> devtime -> Classifier -> Incidents, both ways."""
    import sys

    from acltrace.logs.device_time import parse_device_time
    sys.path.insert(0, str(repo / "bench"))
    try:
        import traffic
    finally:
        sys.path.remove(str(repo / "bench"))
    stream = []
    for _t, raw, _label in traffic.generate(seed=4, hours=1.0, scale=0.5):
        ev = parse_event(raw)
        if ev is not None:
            stream.append((ev, parse_device_time(ev["device_time"], 2026)))
    rows, patterns = both_orders(stream)
    labels = {r["label"] for r in rows}
    assert {"blaster_backscatter", "backscatter", "scan", "spoofed_source"} <= labels
    assert all(r["first_seen"] <= r["last_seen"] for r in rows)


def test_jittered_stream_gives_the_same_labels_as_the_sorted_one():
    """Lines a few seconds out of order (relays, device clocks) label as the sorted stream does."""
    rnd = random.Random(5)
    stream = seed_bursts(rnd, bursts=2, per_burst=40) + scan()
    stream += [(ios(f"198.51.100.{rnd.randrange(1, 3)}", 80, f"10.20.{rnd.randrange(256)}.{rnd.randrange(1, 255)}",
                    rnd.randrange(1024, 65536)), T0 + i * 2.0) for i in range(400)]
    ordered = sorted(stream, key=lambda p: p[1])
    jittered = sorted(stream, key=lambda p: p[1] + rnd.uniform(0, 20))

    def labels(s):
        clf = Classifier()
        for ev, t in s:
            clf.add(ev, t)
        return {id(ev): clf.label(ev, t)["bs_label"] for ev, t in s}
    assert labels(ordered) == labels(jittered)


def test_routers_that_name_no_device_are_told_apart_by_host():
    """Two routers without `logging origin-id`: their Blaster RSTs are two incidents, one per host."""
    rnd = random.Random(23)
    stream = [(dict(ev, dvc="", host=host), t) for host in ("r1", "r2") for ev, t in seed_bursts(rnd, bursts=1)]
    rows, _ = both_orders(stream)
    assert sorted(r["dvc"] for r in rows) == ["r1", "r2"]
