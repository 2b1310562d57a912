"""showtables through SCP v2: capture events (as acltrace:show breaks them) and JSON rows to table rows."""
import json

import pytest
import scp
from campus import CAMPUS, capture_events, split_events
from scp import assert_ok

from acltrace.tables.show import parse_capture, parse_files


def rows_of(result, kind):
    keys = {"mac": ("mac", "switch", "port", "vlan", "type"), "arp": ("ip", "mac", "device", "interface"),
            "neighbor": ("switch", "port", "neighbor", "neighbor_port", "capabilities", "protocol")}[kind]
    return sorted(tuple(r.get(k, "") for k in keys) for r in result.records if r["kind"] == kind)


def test_every_capture_event_starts_at_a_prompt_and_the_split_loses_nothing():
    events = capture_events()
    assert len(events) == 11                    # one per command run in samples/campus
    for event in events:
        first = event["_raw"].splitlines()[0]
        assert first.startswith(event["host"]) and ("#show " in first or ">show " in first), first
    for path in CAMPUS:
        text = path.read_text(encoding="utf-8")
        assert "\n".join(split_events(text)).split() == text.split()


def test_rows_are_those_of_the_offline_parser():
    result = scp.run_command("showtables", [], [capture_events()])
    assert_ok(result)
    tables = parse_files([str(p) for p in CAMPUS])
    assert rows_of(result, "mac") == sorted((r["mac"], r["switch"], r["port"], r["vlan"], r["type"])
                                            for r in tables.mac)
    assert rows_of(result, "arp") == sorted((r["ip"], r["mac"], r["device"], r["interface"]) for r in tables.arp)
    assert len(rows_of(result, "neighbor")) == len(tables.neighbor)
    assert {r["_time"] for r in result.records} == {"1795600000"}
    assert {r["source"] for r in result.records} == {"show"}


def test_kind_option_and_json_rows_pass_through():
    rows = [{"kind": "mac", "mac": "02:00:00:00:00:01", "switch": "sw9", "port": "GigabitEthernet0/1",
             "vlan": "5", "type": "dynamic", "time": 1795600000, "source": "snmp"},
            {"kind": "arp", "ip": "10.0.0.9", "mac": "02:00:00:00:00:01", "device": "r1", "interface": "Vlan5",
             "time": 1795600000, "source": "snmp"}]
    events = [{"_raw": json.dumps(r), "_time": "1795600000", "host": "collector"} for r in rows]
    result = scp.run_command("showtables", ["kind=mac"], [events + capture_events()])
    assert_ok(result)
    assert {r["kind"] for r in result.records} == {"mac"}
    assert ("02:00:00:00:00:01", "sw9", "GigabitEthernet0/1", "5", "dynamic") in rows_of(result, "mac")
    assert [r["source"] for r in result.records if r["switch"] == "sw9"] == ["snmp"]


@pytest.mark.parametrize("args", [["kind=routes"], ["nonsense=1"]])
def test_bad_options_are_clear_errors(args):
    result = scp.run_command("showtables", args, [capture_events()])
    assert result.messages_at("ERROR"), result.messages


def test_junk_events_give_one_warning_and_the_rest_still_comes_out():
    junk = [{"_raw": "sw9#show mac address-table\n\x00\x01\xff garbage " * 50, "_time": "1", "host": "sw9"},
            {"_raw": "sw9#show running-config\nhostname sw9\n", "_time": "1", "host": "sw9"},
            {"_raw": "{not json", "_time": "1", "host": "x"},
            {"_raw": "A" * 1_000_000, "_time": "1", "host": "x"}]
    events = capture_events()
    result = scp.run_command("showtables", [], [junk + events[:5], events[5:]])
    assert_ok(result)
    assert rows_of(result, "mac") == rows_of(scp.run_command("showtables", [], [events]), "mac")
    [warning] = result.messages_at("WARN")
    assert "could not read" in warning


def test_no_value_that_reaches_a_lookup_file_is_a_formula():
    """The lookup builders write showtables' rows to CSV files: a device that names itself =cmd|... must
    not become a spreadsheet formula there (a leading ')."""
    rows = [{"kind": "neighbor", "switch": "=cmd|'/Ccalc'!A0", "port": "@SUM(1+1)", "neighbor": "+x",
             "neighbor_port": "-", "capabilities": "Router", "protocol": "cdp", "time": 1795600000},
            {"kind": "mac", "mac": "02:00:00:00:00:01", "switch": "sw9", "port": "-Gi0/1", "vlan": "5"}]
    events = [{"_raw": json.dumps(r), "_time": "1795600000", "host": "collector"} for r in rows]
    result = scp.run_command("showtables", [], [events])
    assert_ok(result)
    [neighbor] = [r for r in result.records if r["kind"] == "neighbor"]
    assert (neighbor["switch"], neighbor["port"], neighbor["neighbor"], neighbor["neighbor_port"]) == (
        "'=cmd|'/Ccalc'!A0", "'@SUM(1+1)", "'+x", "-")
    assert [r["port"] for r in result.records if r["kind"] == "mac"] == ["'-Gi0/1"]


def test_a_junos_capture_that_starts_with_its_routing_engine_is_a_capture(corpus):
    """'{master:0}' opens many Junos captures: it is a prompt's line, not a JSON row."""
    sample = corpus / "device_outputs/juniper_junos/show_ethernet-switching_table"
    output = (sample / "juniper_junos_show_ethernet-switching_table.raw").read_text()
    capture = "{master:0}\nadmin@sw3> show ethernet-switching table\n" + output
    result = scp.run_command("showtables", [], [[{"_raw": capture, "_time": "1795600000", "host": "sw3"}]])
    assert_ok(result)
    expected = parse_capture("admin@sw3> show ethernet-switching table\n" + output).mac
    assert expected and len([r for r in result.records if r["kind"] == "mac"]) == len(expected)


@pytest.mark.parametrize("raws", [
    ["Mar  1 12:00:01 gw-rtr1 %SEC-6-IPACCESSLOGP: list 101 denied tcp 127.0.0.1(80) -> 10.0.0.1(1515), 1 packet"],
    ["", "   "],
    ["sw9#show clock\n12:00:01.000 UTC Mon Mar 1 2026\n", "sw9#show mac address-table\n"],
])
def test_events_that_hold_no_capture_get_one_warning_that_says_so(raws):
    events = [{"_raw": raw, "_time": "1795600000", "host": "sw9"} for raw in raws]
    result = scp.run_command("showtables", [], [events[:1], events[1:]])       # over two chunks
    assert_ok(result)
    assert result.records == []
    [warning] = result.messages_at("WARN")
    assert warning.startswith(f"showtables found no device table in the {len(raws)} event(s) it was given: "
                              "it reads acltrace:show captures"), warning


def test_no_warning_when_a_table_was_found_though_not_of_the_kind_asked():
    macs = [event for event in capture_events() if "show mac" in event["_raw"].splitlines()[0]]
    assert macs
    result = scp.run_command("showtables", ["kind=arp"], [macs])
    assert_ok(result)
    assert result.records == [] and not result.messages_at("WARN")
