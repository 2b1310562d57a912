"""Bodies of ASA / PIX / FWSM / FTD access-control messages, by message id.

One regex per message id, written from Cisco's message catalogue and the peer
corpus. Trailing parts are optional so a truncated line still gives what it has;
ports must be digits, so documentation templates ("/port", "{permitted | denied}")
are not mistaken for events.
"""
import re
from typing import Optional

from acltrace.addresses import ip_version

from .fields import put_address
from .port_names import PORT_NUMBERS

_ADDR = r"[^\s/(),]+"
# A port as logged: digits, or a name of Cisco's table that older ASAs and PIX write instead ("/www");
# another word ("/port" in documentation templates) is no port.
_PORT_NAME = "(?:" + "|".join(sorted(PORT_NUMBERS, key=len, reverse=True)) + ")"


def _port(side: str) -> str:
    return rf"(?:(?P<{side}_port>\d+)|(?P<{side}_port_name>{_PORT_NAME})(?![\w-]))"
# "iface:addr/port(note)". The usual "iface:a.b.c.d/port" is read by the regex; anything else
# (IPv6, names, notes, redactions) as one token split in Python (_split_token): interface
# names may hold colons and so does IPv6, which no linear regex can tell apart.
_TOKEN = (r"(?:(?P<{0}_interface>[^\s:/()]+(?::[^\s:/()]+)*?):(?P<{0}_ip>\d{{1,3}}(?:\.\d{{1,3}}){{3}})"
          r"(?:/(?P<{0}_port>\d+))?(?=[\s,]|$)"
          r"|(?P<{0}_tok>[^\s(]+(?:(?<=:) [^\s(]+)?(?:\([^\s)]*\))?))")
_TYPE_CODE = r"(?:\s?\(?type (?P<icmp_type>\d+), code (?P<icmp_code>\d+)\)?,?)?"


def _from_to() -> str:
    return rf"from (?P<src>{_ADDR})/{_port('src')} to (?P<dest>{_ADDR})/{_port('dest')}"


def _rx(pattern: str) -> "re.Pattern[str]":
    return re.compile(r"\s*(?:message repeated \d+ times: \[\s*)?" + pattern)


