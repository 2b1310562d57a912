"""Peer suite for acltrace.tables.show: every MAC/ARP/CDP/LLDP sample in tests/data/device_outputs.

ntc-templates' samples (``.raw`` + ``.yml``) and genieparser's (``_output.txt`` + ``_expected.json``)
are parsed with ``parse_capture`` and compared with the expected records put into our row schema
(MACs and interface names normalised the same way). Rows are compared as sorted lists without
``switch``/``device`` (the samples' prompts name devices the expected records do not).
"""
import json
import pathlib
import subprocess
import sys

import pytest
import yaml
from conftest import CORPUS, REPO

from acltrace.addresses import mac_colon
from acltrace.tables import captures as capture
from acltrace.tables import ifnames as ifname
from acltrace.tables import show as showparse
from acltrace.tables.capabilities import capability_words
from acltrace.tables.rows import ARP, MAC, NEIGHBOR, neighbor_name, neighbor_port

OUTPUTS = CORPUS / "device_outputs"
ALLOWLIST = json.loads((pathlib.Path(__file__).parent / "device_outputs_allowlist.json").read_text())


def _sorted(rows, fields=None):
    fields = fields or sorted({k for r in rows for k in r} - {"switch", "device"})
    return sorted(tuple(r.get(f, "") for f in fields) for r in rows), fields


def _check(sample_id, got, want, fields=None):
    if sample_id in ALLOWLIST:
        pytest.xfail(ALLOWLIST[sample_id])
    want_rows, fields = _sorted(want, fields)
    got_rows, _ = _sorted(got, fields)
    assert got_rows == want_rows


# --- ntc-templates --------------------------------------------------------------------------------

def _ntc_samples():
    for raw in sorted(OUTPUTS.glob("*/*/*.raw")):
        yield pytest.param(raw, id=f"ntc/{raw.parent.parent.name}/{raw.parent.name}/{raw.stem}")


def _ntc_record(record):
    # ntc's yml writes a List value's None as the text "None"
    return {k: [p for p in v if p != "None"] if isinstance(v, list) else v for k, v in record.items()}


# Where a field ntc's template does not read changes our row, the row the device's output gives
# (sample -> field -> {the value from ntc's records: ours}); see GENIE_ERRATA.
NTC_ERRATA = {
    # ntc's NX-OS LLDP detail template has no Port Description; pure-storage's port id is a MAC and its
    # Port Description the port's name, eth0, which our row takes (rows.neighbor_port)
    "ntc/cisco_nxos/show_lldp_neighbors_detail/cisco_nxos_show_lldp_neighbors_detail2": {
        "neighbor_port": {"1a51.4800.0001": "Ethernet0"}},
}


def _ntc_want(raw, platform, cmd):
    expected = yaml.safe_load(raw.with_suffix(".yml").read_text(encoding="utf-8"))["parsed_sample"] or []
    want = showparse.to_rows(cmd.kind, [_ntc_record(r) for r in expected], "", platform, cmd.name)
    return _errata(f"ntc/{platform}/{raw.parent.name}/{raw.stem}", want, NTC_ERRATA)


@pytest.mark.parametrize("raw", list(_ntc_samples()))
def test_ntc_sample(raw):
    platform, command = raw.parent.parent.name, raw.parent.name.replace("_", " ")
    cmd = capture.recognise(command)
    assert cmd, command
    want = _ntc_want(raw, platform, cmd)
    tables = showparse.parse_capture(raw.read_bytes().decode("utf-8"), platform=platform, command=command)
    assert not tables.problems
    _check(f"ntc/{platform}/{raw.parent.name}/{raw.stem}", getattr(tables, cmd.kind), want)


@pytest.mark.parametrize("raw", list(_ntc_samples()))
def test_ntc_sample_platform_detected(raw):
    """With only the command known (a bare paste), the detected platform's template gives the same rows."""
    platform, command = raw.parent.parent.name, raw.parent.name.replace("_", " ")
    cmd = capture.recognise(command)
    want = _ntc_want(raw, platform, cmd)
    tables = showparse.parse_capture(raw.read_bytes().decode("utf-8"), command=command)
    assert not tables.problems
    want_rows, fields = _sorted(want)
    assert _sorted(getattr(tables, cmd.kind), fields)[0] == want_rows


# --- genieparser ----------------------------------------------------------------------------------

GENIE_PLATFORM = {"ios": "cisco_ios", "iosxe": "cisco_ios", "nxos": "cisco_nxos", "iosxr": "cisco_xr",
                  "junos": "juniper_junos", "asa": "cisco_asa"}
