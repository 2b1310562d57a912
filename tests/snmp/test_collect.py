"""The SNMP collector against real agents: snmpsim serving tests/data/snmpsim (tools/generators/make_snmprec.py)."""
import json
import subprocess
import sys
import threading
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


def test_a_device_over_the_row_cap_is_cut_off_at_the_cap_and_the_others_are_not(agents, hostile):
    big, router = collect([Device("127.0.0.1", hostile["big"], V2C), Device("127.0.0.1", agents["router"], V2C)],
                          max_rows=500)
    assert big.status["status"] == "partial" and big.status["error"] == "cut off at the row cap of 500 rows"
    # 48 interfaces and 48 bridge ports read first, then the FDB up to the cap: the rest never asked for
    assert len(big.rows) == big.status["rows"] == 500 - 48 - 48
    assert all(row["kind"] == "mac" and row["partial"] is True for row in big.rows)
    assert {row["port"] for row in big.rows} <= {f"Ethernet{n}" for n in range(1, 49)}   # ports were read first
    assert router.status["status"] == "ok" and router.status["rows"] == 5 and "error" not in router.status
    assert not any("partial" in row for row in router.rows)


def test_the_row_cap_counts_every_table_row_read(agents):
    """gw-rtr1 has 4 interfaces and 5 ARP entries: 9 rows fit a cap of 9; a cap of 8 cuts the ARP table."""
    whole = poll(agents["router"], max_rows=9)
    assert whole.status["status"] == "ok" and len(whole.rows) == 5
    cut = poll(agents["router"], max_rows=8)
    assert cut.status["status"] == "partial" and cut.status["error"] == "cut off at the row cap of 8 rows"
    assert len(cut.rows) == 4 and all(row["partial"] is True for row in cut.rows)


def test_a_device_past_its_deadline_is_cut_off_and_the_others_are_not(agents, hostile):
    started = time.monotonic()
    dawdling, fast = collect([Device("127.0.0.1", hostile["dawdling"], V2C),
                              Device("127.0.0.1", agents["cisco-access"], V2C)],
                             tables=["mac"], timeout=3.0, retries=0, deadline=1.5)
    elapsed = time.monotonic() - started
    assert dawdling.status["status"] == "partial", dawdling.status     # every request answered in time
    assert dawdling.status["error"] == "cut off at the device deadline of 1.5 s"
    assert 1.5 <= dawdling.status["seconds"] < 2.5 and elapsed < 3.5     # not the ~5 s of its whole table
    assert 0 < len(dawdling.rows) < 1000 and all(row["partial"] is True for row in dawdling.rows)
    assert fast.status["status"] == "ok" and len(fast.rows) == 7


def test_a_dead_device_ends_at_its_deadline(agents):
    dead = free_udp_port()
    [result] = collect([Device("127.0.0.1", dead, V2C)], timeout=1.0, retries=5, deadline=1.5)
    assert result.status["status"] == "error" and result.rows == []
    assert result.status["error"].startswith("no answer within the device deadline of 1.5 s")
    assert 1.5 <= result.status["seconds"] < 2.5                    # not the 6 s of its retries


def test_collect_each_yields_each_device_as_soon_as_it_is_done(agents, hostile):
    from acltrace.snmp.collect import collect_each

    devices = [Device("127.0.0.1", hostile["dawdling"], V2C), Device("127.0.0.1", agents["cisco-access"], V2C),
               Device("127.0.0.1", agents["arista-dist"], V2C)]
    started, seen = time.monotonic(), []
    for result in collect_each(devices, tables=["mac"], timeout=3.0, retries=0, deadline=None):
        seen.append((result.status["device"], result.status["status"], time.monotonic() - started))
    assert sorted(name for name, _, _ in seen[:2]) == ["acc-sw1", "dist-sw2"]
    assert all(status == "ok" and when < 2.0 for _, status, when in seen[:2])   # not held back by the slow one
    assert seen[2][:2] == ("dawdle-sw", "ok") and seen[2][2] > 4.0               # ~5 s: 20 requests of 0.25 s


def test_collect_each_closed_early_stops_the_polls(agents, hostile):
    from acltrace.snmp.collect import collect_each

    threads = threading.active_count()
    started = time.monotonic()
    results = collect_each([Device("127.0.0.1", hostile["dawdling"], V2C),
                            Device("127.0.0.1", agents["router"], V2C)], timeout=3.0, retries=0, deadline=None)
    assert next(results).status["device"] == "gw-rtr1"
    results.close()                                  # the caller stops reading: the dawdling poll is cancelled
    assert time.monotonic() - started < 2.0 and threading.active_count() == threads


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


def test_cli_writes_each_device_as_soon_as_it_is_done(agents, hostile):
    """The router's rows and status are on stdout while the dawdling switch is still being polled."""
    command = [sys.executable, "-m", "acltrace", "collect", f"--snmp=127.0.0.1:{hostile['dawdling']}",
               f"--snmp=127.0.0.1:{agents['router']}", "--community=public", "--tables=mac,arp", "--timeout=3",
               "--retries=0", "--device-deadline=60"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO) as done:
        first = []
        for line in done.stdout:
            first.append(json.loads(line))
            if first[-1]["kind"] == "status":
                break
        still_polling = done.poll() is None
        rest, errors = done.communicate(timeout=60)
    assert [r["kind"] for r in first] == ["arp"] * 5 + ["status"] and first[-1]["device"] == "gw-rtr1"
    assert first[-1]["status"] == "ok" and still_polling
    later = [json.loads(line) for line in rest.splitlines()]
    assert len(later) == 1001 and later[-1]["device"] == "dawdle-sw" and later[-1]["status"] == "ok"
    assert done.returncode == 0, errors


def test_cli_limits(hostile):
    done = run_cli(f"--snmp=127.0.0.1:{hostile['big']}", "--community=public", "--max-rows=500",
                   "--device-deadline=30")
    assert done.returncode == 1
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(records) == 405 and all(r["partial"] is True for r in records[:-1])
    assert records[-1]["status"] == "partial" and records[-1]["error"] == "cut off at the row cap of 500 rows"
    assert "bench-sw (127.0.0.1:" in done.stderr and "cut off at the row cap of 500 rows" in done.stderr
    for bad in ("--max-rows=0", "--max-rows=many", "--device-deadline=0", "--device-deadline=soon"):
        refused = run_cli("--snmp=127.0.0.1", "--community=public", bad)
        assert refused.returncode == 2 and bad.split("=")[0] in refused.stderr, bad
    helped = " ".join(run_cli("--help").stdout.split())
    assert "--device-deadline S seconds one device's whole poll may take" in helped and "(default: 300)" in helped
    assert "--max-rows N table rows read from one device at most" in helped and "(default: 250000)" in helped
    assert "partial: cut off part way" in helped and "as soon as that device is done" in helped


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

