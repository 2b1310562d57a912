#!/usr/bin/env python
"""Writes the snmpsim recordings the SNMP collector is tested on (tests/data/snmpsim/) and the benchmark's.

    python tools/generators/make_snmprec.py [DIR]          (default: tests/data/snmpsim)

One directory per simulated device; snmpsim serves one device per process from its directory. In
snmpsim a data file's name is the v2c community (and the v3 context name) that selects it, so:

- ``public.snmprec``: the device (community ``public``);
- ``public@V.snmprec``: a Cisco switch's bridge tables for VLAN V (community indexing, ``public@20``);
- ``vlan-V.snmprec``: the same for v3 (context ``vlan-V``).

snmpsim serves no data in v3's default (empty) context, so v3 tests name the context ``public``.

Devices, one small campus (tests/test_snmpcollect.py traces a MAC through it):
- ``cisco-access``: acc-sw1, an IOS access switch: per-VLAN BRIDGE-MIB (vtpVlanState 1, 20, 30 and
  1002-1005), CDP neighbours (dist-sw2 on the uplink, an IP phone);
- ``arista-dist``: dist-sw2, a non-Cisco switch: Q-BRIDGE-MIB (FDB ids 2 and 3 are VLANs 20 and 30),
  LLDP neighbours (acc-sw1 by interface name, an access point by MAC port id), ipNetToPhysicalTable;
- ``router``: gw-rtr1: an ARP table (ipNetToMediaTable);
- ``slow``: slow-sw: a 200-entry BRIDGE-MIB table whose 120th entry answers after 5 s (a walk cut
  off half way by a shorter timeout);
- ``view-end``: end-sw, a Cisco switch whose agent's view ends inside its tables: the device's file
  stops inside the VTP table (vtpVlanState of VLANs 1 and 20, nothing after), VLAN 20's inside the
  BRIDGE table (dot1dTpFdbPort of 3 of its 5 MACs, no dot1dTpFdbStatus), so walks meet endOfMibView;
- ``no-such``: a device with interfaces only: no sysName (a GET gives noSuchObject), no table at all.

Not committed, written by the tests into a temporary directory: ``dawdling`` (a table whose every
request answers in time but slowly: a device past its deadline) and ``qbridge_switch`` (a large
Q-BRIDGE-MIB table: the row cap; also the SNMP benchmark's switch).
"""
import sys
from pathlib import Path

SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_NAME = "1.3.6.1.2.1.1.5.0"
IF_DESCR = "1.3.6.1.2.1.2.2.1.2"
IF_NAME = "1.3.6.1.2.1.31.1.1.1.1"
BASE_PORT_IFINDEX = "1.3.6.1.2.1.17.1.4.1.2"
FDB = "1.3.6.1.2.1.17.4.3.1"
QFDB = "1.3.6.1.2.1.17.7.1.2.2.1"
VLAN_FDB_ID = "1.3.6.1.2.1.17.7.1.4.2.1.3"
VTP_VLAN_STATE = "1.3.6.1.4.1.9.9.46.1.3.1.1.2"
NET_TO_MEDIA = "1.3.6.1.2.1.4.22.1"
NET_TO_PHYSICAL = "1.3.6.1.2.1.4.35.1"
CDP_CACHE = "1.3.6.1.4.1.9.9.23.1.2.1.1"
LLDP_LOC_PORT = "1.0.8802.1.1.2.1.3.7.1"
LLDP_REM = "1.0.8802.1.1.2.1.4.1.1"
LLDP_REM_MAN_ADDR = "1.0.8802.1.1.2.1.4.2.1"

LEARNED, MGMT, SELF = 3, 5, 4          # dot1dTpFdbStatus


def mac_index(mac: str) -> str:
    return ".".join(str(int(octet, 16)) for octet in mac.split(":"))


def mac_hex(mac: str) -> str:
    return mac.replace(":", "")


def text(value: str) -> tuple:
    return (4, value)


def hexa(value: str) -> tuple:
    return ("4x", value)


def system(name: str, descr: str) -> dict:
    return {SYS_DESCR: text(descr), SYS_NAME: text(name)}


def interfaces(names: dict, descrs: dict) -> dict:
    records = {f"{IF_NAME}.{index}": text(name) for index, name in names.items()}
    records.update({f"{IF_DESCR}.{index}": text(descr) for index, descr in descrs.items()})
    return records