GENIE_COMMAND = {
    "ShowArp": "show arp", "ShowIpArp": "show ip arp", "ShowArpDetail": "show arp detail",
    "ShowIpArpDetailVrfAll": "show ip arp detail vrf all", "ShowArpNoResolve": "show arp no-resolve",
    "ShowCdpNeighbors": "show cdp neighbors", "ShowCdpNeighborsDetail": "show cdp neighbors detail",
    "ShowLldpNeighbors": "show lldp neighbors", "ShowLldpNeighborsDetail": "show lldp neighbors detail",
    "ShowLldpNeighborDetail": "show lldp neighbors detail", "ShowMacAddressTable": "show mac address-table",
}


def _genie_arp(data, os_name, platform):
    if os_name == "junos":
        entries = data.get("arp-table-information", {}).get("arp-table-entry", [])
        return [{"ip": e["ip-address"], "mac": mac_colon(e["mac-address"]),
                 "interface": ifname.canonical(e["interface-name"], platform)} for e in entries], \
            ["ip", "mac", "interface"]
    interfaces = data if os_name == "asa" else data.get("interfaces", {})
    rows = []
    for intf, body in interfaces.items():
        for n in body.get("ipv4", {}).get("neighbors", {}).values():
            mac = mac_colon(n["link_layer_address"])
            if mac:
                rows.append({"ip": n["ip"], "mac": mac, "interface": ifname.canonical(intf, platform),
                             "age": n.get("age", "")})
    return rows, ["ip", "mac", "interface", "age"]


def _genie_mac(data, platform):
    rows = []
    for vlan, vbody in data.get("mac_table", {}).get("vlans", {}).items():
        for mac, mbody in vbody.get("mac_addresses", {}).items():
            for intf, ibody in mbody.get("interfaces", {}).items():
                if showparse.not_a_port(intf):
                    continue
                rows.append({"mac": mac_colon(mac), "port": ifname.canonical(intf, platform),
                             "vlan": vlan, "type": (ibody.get("entry_type") or ibody.get("mac_type", "")).lower()})
    return rows, ["mac", "port", "vlan", "type"]


def _genie_port(name, platform):
    # genie writes a neighbour's port id with its first letter upper-cased and without the space
    # in "Port 1" (Vmnic2, Port1, C81f.77ff.dddd); the device printed vmnic2, Port 1, c81f.77ff.dddd.
    # Compared in lower case without spaces, so any other difference still fails.
    return ifname.canonical(name, platform).replace(" ", "").lower()


def _genie_cdp(data, platform, detail):
    entries = (data if detail else data.get("cdp", {})).get("index", {}).values()
    rows = []
    for e in entries:
        if not e.get("device_id") or not e.get("local_interface"):
            continue  # a neighbour row names both; genie keeps an entry whose name or port was cut off
        caps = e.get("capabilities" if detail else "capability", "")
        rows.append({"port": ifname.canonical(e.get("local_interface", ""), platform),
                     "neighbor": neighbor_name(e.get("device_id", "")),
                     "neighbor_port": _genie_port(e.get("port_id", ""), platform),
                     "capabilities": capability_words(caps, "cdp"),
                     "platform": e.get("platform", "").strip()})
    return rows, ["port", "neighbor", "neighbor_port", "capabilities", "platform"]


# The device's placeholder for a System Name it was not sent: genie files the neighbour under that
# text, our row names it by its chassis id (a name the trace can match; "not advertised" matches
# nothing), so the chassis id genie also keeps in that record is what we compare with.
# NX-OS prints "null" for it (and for a Port Description it was not sent, which genie reads as none).
_NO_SYSTEM_NAME = ("not advertised", "null")


def _genie_lldp(data, platform):
    rows = []
    for intf, ibody in data.get("interfaces", {}).items():
        for port_id, pbody in ibody.get("port_id", {}).items():
            for name, n in pbody.get("neighbors", {}).items():
                port = neighbor_port(port_id, n.get("port_description", ""))
                if name.strip() in _NO_SYSTEM_NAME:
                    name = n["chassis_id"]
                rows.append({"port": ifname.canonical(intf, platform), "neighbor": name.strip(),
                             "neighbor_port": _genie_port(port, platform)})
    return rows, ["port", "neighbor", "neighbor_port"]


