"""The SNMP collector against real agents: snmpsim serving tests/data/snmpsim (tools/generators/make_snmprec.py)."""
import json
import subprocess
import sys
import time

import pytest
from conftest import REPO
from snmpagent import V3_USERS, free_udp_port

from acltrace.snmp.collect import Device, collect, parse_address
from acltrace.snmp.walk import Credentials
from acltrace.tables import files as devices
from acltrace.trace.topology import Topology

DATA = REPO / "tests" / "data" / "snmpsim"
V2C = Credentials(community="public")
AUTH_PRIV = Credentials(user="acltrace", auth_key=V3_USERS["acltrace"][0], priv_key=V3_USERS["acltrace"][1],
                        context="public")      # snmpsim serves data in a named context only
AUTH_NO_PRIV = Credentials(user="acltrace-auth", auth_key=V3_USERS["acltrace-auth"][0], context="public")


def poll(port, credentials=V2C, **options):
    [result] = collect([Device("127.0.0.1", port, credentials)], **options)
    return result


def of_kind(result, kind):
    return [{k: v for k, v in row.items() if k not in ("kind", "time", "source")}
            for row in result.rows if row["kind"] == kind]


def test_cisco_per_vlan_bridge_tables_and_cdp(agents):
    result = poll(agents["cisco-access"])
    assert result.status["status"] == "ok", result.status      # 1002-1005 were not polled (no data: a timeout)
    assert result.status["device"] == "acc-sw1" and result.status["rows"] == len(result.rows) == 9
    macs = of_kind(result, "mac")
    assert {"mac": "00:0d:56:aa:1b:2c", "switch": "acc-sw1", "port": "GigabitEthernet1/0/2", "vlan": "20",
            "type": "dynamic"} in macs
    assert {"mac": "00:50:56:20:00:04", "switch": "acc-sw1", "port": "GigabitEthernet1/0/4", "vlan": "20",
            "type": "static"} in macs
    assert sorted({m["vlan"] for m in macs}) == ["1", "20", "30"]
    assert "00:1b:54:c2:00:ff" not in {m["mac"] for m in macs}        # the switch's own (self) entry
    assert of_kind(result, "neighbor") == [
        {"switch": "acc-sw1", "port": "GigabitEthernet1/0/5", "neighbor": "SEP00AABB334455", "neighbor_port": "Port 1",
         "capabilities": "host phone", "platform": "Cisco IP Phone 7945", "neighbor_ip": "10.30.0.45",
         "protocol": "cdp"},
        {"switch": "acc-sw1", "port": "GigabitEthernet1/0/49", "neighbor": "dist-sw2.example.com",
         "neighbor_port": "Ethernet1", "capabilities": "switch igmp", "platform": "Arista Networks DCS-7050TX-64",
         "neighbor_ip": "10.0.0.2", "protocol": "cdp"},
    ]
    assert all(row["source"] == "snmp" and row["time"] == result.status["time"] for row in result.rows)


def test_qbridge_lldp_and_ip_net_to_physical(agents):
    result = poll(agents["arista-dist"])
    assert result.status["status"] == "ok", result.status
    assert {"mac": "00:0d:56:aa:1b:2c", "switch": "dist-sw2", "port": "Ethernet1", "vlan": "20",
            "type": "dynamic"} in of_kind(result, "mac")           # FDB id 2 is VLAN 20 (dot1qVlanFdbId)
    assert {m["vlan"] for m in of_kind(result, "mac")} == {"20", "30"}
    assert of_kind(result, "neighbor") == [
        {"switch": "dist-sw2", "port": "Ethernet1", "neighbor": "acc-sw1", "neighbor_port": "GigabitEthernet1/0/49",
         "capabilities": "bridge", "platform": "Cisco IOS Software, C2960X Software, Version 15.2(7)E",
         "neighbor_ip": "10.0.0.11", "protocol": "lldp"},
        {"switch": "dist-sw2", "port": "Ethernet3", "neighbor": "ap-3f-01", "neighbor_port": "Ethernet0",
         "capabilities": "wlan-ap", "platform": "Aruba AP-515", "neighbor_ip": "", "protocol": "lldp"},
    ]
    assert of_kind(result, "arp") == [
        {"ip": "10.20.0.254", "mac": "00:1b:54:c2:00:01", "device": "dist-sw2", "interface": "Vlan20"},
        {"ip": "fe80::21b:54ff:fec2:1", "mac": "00:1b:54:c2:00:01", "device": "dist-sw2", "interface": "Vlan20"},
    ]


