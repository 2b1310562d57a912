"""The MAC trace (acltrace.trace.topology) on a small synthetic campus.

gw-rtr1 (inside Gi0/1 to core-sw1, outside Gi0/0 to isp-rtr); core-sw1 to acc-sw1 by CDP on
Gi1/0/23 and to acc-sw2 by LLDP over Port-channel1 (members Gi1/0/24-25); acc-sw1 Gi0/48 leads to
acc-sw3, whose table is not in the data; acc-sw1 Gi0/10 is a hub; acc-sw2 Fa0/9 has an IP phone.
"""
import time

import pytest

from acltrace.tables.ifnames import is_lag
from acltrace.tables.rows import name_key, row_time
from acltrace.trace.topology import Topology
from acltrace.trace.vendors import mac_vendor

T = 1714564800          # 2024-05-01T12:00:00Z
CORE, ACC1, ACC2, RTR = "core-sw1", "acc-sw1", "acc-sw2", "gw-rtr1"
INSIDE, OUTSIDE = "GigabitEthernet0/1", "GigabitEthernet0/0"
PC = "00:11:22:33:44:55"          # the infected machine, behind acc-sw2 Fa0/7
PC_A = "00:11:22:33:44:66"        # behind acc-sw1 Gi0/5
FLAP = "00:11:22:33:44:77"
UPLINK_ONLY = "00:11:22:33:44:88"
MOVED = "00:11:22:33:44:99"
BEHIND_PHONE = "00:11:22:33:44:aa"
RTR_INSIDE = "00:0b:bf:00:00:01"  # gw-rtr1's inside interface, no ARP for it
CORE_SVI = "00:0b:bf:00:00:02"
ISP = "00:0b:bf:aa:bb:cc"         # isp-rtr, the upstream router: ARP of its CDP address
ISP_PEER = "00:0b:bf:aa:bb:cd"    # another address behind isp-rtr
FIREWALL = "00:09:0f:12:34:56"    # Fortinet, in no MAC table


def mac(m, switch, port, vlan, last, first=None):
    return {"mac": m, "switch": switch, "port": port, "vlan": vlan, "type": "dynamic",
            "first_seen": first if first is not None else last - 600, "last_seen": last}


def nb(switch, port, neighbor, neighbor_port, capabilities, ip, protocol):
    return {"switch": switch, "port": port, "neighbor": neighbor, "neighbor_port": neighbor_port,
            "capabilities": capabilities, "platform": "", "neighbor_ip": ip, "protocol": protocol}


def arp(ip, m, interface, device=RTR):
    return {"ip": ip, "mac": m, "device": device, "interface": interface, "last_seen": T}


NEIGHBORS = [
    nb(RTR, INSIDE, "core-sw1.campus.local", "GigabitEthernet1/0/1", "S I", "10.0.0.2", "cdp"),
    nb(RTR, OUTSIDE, "isp-rtr", "GigabitEthernet0/2", "R", "203.0.113.1", "cdp"),
    nb(CORE, "GigabitEthernet1/0/1", "gw-rtr1.campus.local", INSIDE, "R I", "10.0.0.1", "cdp"),
    nb(CORE, "GigabitEthernet1/0/23", "acc-sw1(FOC1234X0AB)", "GigabitEthernet0/1", "S I", "10.0.0.11", "cdp"),
    nb(ACC1, "GigabitEthernet0/1", "CORE-SW1", "GigabitEthernet1/0/23", "S I", "10.0.0.2", "cdp"),
    nb(ACC1, "GigabitEthernet0/48", "acc-sw3", "GigabitEthernet1/1", "B", "", "lldp"),
    nb(CORE, "GigabitEthernet1/0/24", "acc-sw2", "GigabitEthernet0/1", "Bridge", "10.0.0.12", "lldp"),
    nb(CORE, "GigabitEthernet1/0/25", "acc-sw2", "GigabitEthernet0/2", "Bridge", "10.0.0.12", "lldp"),
    nb(ACC2, "GigabitEthernet0/1", "core-sw1", "GigabitEthernet1/0/24", "B,R", "10.0.0.2", "lldp"),
    nb(ACC2, "FastEthernet0/9", "SEP00AABBCC0009", "Port 1", "H P M", "10.1.10.9", "cdp"),
]

