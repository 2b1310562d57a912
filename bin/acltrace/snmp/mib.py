"""MIB tables (as ``acltrace.snmp.walk.Agent.columns`` reads them) to acltrace's MAC, ARP and neighbour rows.

Pure functions: each takes ``{column: {index: value}}`` plus the device's interface names
(``{ifIndex: name}``) and returns rows without ``kind``/``time``/``source``, which the collector adds.
Interface names are canonical (``acltrace.tables.ifnames``), MACs written as ``acltrace.addresses`` says,
capabilities as ``acltrace.tables.capabilities`` says.
"""
import ipaddress
from typing import Optional

from acltrace.addresses import mac_from_octets
from acltrace.tables.capabilities import bitmap_words
from acltrace.tables.ifnames import canonical
from acltrace.tables.rows import neighbor_name, neighbor_port

# The columns each table is read by (dotted OIDs).
SYS_NAME = "1.3.6.1.2.1.1.5.0"
IF_DESCR = "1.3.6.1.2.1.2.2.1.2"
IF_NAME = "1.3.6.1.2.1.31.1.1.1.1"
BASE_PORT_IFINDEX = "1.3.6.1.2.1.17.1.4.1.2"          # BRIDGE-MIB dot1dBasePortIfIndex
FDB_PORT, FDB_STATUS = "1.3.6.1.2.1.17.4.3.1.2", "1.3.6.1.2.1.17.4.3.1.3"          # dot1dTpFdbTable
QFDB_PORT, QFDB_STATUS = "1.3.6.1.2.1.17.7.1.2.2.1.2", "1.3.6.1.2.1.17.7.1.2.2.1.3"  # dot1qTpFdbTable
VLAN_FDB_ID = "1.3.6.1.2.1.17.7.1.4.2.1.3"             # Q-BRIDGE-MIB dot1qVlanFdbId
VTP_VLAN_STATE = "1.3.6.1.4.1.9.9.46.1.3.1.1.2"         # CISCO-VTP-MIB vtpVlanState
MEDIA_PHYS, MEDIA_TYPE = "1.3.6.1.2.1.4.22.1.2", "1.3.6.1.2.1.4.22.1.4"            # ipNetToMediaTable
PHYS_ADDR, PHYS_TYPE = "1.3.6.1.2.1.4.35.1.4", "1.3.6.1.2.1.4.35.1.6"              # ipNetToPhysicalTable
CDP_ADDR_TYPE, CDP_ADDR, CDP_DEVICE, CDP_PORT, CDP_PLATFORM, CDP_CAPS = (
    f"1.3.6.1.4.1.9.9.23.1.2.1.1.{n}" for n in (3, 4, 6, 7, 8, 9))                  # cdpCacheTable
LLDP_LOC_ID_TYPE, LLDP_LOC_ID, LLDP_LOC_DESC = (f"1.0.8802.1.1.2.1.3.7.1.{n}" for n in (2, 3, 4))
(LLDP_CHASSIS_TYPE, LLDP_CHASSIS, LLDP_PORT_TYPE, LLDP_PORT, LLDP_PORT_DESC, LLDP_SYS_NAME, LLDP_SYS_DESC,
 LLDP_CAPS) = (f"1.0.8802.1.1.2.1.4.1.1.{n}" for n in (4, 5, 6, 7, 8, 9, 10, 12))   # lldpRemTable
LLDP_MAN_ADDR_IF = "1.0.8802.1.1.2.1.4.2.1.3"           # lldpRemManAddrTable (only its index is read)

CISCO_RESERVED_VLANS = range(1002, 1006)                  # FDDI/Token Ring defaults, no bridge table
# dot1dTpFdbStatus / dot1qTpFdbStatus: invalid(2) and self(4) entries are not stations.
FDB_TYPES = {1: "other", 3: "dynamic", 5: "static"}
# ipNetToMediaType / ipNetToPhysicalType: invalid(2) is not an entry.
ARP_TYPES = {1: "other", 3: "dynamic", 4: "static", 5: "local"}
LLDP_MAC, LLDP_IFNAME, LLDP_LOCAL = 3, 5, 7         # LldpPortIdSubtype values we read
LLDP_CHASSIS_MAC = 4                                 # LldpChassisIdSubtype macAddress