def bridge(ports: dict, entries: list) -> dict:
    """BRIDGE-MIB: bridge port -> ifIndex, and dot1dTpFdbTable rows (mac, bridge port, status)."""
    records = {f"{BASE_PORT_IFINDEX}.{port}": (2, ifindex) for port, ifindex in ports.items()}
    for mac, port, status in entries:
        index = mac_index(mac)
        records[f"{FDB}.1.{index}"] = hexa(mac_hex(mac))
        records[f"{FDB}.2.{index}"] = (2, port)
        records[f"{FDB}.3.{index}"] = (2, status)
    return records


def qbridge(ports: dict, entries: list, fdb_vlans: dict) -> dict:
    """Q-BRIDGE-MIB: dot1qTpFdbTable rows (fdb id, mac, bridge port, status), FDB id of each VLAN."""
    records = {f"{BASE_PORT_IFINDEX}.{port}": (2, ifindex) for port, ifindex in ports.items()}
    for fdb, mac, port, status in entries:
        records[f"{QFDB}.2.{fdb}.{mac_index(mac)}"] = (2, port)
        records[f"{QFDB}.3.{fdb}.{mac_index(mac)}"] = (2, status)
    records.update({f"{VLAN_FDB_ID}.0.{vlan}": (66, fdb) for vlan, fdb in fdb_vlans.items()})
    return records


def write(directory: Path, name: str, records: dict) -> None:
    """One data file, records in OID order as snmpsim wants them."""
    directory.mkdir(parents=True, exist_ok=True)
    lines = [f"{oid}|{tag}|{value}" for oid, (tag, value) in sorted(
        records.items(), key=lambda item: tuple(int(part) for part in item[0].split(".")))]
    (directory / f"{name}.snmprec").write_text("\n".join(lines) + "\n")


def write_device(directory: Path, records: dict, vlans: "dict | None" = None) -> None:
    """The device's file, and its per-VLAN files if any."""
    write(directory, "public", records)
    for vlan, vlan_records in (vlans or {}).items():
        write(directory, f"public@{vlan}", vlan_records)
        write(directory, f"vlan-{vlan}", vlan_records)


def cisco_access(directory: Path) -> None:
    names = {10101 + n: f"Gi1/0/{n + 1}" for n in range(6)}
    names.update({10149: "Gi1/0/49", 5001: "Po1", 20: "Vl20"})
    descrs = {index: name.replace("Gi", "GigabitEthernet").replace("Po", "Port-channel").replace("Vl", "Vlan")
              for index, name in names.items()}
    records = {**system("acc-sw1", "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E"),
               **interfaces(names, descrs)}
    for vlan in (1, 20, 30, 1002, 1003, 1004, 1005):
        records[f"{VTP_VLAN_STATE}.1.{vlan}"] = (2, 1)
    cdp = [
        (10149, 1, "10.0.0.2", "dist-sw2.example.com", "Ethernet1", "Arista Networks DCS-7050TX-64", "00000028"),
        (10105, 2, "10.30.0.45", "SEP00AABB334455", "Port 1", "Cisco IP Phone 7945", "00000090"),
    ]
    for ifindex, device, address, name, port, platform, caps in cdp:
        index = f"{ifindex}.{device}"
        records[f"{CDP_CACHE}.3.{index}"] = (2, 1)
        records[f"{CDP_CACHE}.4.{index}"] = hexa("".join(f"{int(o):02x}" for o in address.split(".")))
        records[f"{CDP_CACHE}.6.{index}"] = text(name)
        records[f"{CDP_CACHE}.7.{index}"] = text(port)
        records[f"{CDP_CACHE}.8.{index}"] = text(platform)
        records[f"{CDP_CACHE}.9.{index}"] = hexa(caps)
    ports = {n + 1: 10101 + n for n in range(6)}
    ports[49] = 10149
    vlans = {
        1: bridge(ports, [("00:1c:73:00:00:02", 49, LEARNED)]),
        20: bridge(ports, [
            ("00:0d:56:aa:1b:2c", 2, LEARNED),
            ("00:50:56:20:00:03", 3, LEARNED),
            ("00:50:56:20:00:04", 4, MGMT),
            ("00:1b:54:c2:00:01", 49, LEARNED),
            ("00:1b:54:c2:00:ff", 0, SELF),
        ]),
        30: bridge(ports, [("00:aa:bb:33:44:55", 5, LEARNED), ("00:1b:54:c2:00:01", 49, LEARNED)]),
    }
    write_device(directory, records, vlans)