HUB = [f"00:11:22:00:00:0{i}" for i in range(1, 10)]

MACS = [
    # the infected PC: times as strings, as a CSV lookup gives them
    mac(PC, CORE, "Port-channel1", "10", str(T - 30), first=str(T - 7200)),
    mac(PC, ACC2, "FastEthernet0/7", "10", f"{T - 20}.0", first=str(T - 7200)),
    mac(PC_A, CORE, "GigabitEthernet1/0/23", "20", T - 5),
    mac(PC_A, ACC1, "GigabitEthernet0/5", "20", T - 5),
    *[mac(m, ACC1, "GigabitEthernet0/10", "20", T - 100) for m in HUB],
    mac(FLAP, CORE, "GigabitEthernet1/0/23", "20", T - 600),
    mac(FLAP, CORE, "Port-channel1", "10", T - 60),
    mac(FLAP, ACC1, "GigabitEthernet0/6", "20", T - 600),
    mac(FLAP, ACC2, "FastEthernet0/8", "10", T - 60),
    mac(UPLINK_ONLY, CORE, "GigabitEthernet1/0/23", "20", T),
    mac(UPLINK_ONLY, ACC1, "GigabitEthernet0/48", "20", T),
    mac(MOVED, ACC1, "GigabitEthernet0/7", "20", T - 86400, first=T - 90000),
    mac(MOVED, ACC2, "FastEthernet0/10", "10", T, first=T - 3600),
    mac("00:aa:bb:cc:00:09", ACC2, "FastEthernet0/9", "10", T),
    mac(BEHIND_PHONE, ACC2, "FastEthernet0/9", "10", T),
    mac(RTR_INSIDE, CORE, "GigabitEthernet1/0/1", "1", T),
    mac(RTR_INSIDE, ACC2, "Port-channel1", "1", T),
    mac(CORE_SVI, CORE, "CPU", "1", "", first=""),
    mac("01:00:0c:cc:cc:cc", CORE, "CPU", "All", "", first=""),
    mac(CORE_SVI, ACC1, "GigabitEthernet0/1", "1", T),
]

ARP = [
    arp("10.1.10.50", PC, INSIDE),
    arp("10.0.0.2", CORE_SVI, INSIDE),
    arp("203.0.113.1", ISP, OUTSIDE),
    arp("203.0.113.2", ISP_PEER, OUTSIDE),
    arp("198.51.100.7", FIREWALL, OUTSIDE),
]


@pytest.fixture(scope="module")
def campus():
    return Topology(MACS, NEIGHBORS, ARP)


def check(trace, verdict, reason, path, switch="", port="", vlan="", last_seen=None):
    assert trace.as_dict() == {"verdict": verdict, "switch": switch, "port": port, "vlan": vlan,
                               "last_seen": last_seen, "path": path, "reason": reason}


def test_edge_port_through_a_port_channel_with_string_times(campus):
    check(campus.trace(PC), "edge_port", "edge port acc-sw2 FastEthernet0/7 vlan 10, last seen 2024-05-01T11:59:40Z",
          "core-sw1 Port-channel1 -> acc-sw2 FastEthernet0/7", ACC2, "FastEthernet0/7", "10", T - 20)


def test_edge_port_from_the_logging_router(campus):
    t = campus.trace("0011.2233.4455", RTR, INSIDE)
    assert t.path == ("gw-rtr1 GigabitEthernet0/1", "core-sw1 Port-channel1", "acc-sw2 FastEthernet0/7")
    assert (t.verdict, t.switch, t.port, t.router) == ("edge_port", ACC2, "FastEthernet0/7", None)


