"""mactrace through SCP v2 on the sample's ACL events: the campus tables in a fake splunkd's KV store
(the default), or as CSV lookups beside the script (``tables=csv``)."""
import pytest
import scp
from campus import app_with_lookups, lookup_rows
from fake_splunkd import KV_PREFIX, kvstore, serving
from offline import sample_events
from scp import assert_ok

from acltrace_splunk import lookups

SESSION_KEY = "kv-session-key-0123456789"
# more MAC rows than one page holds, on a switch of their own: the trace must read every page
EXTRA = [{"mac": f"02:00:00:00:{i >> 8:02x}:{i & 255:02x}", "switch": "lab-sw9",
          "port": f"Gi{i // 48 + 1}/0/{i % 48 + 1}", "vlan": "9", "type": "dynamic", "first_seen": 1795600000,
          "last_seen": 1795600000.0, "source": "snmp"}
         for i in range(lookups.PAGE + 50)]

TRACE_FIELDS = ("trace_verdict", "trace_switch", "trace_port", "trace_vlan", "trace_last_seen", "trace_path",
                "trace_reason", "mac_vendor")


def parsed_sample():
    result = scp.run_command("aclparse", [], [sample_events()[::-1]])
    assert_ok(result)
    return result.records


def mactrace(app, args=(), records=None, **searchinfo):
    return scp.run_command(app / "bin" / "mactrace.py", list(args), [parsed_sample() if records is None else records],
                           **searchinfo)


def csv_mactrace(app, args=(), records=None):
    return mactrace(app, ["tables=csv", *args], records)


@pytest.fixture(scope="module")
def kv():
    """A fake splunkd whose KV store holds the campus tables (and EXTRA MAC rows): (its URI, its handler)."""
    rows = lookup_rows()
    rows["acltrace_mac_table"] = rows["acltrace_mac_table"] + EXTRA
    handler = kvstore(rows, SESSION_KEY)
    for uri in serving(handler):
        yield uri, handler


def test_each_event_with_a_mac_gets_its_trace_from_the_kv_store(tmp_path, kv):
    uri, handler = kv
    handler.requests.clear()
    result = mactrace(app_with_lookups(tmp_path / "app", rows={}), splunkd_uri=uri, session_key=SESSION_KEY)
    assert_ok(result)
    assert result.getinfo["type"] == "stateful"          # the KV store is the search head's
    assert_campus_traced(result)
    mac_pages = [q for path, q in handler.requests if path == KV_PREFIX + "acltrace_mac_table"]
    assert [int(q["skip"]) for q in mac_pages] == [0, lookups.PAGE]
    assert {path for path, _ in handler.requests} == {KV_PREFIX + name for name in lookups.COLUMNS}
    last = scp.run_command(app_with_lookups(tmp_path / "app2", rows={}) / "bin" / "mactrace.py", ["mac_field=mac"],
                           [[{"mac": EXTRA[-1]["mac"]}]], splunkd_uri=uri, session_key=SESSION_KEY)
    assert (last.records[0]["trace_verdict"], last.records[0]["trace_switch"]) == ("edge_port", "lab-sw9")


@pytest.mark.parametrize("where", ["refused", "wrong key", "no collection"])
def test_a_kv_store_that_cannot_be_read_is_one_warning_and_events_pass_untraced(tmp_path, kv, where):
    uri, _ = kv
    searchinfo = {"refused": {"splunkd_uri": "http://127.0.0.1:9", "session_key": SESSION_KEY},
                  "wrong key": {"splunkd_uri": uri, "session_key": "not-the-key"},
                  "no collection": {"splunkd_uri": uri + "/nowhere", "session_key": SESSION_KEY}}[where]
    result = mactrace(app_with_lookups(tmp_path / "app"), **searchinfo)
    assert_ok(result)
    warnings = result.messages_at("WARN")
    assert len(warnings) == 1 and "cannot read the KV store" in warnings[0] and "untraced" in warnings[0], warnings
    assert "not-the-key" not in warnings[0] and SESSION_KEY not in warnings[0]
    assert len(result.records) == len(sample_events())
    assert not any(r["trace_verdict"] for r in result.records)


