"""The field names acltrace emits for an ACL event (docs/DESIGN.md section 2), and how an address
token becomes one (``put_address``).

CIM Network_Traffic names first. A field is absent from a parsed event when the
message does not carry it; consumers that need a fixed set of columns (the
search commands, CSV output) use ``FIELDS``, in this order.
"""
from typing import Optional

from acltrace.addresses import ip_version, is_hostname

FIELDS = (
    "action",           # allowed | blocked (CIM)
    "vendor_action",    # as logged: permitted, denied, Deny, est-allowed, ...
    "rule",             # ACL name (access-list, access-group)
    "ace",              # entry id where logged (IPv6 "NAME/10" -> 10)
    "transport",        # tcp, udp, icmp, igmp, gre, ... or the protocol number
    "protocol",         # ip
    "protocol_version",  # 4 | 6
    "src_ip",
    "src_port",
    "src_port_name",    # ASA/PIX: the port's name where one was logged instead of its number ("www")
    "src_host",         # a name where the device logged one instead of / beside an IP
    "src_interface",
    "src_mac",          # always lowercase colon form 00:0b:bf:55:4c:70
    "dest_ip",
    "dest_port",
    "dest_port_name",
    "dest_host",
    "dest_interface",
    "packets",          # packet / hit count of the log line
    "icmp_type",
    "icmp_code",
    "igmp_type",        # IGMP message type (IOS SP lines)
    "tcp_flag",         # ASA: flags as logged, e.g. "RST ACK"
    "direction",        # inbound | outbound where the message says so
    "interval",         # seconds a summarised count covers (ASA 106100)
    "missed_packets",   # IPACCESSLOGRL: packets not logged because of rate limiting
    "reason",           # why the device dropped it, where it says (spoof, land attack, ...)
    "dvc",              # the device that logged the message
    "vendor_product",   # Cisco IOS, Cisco IOS XR, Cisco NX-OS, Cisco ASA, Cisco PIX, Cisco FWSM, Cisco FTD
    "mnemonic",         # e.g. SEC-6-IPACCESSLOGP, ASA-4-106023
    "message_id",       # the mnemonic's last part: IPACCESSLOGP, 106023
    "severity",         # syslog severity digit from the mnemonic
    "device_time",      # the device's own timestamp, as logged
    "seq",              # the device's sequence number
)

# Fields whose values are whole numbers (the CLI writes them as JSON numbers).
NUMERIC = frozenset((
    "ace", "protocol_version", "src_port", "dest_port", "packets", "icmp_type",
    "icmp_code", "igmp_type", "interval", "missed_packets", "severity", "seq",
))


_IP_KEY = {"src": "src_ip", "dest": "dest_ip"}
_HOST_KEY = {"src": "src_host", "dest": "dest_host"}


def put_address(ev: dict[str, str], side: str, token: Optional[str]) -> None:
    """Store ``token`` as ``<side>_ip`` or ``<side>_host``; drop redactions like '***'."""
    if not token:
        return
    version = ip_version(token)
    if version:
        ev[_IP_KEY[side]] = token
        if "protocol_version" not in ev:
            ev["protocol_version"] = version
    elif is_hostname(token):
        ev[_HOST_KEY[side]] = token