def test_edge_port_over_cdp_with_numeric_times(campus):
    check(campus.trace(PC_A), "edge_port", "edge port acc-sw1 GigabitEthernet0/5 vlan 20, last seen "
          "2024-05-01T11:59:55Z", "core-sw1 GigabitEthernet1/0/23 -> acc-sw1 GigabitEthernet0/5",
          ACC1, "GigabitEthernet0/5", "20", T - 5)


def test_a_phone_neighbour_leaves_the_port_an_edge(campus):
    check(campus.trace(BEHIND_PHONE), "edge_port", "edge port acc-sw2 FastEthernet0/9 vlan 10, last seen "
          "2024-05-01T12:00:00Z, behind CDP neighbour SEP00AABBCC0009", "acc-sw2 FastEthernet0/9",
          ACC2, "FastEthernet0/9", "10", T)


def test_moved_mac_goes_to_the_newest_port_or_the_one_at_the_event(campus):
    check(campus.trace(MOVED), "edge_port", "edge port acc-sw2 FastEthernet0/10 vlan 10, last seen "
          "2024-05-01T12:00:00Z; earlier on acc-sw1 GigabitEthernet0/7", "acc-sw2 FastEthernet0/10",
          ACC2, "FastEthernet0/10", "10", T)
    check(campus.trace(MOVED, now=str(T - 86000)), "edge_port", "edge port acc-sw1 GigabitEthernet0/7 vlan 20, "
          "last seen 2024-04-30T12:00:00Z", "acc-sw1 GigabitEthernet0/7", ACC1, "GigabitEthernet0/7", "20", T - 86400)


def test_hub_port_is_ambiguous(campus):
    t = campus.trace(HUB[0])
    check(t, "ambiguous", "acc-sw1 GigabitEthernet0/10 vlan 20 has 9 MACs: a hub or unmanaged switch is behind it, "
          "last seen 2024-05-01T11:58:20Z", "acc-sw1 GigabitEthernet0/10", ACC1, "GigabitEthernet0/10", "20", T - 100)
    assert t.candidates == ("acc-sw1 GigabitEthernet0/10",)
    assert Topology(MACS, NEIGHBORS, ARP, many_macs=10).trace(HUB[0]).verdict == "edge_port"


def test_flapping_mac_is_ambiguous(campus):
    t = campus.trace(FLAP)
    check(t, "ambiguous", "live on 2 edge ports within 1 h: acc-sw2 FastEthernet0/8, acc-sw1 GigabitEthernet0/6 "
          "(flapping, moved or duplicate MAC)", "core-sw1 Port-channel1 -> acc-sw2 FastEthernet0/8", last_seen=T - 60)
    assert t.candidates == ("acc-sw2 FastEthernet0/8", "acc-sw1 GigabitEthernet0/6")
    narrow = Topology(MACS, NEIGHBORS, ARP, window=300).trace(FLAP)
    assert (narrow.verdict, narrow.port) == ("edge_port", "FastEthernet0/8")
    assert narrow.reason.endswith("; earlier on acc-sw1 GigabitEthernet0/6")


def test_uplink_only(campus):
    check(campus.trace(UPLINK_ONLY), "uplink_only", "seen only on uplinks; the trail ends at acc-sw1 "
          "GigabitEthernet0/48 towards acc-sw3, whose MAC table is not in the data",
          "core-sw1 GigabitEthernet1/0/23 -> acc-sw1 GigabitEthernet0/48", ACC1, "GigabitEthernet0/48", "20", T)