# Where genie's expected parse is not what the device printed, the device's value replaces genie's
# (sample -> field -> {genie's value: the device's}); everything else in the sample is compared as is.
_CUT_PLATFORM = {  # IOS's Platform column is 10 wide: genie split "WS-C3524-XFas 0/13" at the space
    "platform": {"WS-C3524-XFas": "WS-C3524-X", "WS-C2950T-Fas": "WS-C2950T-"},
    "neighbor_port": {"0/13": "fastethernet0/13", "0/15": "fastethernet0/15"},
}
GENIE_ERRATA = {
    "genie/ios/ShowCdpNeighbors/device_output_1": _CUT_PLATFORM,
    "genie/iosxe/ShowCdpNeighbors/device_output_1": _CUT_PLATFORM,
    # genie read the I of platform "IP Phone" as the IGMP capability
    "genie/iosxe/ShowCdpNeighbors/device_output_9": {
        "capabilities": {"host phone mac-relay igmp": "host phone mac-relay"}, "platform": {"Phone": "IP Phone"}},
    # genie drops the ":0" of the channelised serial port Ser 0/1/0:0 (a different interface)
    "genie/iosxe/ShowCdpNeighbors/golden_output_10": {
        "port": {"Serial0/1/0": "Serial0/1/0:0"}, "neighbor_port": {"serial0/1/0": "serial0/1/0:0"}},
    # the HPE neighbour's port is Ten-GigabitEthernet1/0/10 (Comware's name); genie dropped the hyphen
    "genie/nxos/ShowCdpNeighbors/golden_output_4": {
        "neighbor_port": {"tengigabitethernet1/0/10": "ten-gigabitethernet1/0/10",
                          "tengigabitethernet2/0/20": "ten-gigabitethernet2/0/20"}},
    # genie wrote the port id "PCI-E Slot 1, Port 2" without its blanks, so it looks like an interface
    # name to rows.neighbor_port; as printed it does not, and our row takes the Port Description
    "genie/nxos/ShowLldpNeighborsDetail/golden_output2": {
        "neighbor_port": {"pci-eslot1,port2": "connectx-4lx,25g/10g/1gsfp"}},
    # "Drop (Eth17/3.280)" is a drop entry for a routed subinterface's MAC, not a host on that port
    # (None: the row is not one of ours)
    "genie/nxos/ShowMacAddressTable/golden_output_4": {"port": {"Ethernet17/3.280": None}},
}


def _errata(sample_id, rows, errata=None):
    fixes = (GENIE_ERRATA if errata is None else errata).get(sample_id, {})
    rows = [{k: fixes.get(k, {}).get(v, v) for k, v in r.items()} for r in rows]
    return [r for r in rows if None not in r.values()]


def _genie_samples():
    for out in sorted((OUTPUTS / "genie").glob("*/*/*_output.txt")):
        os_name, parser = out.parent.parent.name, out.parent.name
        yield pytest.param(out, id="genie/{}/{}/{}".format(os_name, parser, out.name[:-len("_output.txt")]))


@pytest.mark.parametrize("out", list(_genie_samples()))
def test_genie_sample(out):
    os_name, parser = out.parent.parent.name, out.parent.name
    platform, command = GENIE_PLATFORM[os_name], GENIE_COMMAND[parser]
    data = json.loads(out.with_name(out.name.replace("_output.txt", "_expected.json")).read_text(encoding="utf-8"))
    kind = capture.recognise(command).kind
    if kind == ARP:
        want, fields = _genie_arp(data, os_name, platform)
    elif kind == MAC:
        want, fields = _genie_mac(data, platform)
    elif "cdp" in command:
        want, fields = _genie_cdp(data, platform, "detail" in command)
    else:
        want, fields = _genie_lldp(data, platform)
    tables = showparse.parse_capture(out.read_bytes().decode("utf-8"), platform=platform, command=command)
    sample_id = "genie/{}/{}/{}".format(os_name, parser, out.name[:-len("_output.txt")])
    if sample_id not in ALLOWLIST:
        assert not tables.problems
    want = _errata(sample_id, want)
    got = getattr(tables, kind)
    if kind == ARP:
        got = [r for r in got if r["interface"]]  # genie files ARP entries under their interface: none, not kept
    if kind == NEIGHBOR:
        got = [dict(r, neighbor_port=r["neighbor_port"].replace(" ", "").lower()) for r in got]  # see _genie_port
    _check(sample_id, got, want, fields)


# --- captures, junk and normalisation -------------------------------------------------------------

CAPTURES = CORPUS / "captures"