PATTERNS = {
    "106001": _rx(r"(?P<direction>Inbound|Outbound) (?P<transport>\w+) connection (?P<vendor_action>denied) "
                  + _from_to() + r"(?: flags(?: (?P<tcp_flag>[A-Z]+(?: [A-Z]+)*))?)?"
                  r"(?:\s+on interface (?P<src_interface>[\w.:-]+))?"),
    "106002": _rx(r"(?P<transport>\w+) connection (?P<vendor_action>denied) by (?P<direction>inbound|outbound) list "
                  r"(?P<rule>\S+) src (?P<src>[\d.:]+) (?P<src_port>\d+) dest (?P<dest>[\d.:]+) (?P<dest_port>\d+)"),
    "106006": _rx(r"(?P<vendor_action>Deny) (?P<direction>inbound|outbound) (?P<transport>\w+) "
                  + _from_to() + r"(?:\s+on\s+interface (?P<src_interface>[\w.:-]+))?"),
    "106007": _rx(r"(?P<vendor_action>Deny) (?P<direction>inbound|outbound) (?P<transport>\w+) "
                  + _from_to() + r"(?: due to (?P<reason>.+?))?\s*$"),
    "106010": _rx(r"(?P<vendor_action>Deny) (?P<direction>inbound|outbound) (?:\((?P<reason>[^)]+)\) )?"
                  r"(?:protocol (?P<proto_num>\d+)|(?P<transport>[a-z]\w*)) "
                  r"src " + _TOKEN.format("src") + r"(?: dst " + _TOKEN.format("dest") + r")?" + _TYPE_CODE),
    "106014": _rx(r"(?P<vendor_action>Deny) (?P<direction>inbound|outbound) (?P<transport>icmp) "
                  r"src " + _TOKEN.format("src") + r" dst " + _TOKEN.format("dest") + _TYPE_CODE),
    "106015": _rx(r"(?P<vendor_action>Deny) (?P<transport>TCP) \((?P<reason>no connection)\) "
                  + _from_to() + r"(?: flags (?P<tcp_flag>[A-Z]+(?: [A-Z]+)*))?"
                  r"(?:\s+on interface (?P<src_interface>[\w.:-]+?))?\.?\s*$"),
    "106016": _rx(r"(?P<vendor_action>Deny) IP (?P<reason>spoof) from \((?P<src>[^)]+)\) to (?P<dest>\S+)"
                  r"(?: on interface (?P<src_interface>[\w.:-]+?))?\.?\s*$"),
    "106017": _rx(r"(?P<vendor_action>Deny) IP due to (?P<reason>Land Attack) from (?P<src>\S+) to (?P<dest>\S+)"),
    "106012": _rx(r"(?P<vendor_action>Deny) IP from (?P<src>\S+) to (?P<dest>[^\s,]+), "
                  r"(?P<reason>IP options.*?)\.?\s*$"),
    "106020": _rx(r"(?P<vendor_action>Deny) IP (?P<reason>teardrop fragment) \(size = \d+, offset = \d+\) "
                  r"from (?P<src>\S+) to (?P<dest>\S+)"),
    "106021": _rx(r"(?P<vendor_action>Deny) (?:(?P<transport>[A-Z]+|\d+)|protocol) (?P<reason>reverse path check) "
                  r"from (?P<src>\S+) to (?P<dest>\S+) on interface (?P<src_interface>[\w.:-]+?)\.?\s*$"),
    "106022": _rx(r"(?P<vendor_action>Deny) (?:(?P<transport>[A-Z]+|\d+)|protocol) (?P<reason>connection spoof) "
                  r"from (?P<src>\S+) to (?P<dest>\S+) on interface (?P<src_interface>[\w.:-]+?)\.?\s*$"),
    "106023": _rx(r"(?P<vendor_action>Deny) (?:protocol (?P<proto_num>\d+)|(?P<transport>[a-z]\w*)) "
                  r"src " + _TOKEN.format("src") + r" dst " + _TOKEN.format("dest")
                  + _TYPE_CODE + r"(?: by access-group \"(?P<rule>[^\"]*)\")?"),
    "106100": _rx(r"access-list (?P<rule>\S+) (?P<vendor_action>permitted|denied|est-allowed) (?P<transport>\w+) "
                  r"(?P<src_interface>[^\s/]+)/(?P<src>[^\s(]+)\((?P<src_port>\d+)\)(?:\s?\([^)]*\))? -> "
                  r"(?P<dest_interface>[^\s/]+)/(?P<dest>[^\s(]+)\((?P<dest_port>\d+)\)(?:\s?\([^)]*\))? "
                  r"hit-cnt (?P<packets>\d+)(?: \(?first hit\)?| (?P<interval>\d+)-second interval)?"),
    "710003": _rx(r"(?P<transport>\w+) access (?P<vendor_action>denied) by ACL "
                  r"from (?P<src>[^\s/]+)/" + _port("src")
                  + r" to (?P<dest_interface>[^\s:]+):(?P<dest>[^\s/]+)/" + _port("dest")),
    "313001": _rx(r"(?P<vendor_action>Denied) (?P<transport>ICMP) type=(?P<icmp_type>\d+), code=(?P<icmp_code>\d+) "
                  r"from (?P<src>[^\s]+?)(?: on interface (?P<src_interface>[\w.:-]+))?\s*$"),
}
PATTERNS["106011"] = PATTERNS["106010"]       # "Deny inbound (No xlate) ..."

# Message ids whose body identifies itself, tried (in this order) on lines that
# carry no mnemonic at all, e.g. bodies quoted without their syslog header.
BARE_BODY_IDS = ("106023", "106100", "106015", "106006", "106001", "106014", "106021")



def parse_body(message_id: str, body: str, pos: int) -> Optional[dict[str, str]]:
    """Fields of an ASA-family body for ``message_id`` starting at ``body[pos]``, or None."""
    pattern = PATTERNS.get(message_id)
    m = pattern.match(body, pos) if pattern else None
    return None if m is None else body_fields(message_id, m)


