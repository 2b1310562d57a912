"""bench/scenario.py: the labelled New Year's Eve night is deterministic, complete and readable."""
import datetime
import io
import re
import sys
from collections import defaultdict
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from acltrace.logs.device_time import parse_device_time
from acltrace.logs.parser import parse_event

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
try:
    import scenario
finally:
    sys.path.pop(0)

ASA_STAMP = re.compile(r"^\S+ [ \d]\d \S+ fw1 : (?P<stamp>[A-Z][a-z]{2} \d\d \d{4} \d\d:\d\d:\d\d)(?: fw1 )?: %")
ACL = re.compile(r"ACCESSLOG|%ASA-\d-106\d{3}:")
RELAY = re.compile(r"^(?P<relay>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) (?P<dvc>\S+) ")
IOS_STAMP = re.compile(r"^\S+ [ \d]\d \S+ (?P<dvc>edge-r[12]) \d+: (?P<stamp>\*?[A-Z][a-z]{2} [ \d]\d "
                       r"\d\d:\d\d:\d\d\.\d{3}(?: UTC)?): %")


@pytest.fixture(scope="module")
def small():
    return scenario.generate(seed=3, hours=2, scale=0.3)


@pytest.fixture(scope="module")
def night():
    return scenario.generate()


def placed(stamp: str, true_time: float) -> float:
    """A year-less stamp read in the year that puts it nearest the true time."""
    return min((parse_device_time(stamp, y) for y in (2026, 2027)), key=lambda s: abs(s - true_time))


def test_deterministic_per_seed(small):
    assert scenario.generate(seed=3, hours=2, scale=0.3) == small
    assert scenario.generate(seed=4, hours=2, scale=0.3) != small


def test_every_class_is_present_with_its_label(small):
    counts = defaultdict(int)
    for _t, _raw, label, cls in small:
        assert label == scenario.CLASSES[cls]
        counts[cls] += 1
    assert set(counts) == set(scenario.CLASSES)
    assert all(n >= 5 for n in counts.values()), counts


def test_file_order_is_the_relays_time_order(small):
    times = [t for t, *_ in small]
    assert times == sorted(times)


def test_every_acl_line_parses(small):
    for _t, raw, _label, cls in small:
        if cls == "bad_input" or not ACL.search(raw):
            continue
        ev = parse_event(raw)
        assert ev and ev.get("src_ip") and ev.get("dest_ip"), raw


def test_the_night_crosses_new_year(small):
    stamps = [m.group("stamp").lstrip("*")[:6] for _t, raw, _l, cls in small if cls != "bad_input"
              for m in [IOS_STAMP.match(raw)] if m]
    assert "Dec 31" in stamps and "Jan  1" in stamps
    assert any(": Dec 31 2026 " in raw for _t, raw, *_ in small)
    assert any(": Jan 01 2027 " in raw and " fw1 : %ASA" in raw for _t, raw, *_ in small)
    asa = [raw for _t, raw, _l, cls in small if cls != "bad_input" and " fw1 : " in raw]
    assert asa and all(ASA_STAMP.match(raw) for raw in asa)
    assert any(raw.startswith("Dec 31 ") for _t, raw, *_ in small)
    assert any(raw.startswith("Jan  1 ") for _t, raw, *_ in small)


def test_edge_r2_runs_behind_the_relay(small):
    checked = 0
    for t, raw, _label, cls in small:
        m = IOS_STAMP.match(raw)
        if cls == "bad_input" or not m or m.group("dvc") != "edge-r2":
            continue
        assert m.group("stamp").startswith("*")             # unsynced
        relay = placed(RELAY.match(raw).group("relay"), t)
        device = placed(m.group("stamp"), t)
        assert relay - scenario.EDGE_R2_SLOW - 1 < device < relay - scenario.EDGE_R2_SLOW + 1, raw
        assert abs(relay - t) < 1
        checked += 1
    assert checked > 100