def test_router_hop_by_arp_of_the_upstream_routers_cdp_address(campus):
    t = campus.trace(ISP, RTR, OUTSIDE)
    check(t, "router_hop", "router hop: ARP on gw-rtr1 GigabitEthernet0/0 gives this MAC for 203.0.113.1, "
          "the CDP neighbour isp-rtr's address", "gw-rtr1 GigabitEthernet0/0 -> isp-rtr GigabitEthernet0/2",
          RTR, OUTSIDE)
    assert t.router == {"name": "isp-rtr", "ip": "203.0.113.1"}


def test_router_hop_by_arp_behind_a_router_neighbour(campus):
    t = campus.trace(ISP_PEER, "GW-RTR1.campus.local", OUTSIDE)
    check(t, "router_hop", "router hop: ARP on gw-rtr1 GigabitEthernet0/0 gives this MAC for 203.0.113.2, "
          "behind the CDP neighbour isp-rtr, a router", "gw-rtr1 GigabitEthernet0/0 -> isp-rtr GigabitEthernet0/2",
          RTR, OUTSIDE)
    assert t.router == {"name": "isp-rtr", "ip": "203.0.113.2"}
    check(campus.trace(ISP_PEER), "not_found", "no MAC table has it; ARP: 203.0.113.2 on gw-rtr1 GigabitEthernet0/0",
          "")


def test_host_arp_on_the_inside_is_not_a_router_hop(campus):
    # dvc given by address; its neighbour there, core-sw1, is not only a router
    assert campus.trace(PC, "10.0.0.1", INSIDE).verdict == "edge_port"


def test_router_hop_by_capability_of_the_macs_owner(campus):
    t = campus.trace(ISP)
    check(t, "router_hop", "router hop: the MAC belongs to isp-rtr (203.0.113.1), a neighbour with router capability",
          "")
    assert t.router == {"name": "isp-rtr", "ip": "203.0.113.1"}
    check(campus.trace(CORE_SVI), "router_hop", "router hop: the MAC belongs to core-sw1 (10.0.0.2), a neighbour with "
          "router capability; seen on acc-sw1 GigabitEthernet0/1", "acc-sw1 GigabitEthernet0/1",
          ACC1, "GigabitEthernet0/1", "1", T)


def test_router_hop_where_the_trail_faces_a_router(campus):
    t = campus.trace(RTR_INSIDE)
    check(t, "router_hop", "router hop: seen on core-sw1 GigabitEthernet1/0/1, which faces router gw-rtr1 (10.0.0.1)",
          "acc-sw2 Port-channel1 -> core-sw1 GigabitEthernet1/0/1", CORE, "GigabitEthernet1/0/1", "1", T)
    assert t.router == {"name": "gw-rtr1", "ip": "10.0.0.1"}


def test_router_hop_by_vendor_is_weak(campus):
    t = campus.trace(FIREWALL)
    check(t, "router_hop", "router hop (weak, by vendor only): no MAC table has it and its OUI is registered to "
          "Fortinet, Inc., a router/firewall vendor; ARP: 198.51.100.7 on gw-rtr1 GigabitEthernet0/0", "")
    assert t.router == {"name": "", "ip": "198.51.100.7"}


def test_not_found(campus):
    check(campus.trace("00:de:ad:be:ef:00"), "not_found", "no MAC table or ARP entry has it", "")
    check(campus.trace("junk"), "not_found", "not a MAC address: 'junk'", "")
    check(Topology().trace(PC), "not_found", "no MAC table or ARP entry has it", "")


def test_a_neighbour_loop_ends_the_trail():
    rows = [mac(PC, "sw-a", "GigabitEthernet0/1", "5", T), mac(PC, "sw-b", "GigabitEthernet0/1", "5", T - 10)]
    links = [nb("sw-a", "GigabitEthernet0/1", "sw-b", "GigabitEthernet0/1", "S", "", "cdp"),
             nb("sw-b", "GigabitEthernet0/1", "sw-a", "GigabitEthernet0/1", "S", "", "cdp")]
    check(Topology(rows, links).trace(PC), "uplink_only", "seen only on uplinks; the trail loops back to sw-a",
          "sw-a GigabitEthernet0/1 -> sw-b GigabitEthernet0/1", "sw-b", "GigabitEthernet0/1", "5", T - 10)
    # A -> B -> A with an edge port on B: the loop does not stop the trace
    rows.append(mac(PC, "sw-b", "GigabitEthernet0/9", "5", T))
    assert Topology(rows, links).trace(PC).path == ("sw-a GigabitEthernet0/1", "sw-b GigabitEthernet0/9")