def text(value: object) -> str:
    """A DisplayString's text."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace").replace("\x00", "").strip()
    return "" if value is None else str(value).strip()


def interface_names(tables: dict) -> dict:
    """``{ifIndex: canonical name}``: ifName, or ifDescr where ifName is missing or empty."""
    names = {index[0]: text(value) for index, value in tables.get(IF_DESCR, {}).items()}
    names.update({index[0]: text(value) for index, value in tables.get(IF_NAME, {}).items() if text(value)})
    return {ifindex: canonical(name) for ifindex, name in names.items() if name}


def cisco_vlans(tables: dict) -> list:
    """The VLANs vtpVlanState lists (any VTP domain), without the reserved 1002-1005."""
    vlans = {index[-1] for index in tables.get(VTP_VLAN_STATE, {})}
    return sorted(vlan for vlan in vlans if vlan not in CISCO_RESERVED_VLANS)


def bridge_macs(tables: dict, ifnames: dict, switch: str, vlan: str = "") -> list:
    """dot1dTpFdbTable rows (index: the MAC), bridge ports mapped to interfaces by dot1dBasePortIfIndex."""
    ports = _bridge_ports(tables, ifnames)
    statuses = tables.get(FDB_STATUS, {})
    rows = []
    for index, bridge_port in tables.get(FDB_PORT, {}).items():
        row = _mac_row(index, bridge_port, statuses.get(index, 3), ports, switch, vlan)
        if row:
            rows.append(row)
    return rows


def qbridge_macs(tables: dict, ifnames: dict, switch: str) -> list:
    """dot1qTpFdbTable rows (index: FDB id, then the MAC); the FDB id is the VLAN unless dot1qVlanFdbId says."""
    ports = _bridge_ports(tables, ifnames)
    statuses = tables.get(QFDB_STATUS, {})
    vlan_of = {fdb: index[-1] for index, fdb in tables.get(VLAN_FDB_ID, {}).items()}
    rows = []
    for index, bridge_port in tables.get(QFDB_PORT, {}).items():
        fdb = index[0]
        row = _mac_row(index[1:], bridge_port, statuses.get(index, 3), ports, switch, str(vlan_of.get(fdb, fdb)))
        if row:
            rows.append(row)
    return rows


def _bridge_ports(tables: dict, ifnames: dict) -> dict:
    return {index[0]: ifnames[ifindex] for index, ifindex in tables.get(BASE_PORT_IFINDEX, {}).items()
            if ifindex in ifnames}


def _mac_row(index: tuple, bridge_port: int, status: int, ports: dict, switch: str, vlan: str) -> Optional[dict]:
    mac, kind, port = mac_from_octets(index), FDB_TYPES.get(status), ports.get(bridge_port)
    if mac is None or kind is None or port is None:     # not a station, or on no known interface (CPU)
        return None
    return {"mac": mac, "switch": switch, "port": port, "vlan": vlan, "type": kind}


def arp_entries(tables: dict, ifnames: dict, device: str) -> list:
    """ipNetToPhysicalTable rows (IPv4 and IPv6), else ipNetToMediaTable rows (IPv4)."""
    rows = []
    if tables.get(PHYS_ADDR):
        types = tables.get(PHYS_TYPE, {})
        for index, phys in tables[PHYS_ADDR].items():
            ifindex, family, length, address = index[0], index[1], index[2], index[3:]
            if family in (1, 2) and length == len(address):
                rows.append(_arp_row(bytes(address), phys, types.get(index, 3), ifindex, ifnames, device))
    else:
        types = tables.get(MEDIA_TYPE, {})
        for index, phys in tables.get(MEDIA_PHYS, {}).items():
            if len(index) == 5:
                rows.append(_arp_row(bytes(index[1:]), phys, types.get(index, 3), index[0], ifnames, device))
    return [row for row in rows if row]


def _arp_row(address: bytes, phys: object, kind: int, ifindex: int, ifnames: dict, device: str) -> Optional[dict]:
    mac = mac_from_octets(phys)
    if mac is None or ARP_TYPES.get(kind) is None:
        return None
    return {"ip": str(ipaddress.ip_address(address)), "mac": mac, "device": device,
            "interface": ifnames.get(ifindex, "")}


def cdp_neighbors(tables: dict, ifnames: dict, switch: str) -> list:
    """cdpCacheTable rows (index: local ifIndex, then the entry)."""
    rows = []
    for index, device in tables.get(CDP_DEVICE, {}).items():
        name, port = neighbor_name(text(device)), ifnames.get(index[0])
        if not name or not port:
            continue
        address = tables.get(CDP_ADDR, {}).get(index)
        is_ip = tables.get(CDP_ADDR_TYPE, {}).get(index) == 1 and isinstance(address, bytes) and len(address) == 4
        rows.append({
            "switch": switch, "port": port, "neighbor": name,
            "neighbor_port": canonical(text(tables.get(CDP_PORT, {}).get(index))),
            "capabilities": bitmap_words(tables.get(CDP_CAPS, {}).get(index), "cdp"),
            "platform": text(tables.get(CDP_PLATFORM, {}).get(index)),
            "neighbor_ip": str(ipaddress.ip_address(address)) if is_ip else "",
            "protocol": "cdp",
        })
    return rows


def lldp_neighbors(tables: dict, ifnames: dict, switch: str) -> list:
    """lldpRemTable rows (index: time mark, local port number, entry), local ports from lldpLocPortTable."""
    addresses = {}
    for index in tables.get(LLDP_MAN_ADDR_IF, {}):
        entry, family, address = index[:3], index[3], index[5:]
        if (family, len(address)) in ((1, 4), (2, 16)) and entry not in addresses:
            addresses[entry] = str(ipaddress.ip_address(bytes(address)))
    rows = []
    for index, port_id in tables.get(LLDP_PORT, {}).items():
        port = _lldp_local_port(tables, ifnames, index[1])
        name = neighbor_name(text(tables.get(LLDP_SYS_NAME, {}).get(index)))
        if not name:
            chassis = tables.get(LLDP_CHASSIS, {}).get(index)
            is_mac = tables.get(LLDP_CHASSIS_TYPE, {}).get(index) == LLDP_CHASSIS_MAC
            name = (mac_from_octets(chassis) if is_mac else None) or text(chassis)
        if not port or not name:
            continue
        is_mac = tables.get(LLDP_PORT_TYPE, {}).get(index) == LLDP_MAC
        their_port = (mac_from_octets(port_id) if is_mac else None) or text(port_id)
        descr = text(tables.get(LLDP_SYS_DESC, {}).get(index)).splitlines()
        rows.append({
            "switch": switch, "port": port, "neighbor": name,
            "neighbor_port": canonical(neighbor_port(their_port, text(tables.get(LLDP_PORT_DESC, {}).get(index)))),
            "capabilities": bitmap_words(tables.get(LLDP_CAPS, {}).get(index), "lldp"),
            "platform": descr[0].strip() if descr else "",
            "neighbor_ip": addresses.get(index, ""),
            "protocol": "lldp",
        })
    return rows


def _lldp_local_port(tables: dict, ifnames: dict, number: int) -> str:
    """lldpLocPortId when it names an interface (or is an ifIndex), else its description, else ifName[number]."""
    index = (number,)
    subtype, port_id = tables.get(LLDP_LOC_ID_TYPE, {}).get(index), text(tables.get(LLDP_LOC_ID, {}).get(index))
    if subtype in (LLDP_IFNAME, LLDP_LOCAL) and port_id:
        if port_id.isdigit():
            return ifnames.get(int(port_id), "")
        return canonical(port_id)
    descr = text(tables.get(LLDP_LOC_DESC, {}).get(index))
    return canonical(descr) if descr else ifnames.get(number, "")