def test_router_arp_from_ip_net_to_media(agents):
    result = poll(agents["router"], tables=["arp"])
    assert result.status["status"] == "ok"
    arp = of_kind(result, "arp")
    assert len(arp) == 5 and {row["kind"] for row in result.rows} == {"arp"}
    assert {"ip": "10.20.0.15", "mac": "00:0d:56:aa:1b:2c", "device": "gw-rtr1",
            "interface": "GigabitEthernet0/1.20"} in arp


@pytest.mark.parametrize("credentials", [AUTH_PRIV, AUTH_NO_PRIV], ids=["authPriv", "authNoPriv"])
def test_v3_reads_what_v2c_reads(agents, credentials):
    v3, v2c = poll(agents["cisco-access"], credentials), poll(agents["cisco-access"])
    assert v3.status["status"] == "ok", v3.status
    strip = [{k: v for k, v in row.items() if k != "time"} for row in v3.rows]
    assert strip == [{k: v for k, v in row.items() if k != "time"} for row in v2c.rows]   # per-VLAN contexts too


def test_wrong_community_is_a_clear_error_without_rows(agents):
    result = poll(agents["cisco-access"], Credentials(community="not-this-one"), timeout=0.5, retries=0)
    assert result.rows == [] and result.status["status"] == "error" and result.status["rows"] == 0
    assert "wrong community" in result.status["error"]
    assert "not-this-one" not in json.dumps(result.status)


def test_wrong_v3_key_is_an_error(agents):
    result = poll(agents["cisco-access"], Credentials(user="acltrace", auth_key="wrong-auth-key", priv_key="x" * 8,
                                                      context="public"), timeout=0.5, retries=0)
    assert result.status["status"] == "error" and result.rows == []
    assert "wrong-auth-key" not in json.dumps(result.status)


def test_a_dead_device_does_not_stall_the_others(agents):
    dead = free_udp_port()
    started = time.monotonic()
    results = collect([Device("127.0.0.1", dead, V2C), Device("127.0.0.1", agents["cisco-access"], V2C),
                       Device("127.0.0.1", agents["arista-dist"], V2C)], timeout=1.0, retries=2)
    elapsed = time.monotonic() - started
    assert [r.status["status"] for r in results] == ["error", "ok", "ok"]
    assert results[0].status["device"] == "127.0.0.1" and "no answer" in results[0].status["error"]
    assert results[0].status["seconds"] >= 2.5                      # 3 tries of 1 s
    assert results[1].status["seconds"] < 2.0 and results[2].status["seconds"] < 2.0
    assert elapsed < results[0].status["seconds"] + 1.5             # concurrently, not one after the other


def test_a_walk_cut_off_half_way_is_partial(agents):
    result = poll(agents["slow"], tables=["mac"], timeout=1.0, retries=0)
    assert result.status["status"] == "partial" and "cut off" in result.status["error"]
    assert 0 < len(result.rows) < 200 and result.status["rows"] == len(result.rows)
    assert all(row["partial"] is True for row in result.rows)


def test_bad_credentials_are_refused_before_polling():
    [result] = collect([Device("127.0.0.1", 9, Credentials(user="u", auth_key="short"))])
    assert result.status["status"] == "error" and "at least 8" in result.status["error"]
    assert "short" not in repr(Credentials(user="u", auth_key="short"))


