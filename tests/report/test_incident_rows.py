"""report.incident_rows: what the text, JSON, CSV and HTML reports read alike in the incident rows."""
import itertools
import random

from acltrace.report.incident_rows import by_place, count_labels, iso, place_key, place_text, report_order
from acltrace.report.text import CSV_COLUMNS


def old_place_key(row):
    """report.text._place_key, before the report keyed places as the incidents do."""
    return tuple(row.get(k, "") for k in ("label", "dvc", "src_interface", "src_mac")) + (
        row.get("src_ip", "") if row["label"] == "scan" else "",)


def _rows(r, n):
    rows = []
    for _ in range(n):
        label = r.choice(("blaster_backscatter", "backscatter", "scan", "spoofed_source", "other"))
        row = {"label": label, "dvc": r.choice(("r1", "r2", "")), "src_ip": r.choice(("10.0.0.1", "10.0.0.2")),
               "events": r.randrange(1, 50), "first_seen": r.randrange(10)}
        if label != "scan":
            row.update(src_interface=r.choice(("Gi0/1", "Gi0/2")), src_mac=r.choice(("00:0b:bf:55:4c:70", "")))
        rows.append(row)
    return rows


def test_places_are_the_places_the_old_key_made():
    rows = _rows(random.Random(5), 400)
    for a, b in itertools.combinations(rows, 2):
        assert (place_key(a) == place_key(b)) == (old_place_key(a) == old_place_key(b))


def test_by_place_groups_in_label_order_busiest_first():
    rows = _rows(random.Random(6), 200)
    groups = by_place(rows)
    assert sorted(map(id, itertools.chain(*groups))) == sorted(map(id, rows))
    assert all(len({place_key(row) for row in group}) == 1 for group in groups)
    ranks = [(report_order(g[0])[0], -sum(r["events"] for r in g)) for g in groups]
    assert ranks == sorted(ranks)
    assert count_labels(rows) == {label: sum(r["label"] == label for r in rows) for label in {r["label"] for r in rows}}


def test_place_text_and_iso():
    assert place_text({"dvc": "gw-rtr1", "src_interface": "FastEthernet0/1", "src_mac": "00:0d:56:aa:1b:2c"}) == \
        "gw-rtr1 FastEthernet0/1, MAC 00:0d:56:aa:1b:2c"
    assert place_text({"dvc": "", "src_mac": ""}) == "an unknown device"
    assert iso(1795602473.949) == "2026-11-25T10:27:53.949Z" and iso(1795602473) == "2026-11-25T10:27:53Z"


def test_the_csv_header_is_what_it_was():
    """CSV_COLUMNS comes from the core's INCIDENT_COLUMNS; the file's header is an interface and stays."""
    assert CSV_COLUMNS == (
        "label", "dvc", "src_interface", "src_mac", "src_ip", "events", "packets", "dest_count",
        "dest_port_count", "dest_net", "dest_net_share", "pps", "first_seen", "last_seen",
        "first_seen_epoch", "last_seen_epoch", "duration", "hours", "blaster_calendar", "counts_capped",
        "explanation", "next_steps",
        "trace_verdict", "trace_switch", "trace_port", "trace_vlan", "trace_path", "trace_reason",
    )