def test_lag_without_neighbour_rows_ends_the_trail():
    rows = [mac(PC, "sw-a", "Port-channel7", "5", T)]
    check(Topology(rows).trace(PC), "uplink_only", "seen only on uplinks; the trail ends at sw-a Port-channel7, a LAG "
          "with no neighbour in the data", "sw-a Port-channel7", "sw-a", "Port-channel7", "5", T)


def test_a_port_carrying_another_devices_mac_is_an_uplink():
    rows = [mac(PC, "sw-a", "GigabitEthernet0/2", "5", T), mac(CORE_SVI, "sw-a", "GigabitEthernet0/2", "1", T),
            mac(CORE_SVI, "sw-b", "CPU", "1", "", first=""), mac(PC, "sw-b", "GigabitEthernet0/3", "5", T)]
    check(Topology(rows).trace(PC), "edge_port", "edge port sw-b GigabitEthernet0/3 vlan 5, last seen "
          "2024-05-01T12:00:00Z", "sw-a GigabitEthernet0/2 -> sw-b GigabitEthernet0/3", "sw-b", "GigabitEthernet0/3",
          "5", T)


def test_malformed_rows_are_skipped_and_counted():
    rows = [None, "core-sw1 Gi1/0/1", {"mac": "", "switch": CORE, "port": "Gi1/0/1"},
            {"mac": "zz:zz", "switch": CORE, "port": "Gi1/0/1"}, {"mac": PC, "switch": CORE},
            {"mac": PC, "switch": ACC1, "port": "GigabitEthernet0/3", "vlan": None, "last_seen": "soon"}]
    topo = Topology(rows, [{"switch": CORE, "port": "Gi1/0/1"}, ["x"]],
                    [{"ip": "", "mac": PC}, {"ip": "10.0.0.9", "mac": "Incomplete"}, arp("10.0.0.5", PC, INSIDE)])
    assert topo.skipped == {"mac": 5, "neighbor": 2, "arp": 2}
    check(topo.trace(PC), "edge_port", "edge port acc-sw1 GigabitEthernet0/3", "acc-sw1 GigabitEthernet0/3",
          ACC1, "GigabitEthernet0/3")


def test_traces_are_cached(campus):
    assert campus.trace(PC, RTR, INSIDE) is campus.trace(PC, RTR, INSIDE)


def test_fields_for_splunk(campus):
    assert campus.trace(PC).fields() == {
        "trace_verdict": "edge_port", "trace_switch": ACC2, "trace_port": "FastEthernet0/7", "trace_vlan": "10",
        "trace_last_seen": str(T - 20), "trace_path": "core-sw1 Port-channel1 -> acc-sw2 FastEthernet0/7",
        "trace_reason": "edge port acc-sw2 FastEthernet0/7 vlan 10, last seen 2024-05-01T11:59:40Z",
        "mac_vendor": "CIMSYS Inc"}
    assert campus.trace(ISP).fields()["trace_last_seen"] == ""


def test_mac_vendor():
    assert mac_vendor("00:0b:bf:55:4c:70") == "Cisco Systems, Inc"
    assert mac_vendor("000B.BF55.4C70") == "Cisco Systems, Inc"
    assert mac_vendor("02:00:00:00:00:01") == ""
    assert mac_vendor("not a mac") == ""