def test_parse_address():
    assert parse_address("10.0.0.1") == ("10.0.0.1", 161)
    assert parse_address("sw1.example.com:1161") == ("sw1.example.com", 1161)
    assert parse_address("[2001:db8::1]:162") == ("2001:db8::1", 162)
    assert parse_address("2001:db8::1") == ("2001:db8::1", 161)
    for bad in ("", "host:port", "host:0", "[::1]:99999"):
        with pytest.raises(ValueError):
            parse_address(bad)


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "acltrace", "collect", *args], capture_output=True, text=True,
                          cwd=REPO, env=env)


def test_cli_devices_file_traces_a_mac(agents, tmp_path):
    hosts = [f"--snmp=127.0.0.1:{agents[name]}" for name in ("cisco-access", "arista-dist", "router")]
    done = run_cli(*hosts, "--community=public", "--format=devices")
    assert done.returncode == 0, done.stderr
    assert "acc-sw1 (127.0.0.1:" in done.stderr and "public" not in done.stderr
    path = tmp_path / "campus.jsonl"
    path.write_text(done.stdout)
    tables = devices.load([str(path)])
    assert tables.problems == [] and len(tables.mac) == 12 and len(tables.arp) == 7 and len(tables.neighbor) == 4
    trace = Topology(tables.mac, tables.neighbor, tables.arp).trace("000d.56aa.1b2c")
    assert (trace.verdict, trace.switch, trace.port) == ("edge_port", "acc-sw1", "GigabitEthernet1/0/2")


def test_cli_jsonl_status_records_and_secret_keys(agents):
    auth, priv = V3_USERS["acltrace"]
    dead = free_udp_port()
    done = run_cli(f"--snmp=127.0.0.1:{agents['router']}", f"--snmp=127.0.0.1:{dead}", "--v3-user=acltrace",
                   f"--auth-key={auth}", f"--priv-key={priv}", "--v3-context=public", "--tables=arp",
                   "--timeout=0.5", "--retries=0")
    assert done.returncode == 1                                       # one device was not read
    records = [json.loads(line) for line in done.stdout.splitlines()]
    statuses = [r for r in records if r["kind"] == "status"]
    assert [s["status"] for s in statuses] == ["ok", "error"] and statuses[0]["rows"] == 5
    assert f"127.0.0.1:{dead}" in done.stderr and "error" in done.stderr
    for key in (auth, priv):
        assert key not in done.stdout and key not in done.stderr


def test_cli_refuses_half_given_credentials():
    done = run_cli("--snmp=127.0.0.1", "--v3-user=u", "--priv-key=12345678")
    assert done.returncode == 2 and "privacy key needs an authentication key" in done.stderr
    assert "12345678" not in done.stderr


def test_keys_never_need_the_command_line(agents, tmp_path):
    """The flags show in ps; a keys file, the environment or a prompt keep the keys out of it."""
    auth, priv = V3_USERS["acltrace"]
    router = f"--snmp=127.0.0.1:{agents['router']}"
    v3 = ("--v3-user=acltrace", "--v3-context=public", "--tables=arp")
    keys = tmp_path / "keys"
    keys.write_text(f"# campus\nauth_key = {auth}\npriv_key={priv}\n")
    by_file = run_cli(router, *v3, f"--keys-file={keys}")
    asked = subprocess.run([sys.executable, "-m", "acltrace", "collect", router, *v3, "--ask-keys"],
                           input=f"{auth}\n{priv}\n", capture_output=True, text=True, cwd=REPO)
    for done in (by_file, asked):
        assert done.returncode == 0, done.stderr
        assert [json.loads(line)["status"] for line in done.stdout.splitlines()
                if json.loads(line)["kind"] == "status"] == ["ok"]
        assert auth not in done.stdout + done.stderr and priv not in done.stdout + done.stderr
    keys.write_text(f"auth-key: {auth}\n")
    bad = run_cli(router, *v3, f"--keys-file={keys}")
    assert bad.returncode == 2 and "keys:1: expected community=" in bad.stderr and auth not in bad.stderr
    helped = run_cli("--help")
    assert " ".join(helped.stdout.split()).count("visible to every user in the process list") == 3