def test_without_splunkd_address_or_key_the_kv_store_is_not_tried(tmp_path):
    result = mactrace(app_with_lookups(tmp_path / "app"), session_key="")
    warnings = result.messages_at("WARN")
    assert len(warnings) == 1 and "tables=csv" in warnings[0]
    assert not any(r["trace_verdict"] for r in result.records)


def test_each_event_with_a_mac_gets_its_trace_from_csv_files(tmp_path):
    result = csv_mactrace(app_with_lookups(tmp_path / "app"))
    assert_ok(result)
    assert result.getinfo["type"] == "streaming"         # the files come with the knowledge bundle
    assert_campus_traced(result)


def assert_campus_traced(result):
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
    result = csv_mactrace(app_with_lookups(tmp_path / "app"), ["mac_field=host_mac"], records)
    assert_ok(result)
    assert [r["trace_verdict"] for r in result.records] == ["edge_port", "router_hop", ""]


def test_missing_lookups_give_warnings_and_not_found(tmp_path):
    result = csv_mactrace(app_with_lookups(tmp_path / "app", rows={}))
    assert_ok(result)
    warnings = result.messages_at("WARN")
    assert len(warnings) == 3 and all("is missing" in w and "saved search" in w for w in warnings)
    assert {r["trace_verdict"] for r in result.records if r.get("src_mac")} == {"not_found"}


def test_malformed_lookups_are_said_once_and_the_rest_is_used(tmp_path):
    app = app_with_lookups(tmp_path / "app")
    (app / "lookups" / "acltrace_arp.csv").write_bytes(b"\x00\xff garbage,\x01\n1,2\n")
    with open(app / "lookups" / "acltrace_mac_table.csv", "a", encoding="utf-8") as f:
        f.write(",,,,,,,\nnot-a-mac,sw9,,,,,,\n")
    result = csv_mactrace(app)
    assert_ok(result)
    warnings = result.messages_at("WARN")
    assert any("acltrace_arp" in w and "no column" in w for w in warnings), warnings
    assert any("skipped" in w for w in warnings), warnings
    edge = {r["trace_port"] for r in result.records if r.get("src_mac") == "00:0d:56:aa:1b:2c"}
    assert edge == {"Ethernet7"}


def test_bad_option_is_a_clear_error(tmp_path):
    app = app_with_lookups(tmp_path / "app")
    for bad in ("mac_field=not a field", "tables=sql"):
        result = mactrace(app, [bad])
        assert result.messages_at("ERROR"), bad


def test_lookup_rows_cover_the_campus():
    rows = lookup_rows()
    assert {r["switch"] for r in rows["acltrace_mac_table"]} == {"core-sw1", "acc-sw1", "acc-sw2"}
    assert {r["device"] for r in rows["acltrace_arp"]} == {"gw-rtr1", "core-rtr2"}


def test_the_tables_are_kv_store_lookups_with_the_columns_the_code_reads_and_writes():
    from conftest import REPO
    from splunkconf import read_conf

    transforms = read_conf(REPO / "default" / "transforms.conf")
    collections = read_conf(REPO / "default" / "collections.conf")
    for name, columns in {**lookups.COLUMNS, "acltrace_mac_edge": lookups.MAC_EDGE_COLUMNS}.items():
        assert not (REPO / "lookups" / f"{name}.csv").exists(), f"a shipped {name}.csv would replace the admin's"
        assert (transforms[name]["external_type"], transforms[name]["collection"]) == ("kvstore", name)
        assert tuple(c.strip() for c in transforms[name]["fields_list"].split(","))[1:] == columns
        assert collections[name]["replicate"] == "true"