def test_row_values():
    assert name_key("ACC-SW1.campus.local(FOC1234X0AB)") == "acc-sw1"
    assert name_key("10.0.0.1") == "10.0.0.1"
    assert row_time("1714564800") == row_time(1714564800.0) == T
    assert row_time("1714564800.5") == T + 0.5
    assert [row_time(v) for v in ("", None, "soon", "nan", -1)] == [None] * 5
    lags = ["Port-channel1", "port-channel10", "ae0", "ae1.0", "Bundle-Ether3", "Trk1", "lag 2", "Eth-Trunk4",
            "Bridge-Aggregation5", "peer-link", "vPC Peer-Link"]
    assert all(is_lag(p) for p in lags)
    assert not any(is_lag(p) for p in ["GigabitEthernet1/0/24", "Ethernet1/1", "ge-0/0/1", "FastEthernet0/7"])


def test_a_time_no_calendar_holds_is_unknown():
    """A device clock gone wild or a hostile cell (1e20, an int of 400 digits) is an unknown time, never an
    error: the trace goes on without it."""
    end = 253402300800                      # 10000-01-01T00:00:00Z
    assert row_time(end - 1) == end - 1
    wild = (1e20, "1e20", "1e300", 10**400, "1" + "0" * 400, end, float(end))
    assert [row_time(v) for v in wild] == [None] * len(wild)
    for first, last in ((1e20, 1e20), (T, 1e20), (10**400, "1e300")):
        topo = Topology([mac(PC, ACC2, "FastEthernet0/7", "20", last, first)])
        trace = topo.trace(PC, now=1e20)
        assert (trace.verdict, trace.switch, trace.port, trace.last_seen) == ("edge_port", ACC2, "FastEthernet0/7",
                                                                             None)
        assert "last seen" not in trace.reason and trace.fields()["trace_last_seen"] == ""


# --- a router hop known by ARP alone (issue 16.7) -------------------------------------------------

PROVIDER = "00:0b:bf:11:22:33"     # the provider's router on gw-rtr1 Gi0/2: no CDP/LLDP there, no MAC table
UPLINK = "GigabitEthernet0/2"


def test_arp_alone_makes_the_next_hop_a_router_hop():
    topo = Topology(MACS, NEIGHBORS, ARP + [arp("198.51.100.1", PROVIDER, UPLINK)])
    t = topo.trace(PROVIDER, RTR, "Gi0/2", src_ip="192.0.2.77")      # the interface as the log abbreviates it
    check(t, "router_hop", "router hop: ARP on gw-rtr1 GigabitEthernet0/2 gives this MAC for 198.51.100.1, not the "
          "packet's source 192.0.2.77: the next-hop router that forwarded it", "gw-rtr1 GigabitEthernet0/2",
          RTR, UPLINK)
    assert t.router == {"name": "", "ip": "198.51.100.1"}
    # without the source address nothing tells a router from a host there
    assert topo.trace(PROVIDER, RTR, UPLINK).verdict == "not_found"
    # ARP on another interface, or another device's ARP, says nothing of this hop
    assert topo.trace(PROVIDER, RTR, INSIDE, src_ip="192.0.2.77").verdict == "not_found"
    assert topo.trace(PROVIDER, "other-rtr", UPLINK, src_ip="192.0.2.77").verdict == "not_found"


def test_arp_for_the_source_itself_is_the_host_not_a_router():
    host = "00:50:56:aa:00:01"
    rows = ARP + [arp("198.51.100.9", host, UPLINK), arp("2001:db8:0:0::9", host, UPLINK)]
    topo = Topology(MACS, NEIGHBORS, rows)
    assert topo.trace(host, RTR, UPLINK, src_ip="198.51.100.9").verdict == "not_found"
    assert topo.trace(host, RTR, UPLINK, src_ip="2001:DB8::9").verdict == "not_found"     # one address, two spellings
    assert topo.trace(host, RTR, UPLINK, src_ip="not an address").verdict == "not_found"


