"""Bodies of IOS, IOS-XE and IOS-XR ACL log messages (text after ``%MNEMONIC:``).

Covers SEC-6-IPACCESSLOG{P,DP,NP,RP,S,SP,RL}, the IOS-XE data plane's
FMANFP-6-IPACCESSLOG* / IPV6ACCESSLOG* (a ``F0: fman_fp_image:`` prefix, or the documented
``F0/0:`` interface prefix; MAC and interface written around the source), IPV6_ACL-6-ACCESSLOG* and IPV6-6-ACCESSLOG*
(``NAME/ACE``), and IOS-XR ``access-list NAME deny ...``. One regex reads every
traffic form; its optional parts are the differences between the mnemonics.
"""
import re
from typing import Optional

from acltrace.addresses import mac_colon

from .fields import put_address

# Its 16 groups, in order, go to traffic_fields(); parser.py also uses the pattern at the
# end of a whole-line regex.
TRAFFIC_PATTERN = (
    r"\s*(?:[\w/]+:\s+\w+:\s+"                          # FMANFP "R0/0: fman_fp_image:"
    r"|(?P<lead_interface>[A-Za-z][\w/.]*):\s+)?"        # or FMANFP's documented "F0/0:"
    r"(?:access-)?list (?P<rule>\S+) (?:\((?P<xr_ace>\d+)\) )?"
    r"(?P<vendor_action>permitted|denied|permit|deny) "
    r"(?:(?P<transport>[a-z][a-z0-9]*|\d{1,3}) )?"       # absent in standard-ACL (S) lines
    r"(?:(?P<lead_mac>[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{4}(?:\.[0-9A-Fa-f]{4}){2}) )?"  # FMANFP
    r"(?=(?P<src>[^\s(,]+))(?P=src)(?:\((?P<src_port>\d+)\))?"     # (?=(x))(?P=x): atomic
    # log-input "(Intf mac)"; a MAC mac_colon() cannot read ("****", "000b.bf55.4c7") is dropped, not the line
    r"(?: \((?=(?P<src_interface>[^\s)]+))(?P=src_interface)(?: (?P<src_mac>[^\s)]*))? ?\))?"
    r"(?: (?P<fman_interface>[A-Za-z][^\s]*?))?"         # FMANFP: "Te0/1/1-> ..."
    r"(?: ?-> (?=(?P<dest>[^\s(,]+))(?P=dest)(?:\((?P<dest_port>\d+)\))?"
    r"(?: \((?P<type>\d+)(?:/(?P<code>\d+))?\))?)?"      # (icmp type/code) or (igmp type)
    r",? (?P<packets>\d+) packets?"
)
_TRAFFIC = re.compile(TRAFFIC_PATTERN)
_RATE_LIMITED = re.compile(r"\s*access-list logging rate-limited or missed (?P<missed>\d+) packets?")
_TRUNCATED = re.compile(
    r"\s*(?:[\w/]+:\s+(?:\w+:\s+)?)?(?:access-)?list (?P<rule>\S+) (?P<vendor_action>permitted|denied|permit|deny)\b"
)

# Protocol words that mean "any IP protocol": no transport to report.
_ANY_PROTOCOL = frozenset(("ip", "ipv6"))


def parse_body(body: str, pos: int, ipv6: bool) -> Optional[dict[str, str]]:
    """Fields of an IOS-family ACL body starting at ``body[pos]``, or None."""
    m = _TRAFFIC.match(body, pos)
    if m is None:
        rl = _RATE_LIMITED.match(body, pos)
        if rl:
            return {"missed_packets": rl.group("missed")}
        cut = _TRUNCATED.match(body, pos)        # truncated line: keep what is there
        return {"rule": cut.group("rule"), "vendor_action": cut.group("vendor_action")} if cut else None

    return traffic_fields(m.groups(), ipv6)


def traffic_fields(groups: tuple, ipv6: bool) -> dict[str, str]:
    """The fields from the 16 groups of TRAFFIC_PATTERN."""
    (lead_interface, rule, xr_ace, vendor_action, transport, lead_mac, src, src_port, src_interface, src_mac,
     fman_interface, dest, dest_port, icmp_or_igmp_type, icmp_code, packets) = groups
    ev = {"rule": rule, "vendor_action": vendor_action, "packets": packets}
    if ipv6:
        ev["protocol_version"] = "6"
        name, _, ace = rule.rpartition("/")
        if name and ace.isdigit():
            ev["rule"], ev["ace"] = name, ace
    if xr_ace:
        ev["ace"] = xr_ace
    if transport and transport not in _ANY_PROTOCOL:
        ev["transport"] = transport
    put_address(ev, "src", src)
    if dest:
        put_address(ev, "dest", dest)
    if src_port:
        ev["src_port"] = src_port
    if dest_port:
        ev["dest_port"] = dest_port
    interface = src_interface or fman_interface or lead_interface
    if interface:
        ev["src_interface"] = interface
    mac = src_mac or lead_mac
    if mac:
        mac = mac_colon(mac)
        if mac:
            ev["src_mac"] = mac
    if icmp_or_igmp_type:
        if transport == "igmp":
            ev["igmp_type"] = icmp_or_igmp_type
        else:
            ev["icmp_type"] = icmp_or_igmp_type
            if icmp_code:
                ev["icmp_code"] = icmp_code
    return ev
