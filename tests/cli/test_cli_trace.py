"""`acltrace trace` and `acltrace triage --devices`: the MAC trace offline, on the bundled campus."""
import csv
import io
import json

from conftest import REPO
from offline import SAMPLE, acltrace, incident, triage_json

from acltrace.report.text import CSV_COLUMNS
from acltrace.tables import files as devices
from acltrace.trace.topology import Topology

CAMPUS = sorted(str(p) for p in (REPO / "samples" / "campus").glob("*.txt"))
INFECTED = "000d.56aa.1b2c"        # the Blaster host behind gw-rtr1 FastEthernet0/1
UPSTREAM = "0019.e8a2.7c01"        # what core-rtr2 logs on GigabitEthernet0/0: isp-pe1's MAC


def trace_json(*args):
    run = acltrace("trace", *args, "--format", "json")
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_the_infected_host_is_traced_past_the_core_to_its_access_port():
    found = trace_json(INFECTED, "--devices", *CAMPUS, "--dvc", "gw-rtr1", "--interface", "FastEthernet0/1")
    assert found["verdict"] == "edge_port"
    assert (found["switch"], found["port"], found["vlan"]) == ("acc-sw2", "Ethernet7", "20")
    assert found["path"] == "gw-rtr1 FastEthernet0/1 -> core-sw1 Port-channel1 -> acc-sw2 Ethernet7"
    assert found["mac"] == "00:0d:56:aa:1b:2c" and found["vendor"]


def test_the_outside_case_names_the_upstream_router():
    found = trace_json(UPSTREAM, "--devices", *CAMPUS, "--dvc", "core-rtr2", "--interface", "GigabitEthernet0/0")
    assert found["verdict"] == "router_hop"
    assert "isp-pe1" in found["reason"] and "192.0.2.1" in found["reason"]


def test_text_output_and_any_mac_notation():
    run = acltrace("trace", "00-0D-56-AA-1B-2C", "--devices", *CAMPUS)
    assert run.returncode == 0, run.stderr
    text = run.stdout.decode()
    assert text.startswith("00:0d:56:aa:1b:2c") and "edge_port" in text and "acc-sw2 Ethernet7" in text


def test_not_a_mac_is_a_clear_error():
    run = acltrace("trace", "nonsense", "--devices", *CAMPUS)
    assert run.returncode == 2 and b"not a MAC address" in run.stderr


def test_unknown_mac_and_no_devices_give_not_found():
    assert trace_json("02:00:00:00:00:09", "--devices", *CAMPUS)["verdict"] == "not_found"
    assert trace_json(INFECTED)["verdict"] == "not_found"


def test_triage_with_devices_puts_a_trace_on_each_incident_with_a_mac():
    document = triage_json(str(SAMPLE), "--devices", *CAMPUS)
    [inside] = {json.dumps(r["trace"]) for r in incident(document, label="blaster_backscatter", dvc="gw-rtr1")}
    inside = json.loads(inside)
    assert (inside["verdict"], inside["switch"], inside["port"]) == ("edge_port", "acc-sw2", "Ethernet7")
    [outside] = incident(document, label="blaster_backscatter", dvc="core-rtr2")
    assert outside["trace"]["verdict"] == "router_hop" and "isp-pe1" in outside["trace"]["reason"]
    assert "isp-pe1" in outside["next_steps"]
    for row in document["incidents"]:
        assert ("trace" in row) == bool(row.get("src_mac"))
        if "trace" in row:
            assert set(row["trace"]) == {"verdict", "switch", "port", "vlan", "last_seen", "path", "reason"}


def test_triage_text_names_the_switch_port_and_the_router():
    run = acltrace("triage", "--year", "2026", str(SAMPLE), "--devices", *CAMPUS)
    assert run.returncode == 0, run.stderr
    text = run.stdout.decode()
    assert "plugged into acc-sw2 Ethernet7" in text
    assert "The source is the machine on acc-sw2 Ethernet7 (vlan 20)" in text
    assert "isp-pe1" in text


def test_triage_csv_has_the_trace_columns():
    run = acltrace("triage", "--format", "csv", "--year", "2026", str(SAMPLE), "--devices", *CAMPUS)
    rows = list(csv.DictReader(io.StringIO(run.stdout.decode())))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert {r["trace_port"] for r in rows if r["dvc"] == "gw-rtr1" and r["label"] == "blaster_backscatter"} == \
        {"Ethernet7"}


def test_bad_devices_files_are_reported_and_the_rest_still_traces(tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"sw9#show mac address-table\n\x00\xff\xfe garbage \x01\n" * 20)
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"kind": "mac", "mac": "02:00:00:00:00:01", "switch": "sw9", "port": "Gi0/1", '
                    '"vlan": "5", "time": 1795600000}\nnot json\n{"kind": "other"}\n')
    run = acltrace("trace", INFECTED, "--devices", *CAMPUS, str(junk), str(rows), str(tmp_path / "missing.txt"),
                   "--format", "json")
    assert run.returncode == 1, run.stderr              # missing.txt could not be read; the rest is
    assert json.loads(run.stdout)["verdict"] == "edge_port"
    stderr = run.stderr.decode()
    assert "missing.txt" in stderr and "not JSON" in stderr


def test_json_rows_are_read_with_their_poll_time_as_first_and_last_seen(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in (
        {"kind": "mac", "mac": "02:00:00:00:00:01", "switch": "sw9", "port": "GigabitEthernet0/1", "vlan": "5",
         "type": "dynamic", "time": 1795600000},
        {"kind": "neighbor", "switch": "sw9", "port": "GigabitEthernet0/24", "neighbor": "core", "neighbor_port": "x",
         "capabilities": "switch", "protocol": "lldp"},
        {"kind": "arp", "ip": "10.0.0.9", "mac": "02:00:00:00:00:01", "device": "r1", "interface": "Vlan5"},
    )) + "\n")
    tables = devices.load([str(path)])
    assert tables.problems == []
    assert tables.mac[0]["first_seen"] == tables.mac[0]["last_seen"] == 1795600000
    assert len(tables.neighbor) == 1 and len(tables.arp) == 1
    trace = Topology(tables.mac, tables.neighbor, tables.arp).trace("02:00:00:00:00:01")
    assert (trace.verdict, trace.switch, trace.port) == ("edge_port", "sw9", "GigabitEthernet0/1")
