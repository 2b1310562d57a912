"""findings: the summary rows' contract (as the summary search's stats computes them) and how a row
stands for its events."""
import pytest

from acltrace.triage.findings import GROUP, STATS, carry_over, port_class, representatives, summary_rows

T0 = 1798761600.0          # 2027-01-01 00:00 UTC, a bucket's start


@pytest.mark.parametrize("port, cls", [("80", "80"), ("3389", "3389"), ("1000", "1000"), ("1515", "blaster"),
                                       ("2000", "ephemeral"), ("51000", "ephemeral"), (None, ""), ("", ""),
                                       ("www", "")])
def test_port_class(port, cls):
    assert port_class(port) == cls


def ev(src, dst, dport, **more):
    return dict({"src_ip": src, "dest_ip": dst, "dest_port": dport, "src_port": "51000", "transport": "tcp",
                 "action": "blocked", "dvc": "r1", "packets": "1"}, **more)


def test_rows_group_by_bucket_and_group_fields_and_count_as_stats_does():
    pairs = [(ev("45.1.1.1", f"10.0.0.{i}", "445"), T0 + i) for i in range(70)]
    pairs += [(ev("45.1.1.1", "10.0.0.1", "445", host="r9", dvc=""), T0 + 400)]     # next bucket, dvc from host
    pairs += [({"src_ip": ""}, T0), (ev("45.1.1.2", "10.0.0.1", "22"), None)]      # no source, no time: left out
    rows = summary_rows(pairs)
    assert len(rows) == 2
    first, second = sorted(rows, key=lambda r: r["_time"])
    assert set(first) == {"_time", *GROUP, *STATS}
    assert (first["events"], first["dest_count"], len(first["dest_ip"])) == (70, 70, 64)   # values: the 64 smallest
    assert first["dest_ip"] == sorted(first["dest_ip"]) and first["acltrace_dport"] == "445"
    assert (first["first_time"], first["last_time"], first["_time"]) == (T0, T0 + 69, T0)
    assert second["dvc"] == "r9" and second["_time"] == T0 + 300


def test_a_row_stands_for_its_events_as_addresses_paired_with_ports():
    row = {"_time": T0, "dvc": "r1", "src_ip": "45.1.1.1", "transport": "tcp", "action": "blocked",
           "acltrace_sport": "ephemeral", "acltrace_dport": "ephemeral", "events": 7, "packets": 9,
           "dest_ip": ["10.0.0.1", "10.0.0.2"], "dest_port": ["5000", "6000", "7000"], "dest_count": 2,
           "first_time": T0 + 1, "last_time": T0 + 90}
    reps = representatives(row)
    assert [(e["dest_ip"], e["dest_port"]) for e, *_ in reps] == [
        ("10.0.0.1", "5000"), ("10.0.0.2", "6000"), ("10.0.0.1", "7000")]
    assert sum(n for _, _, n, _, _ in reps) == 7 and sum(int(e["packets"]) for e, *_ in reps) == 9
    assert all(e["src_port"] == "49152" and t == T0 + 1 and last == T0 + 90 and not capped
               for e, t, _, last, capped in reps)


def test_a_finding_continues_a_stored_one_within_the_timeout_and_an_id_goes_once():
    def finding(fid, first, last, mac="00:11:22:33:44:55"):
        return {"finding_id": fid, "label": "blaster_backscatter", "dvc": "r1", "src_interface": "Gi0/1",
                "src_mac": mac, "src_ip": "127.0.0.1", "first_seen": first, "last_seen": last}

    stored = [finding("old", 0, 1000), finding("older", -5000, -4000), finding("elsewhere", 0, 1000, mac="00:aa")]
    found = [finding("new", 1200, 3000), finding("first", 1100, 1150), finding("gap", 9000, 9100)]
    carry_over(found, stored, timeout=300)
    assert [f["finding_id"] for f in found] == ["new", "old", "gap"]