def test_a_spoofing_host_is_not_a_router():
    """Blaster's host sends from 127.0.0.1 (its RSTs) or from spoofed addresses in its own /16 (its SYNs):
    ARP gives its MAC for its real address, which is not the source, and still it is no router."""
    host = "00:50:56:aa:00:02"
    topo = Topology(MACS, NEIGHBORS, ARP + [arp("10.20.0.15", host, UPLINK), arp("10.1.10.50", PC, UPLINK)])
    for src in ("127.0.0.1", "10.20.77.3", "169.254.1.1", "fe80::1", "0.0.0.0"):
        assert topo.trace(host, RTR, UPLINK, src_ip=src).verdict == "not_found", src
    # a host that a MAC table has on an edge port is that port, whatever its source says
    t = topo.trace(PC, RTR, UPLINK, src_ip="192.0.2.77")
    assert (t.verdict, t.switch, t.port) == ("edge_port", ACC2, "FastEthernet0/7")


def test_the_source_address_does_not_change_the_earlier_rules(campus):
    assert campus.trace(ISP, RTR, OUTSIDE, src_ip="203.0.113.1").reason == campus.trace(ISP, RTR, OUTSIDE).reason
    assert campus.trace(PC, RTR, INSIDE, src_ip="10.1.10.50").verdict == "edge_port"


# --- phones and access points leave their ports edges (issue 16.8) --------------------------------

PHONE, PC_BEHIND = "00:04:f2:d1:22:22", "00:11:22:33:55:01"
AP_CLIENTS = [f"00:11:22:44:00:{i:02x}" for i in range(12)]


def test_a_pc_behind_an_lldp_phone_that_says_bridge_and_telephone():
    rows = [mac(PHONE, ACC2, "FastEthernet0/11", "10", T), mac(PC_BEHIND, ACC2, "FastEthernet0/11", "10", T),
            mac(PC_BEHIND, CORE, "Port-channel1", "10", T), mac(PHONE, CORE, "Port-channel1", "10", T)]
    phone = nb(ACC2, "Fa0/11", "Polycom VVX 500", "0004.f2d1.2222", "B,T", "10.1.10.77", "lldp")
    # ARP of the phone's own address makes its MAC a known device's: still not a switch's
    topo = Topology(MACS + rows, NEIGHBORS + [phone], ARP + [arp("10.1.10.77", PHONE, INSIDE)])
    for m in (PC_BEHIND, PHONE):
        t = topo.trace(m)
        assert (t.verdict, t.switch, t.port) == ("edge_port", ACC2, "FastEthernet0/11"), t.reason
        assert t.reason.endswith("behind LLDP neighbour Polycom VVX 500")


def test_an_access_points_clients_are_on_an_edge_port_not_a_hub():
    rows = [mac(m, ACC1, "GigabitEthernet0/12", "20", T) for m in AP_CLIENTS]
    ap = nb(ACC1, "GigabitEthernet0/12", "ap-2f-01", "eth0", "Bridge, WLAN access point", "", "lldp")
    t = Topology(MACS + rows, NEIGHBORS + [ap]).trace(AP_CLIENTS[3])
    assert (t.verdict, t.port) == ("edge_port", "GigabitEthernet0/12")
    assert t.reason.endswith("behind LLDP neighbour ap-2f-01")
    # the same port without the AP's row: 12 MACs, a hub
    assert Topology(MACS + rows, NEIGHBORS).trace(AP_CLIENTS[3]).verdict == "ambiguous"