def test_multi_device_capture_with_paging_junk_crlf_and_footer():
    tables = showparse.parse_capture((CAPTURES / "multi.txt").read_bytes().decode())
    assert tables.problems == []
    assert [(r["switch"], r["mac"], r["port"], r["vlan"]) for r in tables.mac] == [
        ("core-sw1", "00:10:0d:e0:e2:89", "GigabitEthernet1/0/24", "10"),
        ("core-sw1", "b8:d6:f6:ff:73:90", "GigabitEthernet1/0/1", "10"),
        ("core-sw1", "00:11:22:33:44:55", "Port-channel1", "20"),   # after --More-- and its backspaces
        ("core-sw1", "00:11:22:33:66:77", "TenGigabitEthernet1/1/1", "20"),
        ("sw3", "00:10:0d:e0:e2:90", "ge-0/0/1.0", "100"),         # Junos user@host> prompt
    ]
    assert [(r["ip"], r["mac"], r["interface"]) for r in tables.arp] == [
        ("10.1.10.1", "00:11:22:33:aa:bb", "Vlan10"), ("10.1.10.23", "00:10:0d:e0:e2:89", "Vlan10")]
    assert tables.neighbor == [{
        "switch": "core-sw1", "port": "TenGigabitEthernet1/1/1", "neighbor": "acc-sw2.example.com",
        "neighbor_port": "GigabitEthernet0/1", "capabilities": "switch igmp", "platform": "cisco WS-C2960-24TT-L",
        "neighbor_ip": "10.1.1.2", "protocol": "cdp"}]


@pytest.mark.parametrize("typed, kind, name", [
    ("sh mac add", "mac", "show mac address-table"),
    ("show mac address-table vlan 10", "mac", "show mac address-table"),
    ("show mac-address", "mac", "show mac-address"),
    ("sh ip arp", "arp", "show ip arp"),
    ("show cdp nei det", "neighbor", "show cdp neighbors detail"),
    ("show cdp neighbors Gi1/0/1 detail", "neighbor", "show cdp neighbors detail"),
    ("sh lldp neighbors detail", "neighbor", "show lldp neighbors detail"),
    ("dis mac-address", "mac", "display mac-address"),
    ("show ethernet-switching table", "mac", "show ethernet-switching table"),
    ("show ip arp | include Vlan10", "arp", "show ip arp"),
])
def test_abbreviated_commands(typed, kind, name):
    cmd = capture.recognise(typed)
    assert (cmd.kind, cmd.name) == (kind, name)


def test_prompts():
    text = "<HP-5130>display mac-address\nsw(config)#do show ip arp\nsw4# show mac-address-table\nR1>term len 0\n"
    sections, _ = capture.split_capture(text)
    assert [(s.device, s.typed, s.vendor_hint) for s in sections] == [
        ("HP-5130", "display mac-address", "comware/huawei"), ("sw", "do show ip arp", None),
        ("sw4", "show mac-address-table", None),
        ("R1", "term len 0", None)]


IOS_MAC = """Vlan    Mac Address       Type        Ports
----    -----------       --------    -----
  10    0010.0de0.e289    DYNAMIC     Gi1/0/24
Total Mac Addresses for this criterion: 1
"""


def test_bare_output_platform_detected_and_overridden():
    found = showparse.parse_capture(IOS_MAC, device="acc-sw9")
    assert found.mac == [{"mac": "00:10:0d:e0:e2:89", "switch": "acc-sw9", "port": "GigabitEthernet1/0/24",
                          "vlan": "10", "type": "dynamic"}]
    forced = showparse.parse_capture(IOS_MAC, platform="juniper_junos", command="show ethernet-switching table")
    assert forced.mac == [] and forced.problems


def test_malformed_and_binary_junk_spoil_only_their_own_section():
    text = ("sw1#show mac address-table\n" + IOS_MAC
            + "sw1#show cdp neighbors\n\x00\x01\x02\xff garbage \x00\n"
            + "sw1#show ip arp\nthis is not an arp table\n at all\n"
            + "sw1#show running-config\nhostname sw1\n"
            + "sw2#sh mac add\n" + IOS_MAC.replace("DYNAMIC ", "DYNAMIC\x00"))
    tables = showparse.parse_capture(text)
    assert [r["switch"] for r in tables.mac] == ["sw1"]
    assert any("unreadable" in p for p in tables.problems)
    assert any("show running-config" in p for p in tables.problems)
    assert tables.arp == [] and tables.neighbor == []


def test_binary_file(tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 20)
    missing = tmp_path / "missing.txt"
    tables = showparse.parse_files([junk, missing, CAPTURES / "multi.txt"])
    assert len(tables.mac) == 5 and len(tables.problems) >= 2