def test_edge_r1_and_fw1_keep_true_time(small):
    for t, raw, _label, cls in small:
        if cls == "bad_input":
            continue
        m = IOS_STAMP.match(raw)
        if m and m.group("dvc") == "edge-r1":
            assert abs(placed(m.group("stamp"), t) - t) < 1, raw
        elif ASA_STAMP.match(raw):
            assert abs(parse_device_time(ASA_STAMP.match(raw).group("stamp"), 1) - t) < 1, raw


def test_bad_input_times_cannot_be_placed_in_the_night(small):
    night = (scenario.MIDNIGHT - 5 * 3600, scenario.MIDNIGHT + 5 * 3600)
    for _t, raw, label, cls in small:
        if cls != "bad_input":
            continue
        assert label == "none"
        ev = parse_event(raw)
        if ev and ev.get("src_ip") and ev.get("device_time"):
            stamp = parse_device_time(ev["device_time"], 2026)
            assert stamp is None or not night[0] <= stamp <= night[1], raw


def test_ordered():
    rows = [(float(i), f"line {i}", "none", "ordinary") for i in range(50)]
    assert scenario.ordered(rows, "file", 1) == rows
    assert scenario.ordered(rows, "newest", 1) == rows[::-1]
    shuffled = scenario.ordered(rows, "shuffled", 1)
    assert shuffled == scenario.ordered(rows, "shuffled", 1) != rows
    assert sorted(shuffled) == rows
    with pytest.raises(ValueError):
        scenario.ordered(rows, "sideways", 1)


def test_main_writes_label_tab_line():
    out = io.StringIO()
    with redirect_stdout(out):
        assert scenario.main(["--seed", "3", "--hours", "1", "--scale", "0.2", "--order", "newest"]) == 0
    lines = out.getvalue().splitlines()
    rows = scenario.generate(3, 1, 0.2)
    assert len(lines) == len(rows)
    assert lines[0] == f"{rows[-1][2]}\t{rows[-1][1]}"
    assert all(line.count("\t") == 1 for line in lines)


def test_the_default_night(night):
    assert 12000 <= len(night) <= 20000
    start = datetime.datetime(2026, 12, 31, 20, tzinfo=datetime.timezone.utc).timestamp()
    assert start <= night[0][0] and night[-1][0] < start + 8 * 3600 + 6 * 3600


def test_truth_meets_the_stated_thresholds(night):
    """Scans probe >= 20 targets (distributed: >= 200 sources), floods answer >= 25 times over >= 60 s
    to >= 10 addresses, carpet bombing comes from >= 100 victims, established SYN-ACKs reach >= 40."""
    by = defaultdict(lambda: defaultdict(list))
    for t, raw, _label, cls in night:
        ev = parse_event(raw) if cls != "bad_input" else None
        if ev and ev.get("src_ip"):
            by[cls][(ev.get("dvc"), ev["src_ip"])].append((t, ev))
    for cls in ("vertical_scan", "horizontal_scan", "slow_scan", "ipv6_scan", "welchia_sweep"):
        for key, evs in by[cls].items():
            targets = {(e.get("dest_ip"), e.get("dest_port")) for _t, e in evs}
            assert len(targets) >= 20, (cls, key)
    for key, evs in by["slow_scan"].items():
        assert 2 * 3600 - 600 <= evs[-1][0] - evs[0][0] <= 5 * 3600 + 600, key
    for cls in ("backscatter_victim", "established_synack"):
        for key, evs in by[cls].items():
            assert len(evs) >= 25 and evs[-1][0] - evs[0][0] >= 60, (cls, key)
            assert len({e["dest_ip"] for _t, e in evs}) >= (40 if cls == "established_synack" else 10)
    sources = {ip for _d, ip in by["distributed_scan"]}
    assert len(sources) >= 200
    assert len({ip for _d, ip in by["carpet_bombing"]}) >= 100
    scanners = {ip for cls in ("permitted_scan",) for _d, ip in by[cls]}
    assert len(scanners) >= 1 and {d for d, _ip in by["permitted_scan"]} == {"edge-r1", "edge-r2"}
    flows = {ip for _d, ip in by["summary_flow"]}
    others = {ip for cls, keys in by.items() if cls not in ("summary_flow", "ordinary") for _d, ip in keys}
    assert flows and not flows & others