def test_phones_and_aps_of_a_real_cdp_table():
    """ntc-templates' cisco_ios show cdp neighbors sample: IP phones (H P M) and Cisco APs, whose CDP says
    T B I (Trans-Bridge, no WLAN) with an AIR- platform, beside a router (R B S) on Gi1/0/1."""
    from conftest import CORPUS

    from acltrace.tables.show import parse_capture

    raw = CORPUS / "device_outputs/cisco_ios/show_cdp_neighbors/cisco_ios_show_cdp_neighbors_3.raw"
    found = parse_capture(raw.read_text(), "cisco_ios", "acc-sw9", "show cdp neighbors")
    assert len(found.neighbor) > 20 and not found.problems
    pc, phone = "00:11:22:55:00:01", "00:11:22:55:00:02"
    rows = [mac(pc, "acc-sw9", "Gi1/0/16", "10", T), mac(phone, "acc-sw9", "Gi1/0/16", "10", T),
            *[mac(m, "acc-sw9", "Gi1/0/45", "20", T) for m in AP_CLIENTS]]
    topo = Topology(rows, found.neighbor)
    assert topo.trace(pc).as_dict()["verdict"] == "edge_port"
    t = topo.trace(AP_CLIENTS[0])
    assert (t.verdict, t.port) == ("edge_port", "GigabitEthernet1/0/45")
    # the port of the router (R B S: a router and switch) is an uplink still
    assert Topology([mac(pc, "acc-sw9", "Gi1/0/1", "10", T)], found.neighbor).trace(pc).verdict == "uplink_only"


# --- one MAC on edge ports of two vendors' switches (issue 16.10) ---------------------------------

def test_a_mac_on_edge_ports_of_two_vendors_is_ambiguous_whatever_the_source():
    """A show capture of a Cisco switch (short interface names) and an SNMP poll of a Juniper one: one
    MAC live on an edge port of each is ambiguous; the same port named twice (show's Gi1/0/5, SNMP's
    GigabitEthernet1/0/5) is one sighting, not two."""
    dup = "00:11:22:77:00:01"
    cisco = {**mac(dup, "cisco-acc1", "Gi1/0/5", "20", T - 30), "source": "show"}
    juniper = {**mac(dup, "ex-acc2.campus.local", "ge-0/0/7.0", "v40-lab", T - 10), "source": "snmp"}
    again = {**mac(dup, "CISCO-ACC1", "GigabitEthernet1/0/5", "20", T - 5), "source": "snmp"}
    t = Topology([cisco, juniper, again]).trace(dup)
    assert t.verdict == "ambiguous"
    assert t.candidates == ("cisco-acc1 GigabitEthernet1/0/5", "ex-acc2 ge-0/0/7.0")
    t = Topology([cisco, again]).trace(dup)
    assert (t.verdict, t.port, t.last_seen) == ("edge_port", "GigabitEthernet1/0/5", T - 5)


def _chain(switches):
    """The MAC on each switch's uplink to the next, along ``switches`` switches in a row, then on an
    edge port of the last: CDP both ways on every link."""
    rows, links = [], []
    for i in range(switches):
        here, there = f"sw{i}", f"sw{i + 1}"
        links += [nb(here, "GigabitEthernet0/48", there, "GigabitEthernet0/1", "S", "", "cdp"),
                  nb(there, "GigabitEthernet0/1", here, "GigabitEthernet0/48", "S", "", "cdp")]
        rows.append(mac(PC, here, "GigabitEthernet0/48", "5", T))
    rows.append(mac(PC, f"sw{switches}", "GigabitEthernet0/5", "5", T))
    return Topology(rows, links)


def test_a_long_uplink_chain_is_traced_in_linear_time():
    """Issue 13.6: eight times the switches cost about eight times the time (quadratic would be ~64)."""
    def best(switches):
        topo = _chain(switches)
        costs = []
        for _ in range(3):
            start = time.perf_counter()
            trace = topo.trace(PC, "sw0", "GigabitEthernet0/1")
            costs.append(time.perf_counter() - start)
            topo = _chain(switches)         # a fresh topology: no cached trace
        assert (trace.verdict, trace.switch, len(trace.path)) == ("edge_port", f"sw{switches}", switches + 1)
        return min(costs)

    small, large = best(500), best(4000)
    assert large < 30 * small + 0.05, (small, large)
