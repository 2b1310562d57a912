"""Body of NX-OS ``%ACLLOG-*-ACLLOG_FLOW_INTERVAL`` (and other ACLLOG) messages.

The body is a comma-separated list of ``Key: value`` pairs, e.g.
``Src IP: 10.1.1.1, Dst IP: 10.2.2.2, Src Port: 0, ..., Protocol: "ICMP"(1),
ACL Name: x, ACE Action: Permit, Appl Intf: Vlan10, Hit-count: 600``.
"""
import re
from typing import Optional

from acltrace.addresses import mac_colon

from .fields import put_address

_KEYS = {"Src Port": "src_port", "Dst Port": "dest_port", "Src Intf": "src_interface",
         "ACL Name": "rule", "ACE Action": "vendor_action", "Hit-count": "packets",
         "Hit-Count": "packets", "Dst Intf": "dest_interface"}
_PROTOCOL = re.compile(r'"?([^"(]*)"?\((\d+)\)')


def parse_body(body: str, pos: int) -> Optional[dict[str, str]]:
    """Fields of an ACLLOG body starting at ``body[pos]``, or None when it holds no flow."""
    pairs = {}
    for part in body[pos:].split(","):
        key, sep, value = part.partition(":")
        if not sep:
            key, sep, value = part.partition("=")      # "Hit-count = 3" on some releases
        if sep:
            pairs[key.strip()] = value.strip()
    if "Src IP" not in pairs and "ACL Name" not in pairs:
        return None
    ev = {field: pairs[key] for key, field in _KEYS.items() if pairs.get(key)}
    put_address(ev, "src", pairs.get("Src IP"))
    put_address(ev, "dest", pairs.get("Dst IP"))
    proto = _PROTOCOL.match(pairs.get("Protocol", ""))
    if proto:
        name = proto.group(1).strip().lower()
        if name not in ("ip", "ipv6"):
            ev["transport"] = name or proto.group(2)
    if "Src MAC" in pairs:
        mac = mac_colon(pairs["Src MAC"])
        if mac:
            ev["src_mac"] = mac
    return ev