@pytest.mark.parametrize("name, platform, want", [
    ("Gi1/0/24", None, "GigabitEthernet1/0/24"), ("Gig 1/0/24", None, "GigabitEthernet1/0/24"),
    ("gi1/0/24", None, "GigabitEthernet1/0/24"), ("GigabitEthernet1/0/24", None, "GigabitEthernet1/0/24"),
    ("Fa0/7", None, "FastEthernet0/7"), ("Te1/1/1", None, "TenGigabitEthernet1/1/1"),
    ("Twe1/0/1", None, "TwentyFiveGigE1/0/1"), ("Tw1/0/1", None, "TwoGigabitEthernet1/0/1"),
    ("Fo1/1/1", None, "FortyGigabitEthernet1/1/1"), ("Hu1/0/49", None, "HundredGigE1/0/49"),
    ("Po12", None, "Port-channel12"), ("port-channel12", None, "Port-channel12"), ("Eth1/1", None, "Ethernet1/1"),
    ("Et1", None, "Ethernet1"), ("Vl10", None, "Vlan10"), ("Lo0", None, "Loopback0"), ("mgmt0", None, "mgmt0"),
    ("ge-0/0/1.0", None, "ge-0/0/1.0"), ("Trk1", None, "Trk1"), ("24", None, "24"), ("1/1/1", None, "1/1/1"),
    ("GE1/0/1", None, "GigabitEthernet1/0/1"), ("XGE1/0/49", None, "Ten-GigabitEthernet1/0/49"),
    ("XGE0/0/1", "huawei_vrp", "XGigabitEthernet0/0/1"), ("BAGG1", None, "Bridge-Aggregation1"),
    ("Port 6", None, "Port 6"), ("Port1", None, "Port1"),
])
def test_interface_names(name, platform, want):
    assert ifname.canonical(name, platform) == want


@pytest.mark.parametrize("name, lag", [("Po1", True), ("ae0", True), ("Bundle-Ether10", True), ("Trk2", True),
                                       ("lag 1", True), ("Eth-Trunk3", True), ("BAGG1", True),
                                       ("port-channel1", True), ("vPC Peer-Link", True), ("Gi1/0/1", False),
                                       ("Ethernet1/1", False), ("24", False)])
def test_is_lag(name, lag):
    assert ifname.is_lag(name) is lag


# --- the app's own copy: ntc-templates pruned to the tables acltrace reads (tools/build/prune_ntc_templates.py)

_READ_ALL = """
import json, sys
sys.path[0:0] = [sys.argv[1] + "/lib", sys.argv[1] + "/bin"]
import ntc_templates
from acltrace.tables import captures as capture
from acltrace.tables import show as showparse
assert ntc_templates.__file__.startswith(sys.argv[1] + "/lib"), ntc_templates.__file__
out = {}
for line in sys.stdin:
    path, platform, command = json.loads(line)
    text = open(path, "rb").read().decode("utf-8")
    kind = capture.recognise(command).kind
    out[path] = [getattr(showparse.parse_capture(text, platform=p, command=command), kind) for p in (platform, None)]
print(json.dumps(out))
"""


def test_the_vendored_pruned_templates_read_every_sample_as_the_full_set_does():
    """lib/ (what the app ships) keeps only the templates acltrace looks up; every sample, with its
    platform given and detected, gives the same rows there as with the whole ntc-templates."""
    lib = REPO / "lib" / "ntc_templates" / "templates"
    assert len(list(lib.glob("*.textfsm"))) < 100, "make build prunes lib/'s ntc-templates"
    samples = [(str(p.values[0]), p.values[0].parent.parent.name, p.values[0].parent.name.replace("_", " "))
               for p in _ntc_samples()]
    samples += [(str(p.values[0]), GENIE_PLATFORM[p.values[0].parent.parent.name],
                 GENIE_COMMAND[p.values[0].parent.name]) for p in _genie_samples()]
    run = subprocess.run([sys.executable, "-I", "-c", _READ_ALL, str(REPO)], capture_output=True, text=True,
                         input="".join(json.dumps(s) + "\n" for s in samples), check=False)
    assert run.returncode == 0, run.stderr
    pruned = json.loads(run.stdout)
    for path, platform, command in samples:
        kind = capture.recognise(command).kind
        full = [getattr(showparse.parse_capture(pathlib.Path(path).read_bytes().decode("utf-8"), platform=p,
                                                command=command), kind) for p in (platform, None)]
        assert pruned[path] == full, path
