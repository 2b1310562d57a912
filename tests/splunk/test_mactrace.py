"""mactrace through SCP v2 on the sample's ACL events, with the campus lookups beside the script."""
import scp
from campus import app_with_lookups, lookup_rows
from offline import sample_events
from scp import assert_ok

TRACE_FIELDS = ("trace_verdict", "trace_switch", "trace_port", "trace_vlan", "trace_last_seen", "trace_path",
                "trace_reason", "mac_vendor")


def parsed_sample():
    result = scp.run_command("aclparse", [], [sample_events()[::-1]])
    assert_ok(result)
    return result.records


def mactrace(app, args=(), records=None):
    return scp.run_command(app / "bin" / "mactrace.py", list(args), [parsed_sample() if records is None else records])


def test_each_event_with_a_mac_gets_its_trace(tmp_path):
    result = mactrace(app_with_lookups(tmp_path / "app"))
    assert_ok(result)
    assert not result.messages_at("WARN"), result.messages
    records = result.records
    assert len(records) == len(sample_events())
    inside = {(r["trace_verdict"], r["trace_switch"], r["trace_port"], r["trace_vlan"], r["trace_path"])
              for r in records if r.get("dvc") == "gw-rtr1" and r.get("src_mac") == "00:0d:56:aa:1b:2c"}
    assert inside == {("edge_port", "acc-sw2", "Ethernet7", "20",
                       "gw-rtr1 FastEthernet0/1 -> core-sw1 Port-channel1 -> acc-sw2 Ethernet7")}
    outside = [r for r in records if r.get("dvc") == "core-rtr2" and r.get("src_mac") == "00:19:e8:a2:7c:01"]
    assert outside and all(r["trace_verdict"] == "router_hop" and "isp-pe1" in r["trace_reason"] for r in outside)
    assert all(r["mac_vendor"] for r in outside)
    for r in records:
        assert set(TRACE_FIELDS) <= set(r)
        assert bool(r["trace_verdict"]) == bool(r.get("src_mac")), r


def test_mac_field_option_reads_any_notation(tmp_path):
    records = [{"_time": "1", "host_mac": "000D.56AA.1B2C"}, {"_time": "2", "host_mac": "00-19-E8-A2-7C-01"},
               {"_time": "3"}]
    result = mactrace(app_with_lookups(tmp_path / "app"), ["mac_field=host_mac"], records)
    assert_ok(result)
    assert [r["trace_verdict"] for r in result.records] == ["edge_port", "router_hop", ""]


def test_missing_lookups_give_warnings_and_not_found(tmp_path):
    result = mactrace(app_with_lookups(tmp_path / "app", rows={}))
    assert_ok(result)
    warnings = result.messages_at("WARN")
    assert len(warnings) == 3 and all("is missing" in w and "saved search" in w for w in warnings)
    assert {r["trace_verdict"] for r in result.records if r.get("src_mac")} == {"not_found"}


def test_malformed_lookups_are_said_once_and_the_rest_is_used(tmp_path):
    app = app_with_lookups(tmp_path / "app")
    (app / "lookups" / "acltrace_arp.csv").write_bytes(b"\x00\xff garbage,\x01\n1,2\n")
    with open(app / "lookups" / "acltrace_mac_table.csv", "a", encoding="utf-8") as f:
        f.write(",,,,,,,\nnot-a-mac,sw9,,,,,,\n")
    result = mactrace(app)
    assert_ok(result)
    warnings = result.messages_at("WARN")
    assert any("acltrace_arp" in w and "no column" in w for w in warnings), warnings
    assert any("skipped" in w for w in warnings), warnings
    edge = {r["trace_port"] for r in result.records if r.get("src_mac") == "00:0d:56:aa:1b:2c"}
    assert edge == {"Ethernet7"}


def test_bad_option_is_a_clear_error(tmp_path):
    result = mactrace(app_with_lookups(tmp_path / "app"), ["mac_field=not a field"])
    assert result.messages_at("ERROR")


def test_lookup_rows_cover_the_campus():
    rows = lookup_rows()
    assert {r["switch"] for r in rows["acltrace_mac_table"]} == {"core-sw1", "acc-sw1", "acc-sw2"}
    assert {r["device"] for r in rows["acltrace_arp"]} == {"gw-rtr1", "core-rtr2"}


def test_shipped_lookups_have_the_columns_the_code_reads_and_writes():
    import csv

    from conftest import REPO

    from acltrace_splunk.lookups import COLUMNS, MAC_EDGE_COLUMNS
    for name, columns in {**COLUMNS, "acltrace_mac_edge": MAC_EDGE_COLUMNS}.items():
        with open(REPO / "lookups" / f"{name}.csv", newline="", encoding="utf-8") as f:
            assert tuple(next(csv.reader(f))) == columns, name