def arista_dist(directory: Path) -> None:
    names = {1: "Ethernet1", 2: "Ethernet2", 3: "Ethernet3", 4: "Ethernet4", 999001: "Management1",
             100020: "Vlan20"}
    records = {**system("dist-sw2", "Arista Networks EOS version 4.28.3M running on an Arista DCS-7050TX-64"),
               **interfaces(names, names)}
    records.update(qbridge({1: 1, 2: 2, 3: 3, 4: 4}, [
        (2, "00:0d:56:aa:1b:2c", 1, LEARNED),
        (2, "00:50:56:20:00:03", 1, LEARNED),
        (2, "00:1b:54:c2:00:01", 4, LEARNED),
        (3, "00:aa:bb:33:44:55", 1, LEARNED),
        (3, "00:11:22:33:44:66", 3, LEARNED),
    ], {20: 2, 30: 3}))
    records.update({f"{LLDP_LOC_PORT}.2.1": (2, 5), f"{LLDP_LOC_PORT}.3.1": text("Ethernet1"),
                    f"{LLDP_LOC_PORT}.4.1": text(""),
                    f"{LLDP_LOC_PORT}.2.3": (2, 7), f"{LLDP_LOC_PORT}.3.3": text("3"),
                    f"{LLDP_LOC_PORT}.4.3": text("")})
    neighbours = [
        ("0.1.1", 4, "001b54c20080", 5, "Gi1/0/49", "GigabitEthernet1/0/49", "acc-sw1",
         "Cisco IOS Software, C2960X Software, Version 15.2(7)E", "2000", "10.0.0.11"),
        ("0.3.2", 4, "001122334466", 3, "001122334466", "eth0", "ap-3f-01", "Aruba AP-515", "1000", None),
    ]
    for index, ch_type, chassis, port_type, port, port_descr, name, descr, caps, address in neighbours:
        records[f"{LLDP_REM}.4.{index}"] = (2, ch_type)
        records[f"{LLDP_REM}.5.{index}"] = hexa(chassis)
        records[f"{LLDP_REM}.6.{index}"] = (2, port_type)
        records[f"{LLDP_REM}.7.{index}"] = hexa(port) if port_type == 3 else text(port)
        records[f"{LLDP_REM}.8.{index}"] = text(port_descr)
        records[f"{LLDP_REM}.9.{index}"] = text(name)
        records[f"{LLDP_REM}.10.{index}"] = text(descr)
        records[f"{LLDP_REM}.11.{index}"] = hexa(caps)
        records[f"{LLDP_REM}.12.{index}"] = hexa(caps)
        if address:
            records[f"{LLDP_REM_MAN_ADDR}.3.{index}.1.4.{address}"] = (2, 2)
    arp = [(100020, 1, "10.20.0.254", "00:1b:54:c2:00:01", 3),
           (100020, 2, "fe80:0000:0000:0000:021b:54ff:fec2:0001", "00:1b:54:c2:00:01", 3)]
    for ifindex, family, ip, mac, kind in arp:
        octets = [int(o) for o in ip.split(".")] if family == 1 else list(bytes.fromhex(ip.replace(":", "")))
        index = f"{ifindex}.{family}.{len(octets)}." + ".".join(map(str, octets))
        records[f"{NET_TO_PHYSICAL}.4.{index}"] = hexa(mac_hex(mac))
        records[f"{NET_TO_PHYSICAL}.6.{index}"] = (2, kind)
    write_device(directory, records)


def router(directory: Path) -> None:
    names = {1: "Gi0/0", 2: "Gi0/1", 3: "Gi0/1.20", 4: "Gi0/1.30"}
    descrs = {index: name.replace("Gi", "GigabitEthernet") for index, name in names.items()}
    records = {**system("gw-rtr1", "Cisco IOS Software, ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M)"),
               **interfaces(names, descrs)}
    arp = [(3, "10.20.0.15", "00:0d:56:aa:1b:2c", 3), (3, "10.20.0.16", "00:50:56:20:00:03", 3),
           (3, "10.20.0.254", "00:1b:54:c2:00:01", 4), (4, "10.30.0.45", "00:aa:bb:33:44:55", 3),
           (1, "192.0.2.1", "00:00:0c:9f:f0:01", 3)]
    for ifindex, ip, mac, kind in arp:
        records[f"{NET_TO_MEDIA}.2.{ifindex}.{ip}"] = hexa(mac_hex(mac))
        records[f"{NET_TO_MEDIA}.4.{ifindex}.{ip}"] = (2, kind)
    write_device(directory, records)