def body_fields(message_id: str, m: "re.Match[str]") -> Optional[dict[str, str]]:
    """The fields from a match of ``PATTERNS[message_id]`` (alone or inside a longer pattern)."""
    direct = _DIRECT_GROUPS[message_id]
    ev = {k: v for k, v in zip(direct, m.group(*direct)) if v}
    other = _OTHER_GROUPS[message_id]
    groups = dict(zip(other, m.group(*other)))    # not groupdict(): a whole-line match has ~30 groups
    transport = groups.get("transport") or groups.get("proto_num")   # numbers as logged, like IOS NP
    if transport:
        transport = transport.lower()
        if transport != "ip":
            ev["transport"] = transport
    if "direction" in ev:
        ev["direction"] = ev["direction"].lower()
    for side in ("src", "dest"):               # the source's address family first
        token = groups.get(side + "_tok")
        if token:
            iface, addr, port, note = _split_token(token)
            if port:
                ev[_PORT_KEY[side] if port.isdigit() else side + "_port_name"] = port
            _address(ev, side, addr, iface, note)
        elif _IP_KEY[side] in ev:              # read straight from "iface:a.b.c.d/port"
            ev.setdefault("protocol_version", "4")
        else:
            _address(ev, side, groups.get(side), groups.get(side + "_interface"), None)
        name = ev.get(side + "_port_name")
        if name:
            ev[_PORT_KEY[side]] = PORT_NUMBERS[name]
    if not ev.keys() & _ADDRESS_OR_PORT:
        return None          # no address and no port (a redacted "***/20031" keeps its port): a template
    if ev.get("transport") == "icmp" and message_id == "106100":
        # 106100 writes an ICMP type and code where TCP/UDP have ports.
        ev["icmp_type"], ev["icmp_code"] = ev.pop("src_port"), ev.pop("dest_port")
    return ev


_PORT_KEY = {"src": "src_port", "dest": "dest_port"}
_ADDRESS_OR_PORT = frozenset(("src_ip", "src_host", "dest_ip", "dest_host", "src_port", "dest_port",
                              "src_port_name", "dest_port_name"))
_IP_KEY = {"src": "src_ip", "dest": "dest_ip"}
_DIRECT = frozenset(("vendor_action", "direction", "rule", "src_port", "dest_port", "src_port_name", "dest_port_name",
                     "packets", "interval",
                     "icmp_type", "icmp_code", "tcp_flag", "reason", "src_ip", "dest_ip",
                     "src_interface", "dest_interface"))
# Per message id, the groups of its pattern that are fields as they stand (read in one call), and
# the others body_fields reads (each pattern has at least two, so m.group(*names) gives a tuple).
_DIRECT_GROUPS = {mid: tuple(g for g in rx.groupindex if g in _DIRECT) for mid, rx in PATTERNS.items()}
_OTHER = ("transport", "proto_num", "src", "dest", "src_tok", "dest_tok", "src_interface", "dest_interface")
_OTHER_GROUPS = {mid: tuple(g for g in _OTHER if g in rx.groupindex) for mid, rx in PATTERNS.items()}


def _split_token(token: str) -> tuple[Optional[str], str, Optional[str], Optional[str]]:
    """'v1:outside:10.8.1.9/54864(LOCAL\\user)' -> ('v1:outside', '10.8.1.9', '54864', 'LOCAL\\user');
    a named port comes back as its name ('outside:10.8.1.9/www' -> (..., 'www', None))."""
    note = None
    if token.endswith(")") and "(" in token:
        token, _, note = token[:-1].rpartition("(")
    port = None
    head, slash, tail = token.rpartition("/")
    if slash and (tail.isdigit() or tail in PORT_NUMBERS):
        token, port = head, tail
    iface, _, addr = token.replace(": ", ":").rpartition(":")
    return iface or None, addr, port, note


def _address(ev: dict[str, str], side: str, addr: Optional[str], iface: Optional[str], note: Optional[str]) -> None:
    """Split ASA's ``iface:addr`` (interface names may hold colons, IPv6 does) and store both."""
    version = ip_version(addr) if addr else None
    if iface and addr is not None and not version:
        # "OUTSIDE:2a02:cf40::1" was cut at the wrong colon: find the cut that leaves an IP.
        joined = iface + ":" + addr
        for i, ch in enumerate(joined):
            if ch == ":" and ip_version(joined[i + 1:]):
                iface, addr = joined[:i], joined[i + 1:]
                version = ip_version(addr)
                break
    if iface:
        ev[side + "_interface"] = iface
    if version:
        ev[side + "_ip"] = addr
        ev.setdefault("protocol_version", version)
    else:
        put_address(ev, side, addr)
    if note and side + "_host" not in ev and " " not in note and "\\" not in note and "," not in note:
        ev[side + "_host"] = note     # "(testhostname.domain)": the name the ASA resolved