def view_end(directory: Path) -> None:
    names = {10101: "Gi1/0/1", 10102: "Gi1/0/2", 10103: "Gi1/0/3"}
    records = {**system("end-sw", "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E"),
               **interfaces(names, names)}
    records.update({f"{VTP_VLAN_STATE}.1.{vlan}": (2, 1) for vlan in (1, 20)})     # the view ends here
    ports = {1: 10101, 2: 10102, 3: 10103}
    vlan_20 = bridge(ports, [(f"00:50:56:20:01:0{n}", n % 3 + 1, LEARNED) for n in range(5)])
    kept = {f"{FDB}.2.{mac_index(f'00:50:56:20:01:0{n}')}" for n in range(3)}
    vlan_20 = {oid: value for oid, value in vlan_20.items()
               if not oid.startswith(f"{FDB}.2.") and not oid.startswith(f"{FDB}.3.") or oid in kept}
    write_device(directory, records, {1: bridge(ports, [("00:50:56:01:01:01", 1, LEARNED)]), 20: vlan_20})


def no_such(directory: Path) -> None:
    names = {1: "Ethernet1", 2: "Ethernet2"}
    write_device(directory, interfaces(names, names))


def slow(directory: Path, entries: int = 200, stall_at: int = 120, wait_ms: int = 5000) -> None:
    stalling(directory, "slow-sw", "a switch that stalls half way through its MAC table", entries, [stall_at], wait_ms)


def dawdling(directory: Path, entries: int = 1000, every: int = 50, wait_ms: int = 250) -> None:
    """A switch that answers every request in time but never gets done: every ``every``-th entry of its
    ``entries``-entry BRIDGE-MIB table answers after ``wait_ms``, so each GETBULK of ``every`` entries
    waits once and the whole walk takes entries / every * wait_ms (the tests' device past its deadline)."""
    stalling(directory, "dawdle-sw", "a switch that answers slowly, request after request", entries,
             range(every // 2, entries, every), wait_ms)


def numbered_mac(n: int) -> str:
    return f"02:00:00:{n >> 16 & 255:02x}:{n >> 8 & 255:02x}:{n & 255:02x}"


def stalling(directory: Path, name: str, descr: str, entries: int, stalls, wait_ms: int) -> None:
    """A BRIDGE-MIB switch of ``entries`` MACs on 8 ports whose dot1dTpFdbPort entries numbered
    ``stalls`` answer after ``wait_ms`` (snmpsim's delay variation holds the whole agent that long)."""
    names = {n: f"Ethernet{n}" for n in range(1, 9)}
    records = {**system(name, descr), **interfaces(names, names)}
    records.update(bridge({n: n for n in names}, [
        (numbered_mac(n), n % 8 + 1, LEARNED) for n in range(entries)]))
    for n in stalls:
        records[f"{FDB}.2.{mac_index(numbered_mac(n))}"] = ("2:delay", f"value={n % 8 + 1},wait={wait_ms}")
    write_device(directory, records)


def qbridge_switch(directory: Path, macs: int = 20000, vlans: int = 30, ports: int = 48) -> None:
    """The benchmark's switch: ``macs`` Q-BRIDGE entries spread over ``vlans`` VLANs and ``ports`` ports."""
    names = {n: f"Ethernet{n}" for n in range(1, ports + 1)}
    records = {**system("bench-sw", "a switch with a large MAC table"), **interfaces(names, names)}
    entries = [(100 + n % vlans, f"02:{n >> 24 & 255:02x}:{n >> 16 & 255:02x}:{n >> 8 & 255:02x}:{n & 255:02x}:01",
                n % ports + 1, LEARNED) for n in range(macs)]
    records.update(qbridge({n: n for n in names}, entries, {}))
    write_device(directory, records)


def main(argv: list) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[2] / "tests/data/snmpsim"
    cisco_access(root / "cisco-access")
    arista_dist(root / "arista-dist")
    router(root / "router")
    slow(root / "slow")
    view_end(root / "view-end")
    no_such(root / "no-such")
    print(f"snmpsim recordings written under {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
