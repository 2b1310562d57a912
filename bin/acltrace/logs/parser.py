"""Parse one raw event into the ACL fields of docs/DESIGN.md section 2.

``parse_event(raw)`` finds the Cisco mnemonic, hands the text after it to the
body parser of its family (ios, asa, nxos) and the text before it to the header
parser, then adds the fields every family shares (action, protocol, vendor_product).
Cheap substring tests reject most non-ACL lines before any regex runs.
"""
import re
from typing import Optional

from . import asa, ios, nxos
from .header import USUAL_PATTERN, parse_header, usual_fields

_IOS_MNEMONIC_PATTERN = (
    r"%(?P<mnemonic>(?P<facility>[A-Z][A-Z0-9_]*(?:-[A-Z0-9_]+)?)-(?P<severity>[0-7])-"
    r"(?P<message_id>[A-Z0-9_]*ACCESSLOG[A-Z0-9_]*))\s?:"
)
_IOS_MNEMONIC = re.compile(_IOS_MNEMONIC_PATTERN)
# Shortcut for most IOS lines: usual header, mnemonic and traffic body in one anchored match,
# for one-line events short enough that the windows below cut nothing. Groups: 4 of the
# header, 4 of the mnemonic, 16 of the body. tests/test_parser.py checks it against the long way.
_IOS_USUAL_LINE = re.compile(USUAL_PATTERN + _IOS_MNEMONIC_PATTERN + ios.TRAFFIC_PATTERN)
_SHORT_LINE = 512
_ASA_MNEMONIC_PATTERN = (
    r"(?P<mnemonic>(?P<facility>ASA|PIX|FWSM|FTD)-(?:[a-z]+-)?(?P<severity>[0-7])-(?P<message_id>\d{6}))\s?:"
)
_ASA_MNEMONIC = re.compile(_ASA_MNEMONIC_PATTERN)   # no leading "%?": a literal first lets re skip ahead
# The same shortcut as for IOS, one whole-line pattern per message id.
_ASA_USUAL_LINES = {mid: re.compile(USUAL_PATTERN + "%?" + _ASA_MNEMONIC_PATTERN + rx.pattern)
                    for mid, rx in asa.PATTERNS.items()}
_NXOS_MNEMONIC = re.compile(r"%(?P<mnemonic>ACLLOG-(?P<severity>[0-7])-(?P<message_id>ACLLOG_[A-Z_]+))\s?:")
# Any Cisco-style mnemonic (FACILITY[-SUB...]-SEVERITY-ID:). Its parts are bounded, far above any real
# mnemonic's, so that trying it at every position of a line stays linear: an unbounded part made
# "Deny A-A-A-..." of 10 KB cost ~0.4 s (tests/logs/test_regex_linearity.py).
_ANY_MNEMONIC = re.compile(r"%?\b[A-Z][A-Z0-9_]{0,31}-(?:[A-Za-z0-9_]{1,32}-){0,4}[0-7]-[A-Z0-9_]{1,64}\s?:")
_BARE_START = re.compile(r"(?:Deny |access-list \S+ (?:permitted|denied|est-allowed) |Inbound |Outbound )")

# A syslog message is at most ~1 KB (RFC 3164); regexes see only the line that holds
# the mnemonic, and at most this much of it, so a 1 MB field costs no more than a line.
_HEADER_WINDOW = 512
_BODY_WINDOW = 2048

_ASA_PRODUCT = {"ASA": "Cisco ASA", "PIX": "Cisco PIX", "FWSM": "Cisco FWSM", "FTD": "Cisco FTD"}
_ACTION = {"permitted": "allowed", "permit": "allowed", "est-allowed": "allowed",
           "denied": "blocked", "deny": "blocked"}


def parse_event(raw: str) -> Optional[dict[str, str]]:
    """Return the ACL fields of ``raw`` (string values), or None when it is not an ACL event."""
    if "ACCESSLOG" in raw:
        return _ios(raw)
    if "ACLLOG" in raw:
        return _nxos(raw)
    asa_mnemonic = _ASA_MNEMONIC.search(raw)
    if asa_mnemonic:
        return _asa(raw, asa_mnemonic)
    if ("Deny " in raw or "access-list " in raw or "connection denied" in raw) and not _ANY_MNEMONIC.search(raw):
        return _bare(raw)
    return None


def _ios(raw: str) -> Optional[dict[str, str]]:
    if len(raw) <= _SHORT_LINE and "\n" not in raw:
        m = _IOS_USUAL_LINE.match(raw)
        if m:
            return _ios_usual_line(m.groups())
    return _ios_any_line(raw)


def _ios_usual_line(groups: tuple) -> dict[str, str]:
    rtime, rhost, seq, time, mnemonic, facility, severity, message_id = groups[:8]
    ipv6 = "IPV6" in mnemonic
    ev = ios.traffic_fields(groups[8:], ipv6)
    ev["protocol"] = "ip"
    if "protocol_version" not in ev:
        ev["protocol_version"] = "6" if ipv6 else "4"
    return _complete(ev, mnemonic, message_id, severity, _ios_product(facility),
                     usual_fields(rtime, rhost, seq, time))


def _ios_any_line(raw: str) -> Optional[dict[str, str]]:
    m = _IOS_MNEMONIC.search(raw)
    if m is None:
        return None
    facility = m.group("facility")
    ipv6 = "IPV6" in facility or "IPV6" in m.group("message_id")
    ev = ios.parse_body(_body(raw, m.end()), 0, ipv6)
    if ev is None:
        return None
    if "rule" in ev:                          # not a rate-limit notice: traffic
        ev["protocol"] = "ip"
        ev.setdefault("protocol_version", "6" if ipv6 else "4")
    return _finish(ev, raw, m, _ios_product(facility))


def _ios_product(facility: str) -> str:
    return "Cisco IOS XR" if facility.startswith("ACL-") else "Cisco IOS"


def _nxos(raw: str) -> Optional[dict[str, str]]:
    m = _NXOS_MNEMONIC.search(raw)
    ev = nxos.parse_body(_body(raw, m.end()), 0) if m else None
    if ev is None:
        return None
    ev["protocol"] = "ip"
    return _finish(ev, raw, m, "Cisco NX-OS")


def _asa(raw: str, m: "re.Match[str]") -> Optional[dict[str, str]]:
    message_id = m.group("message_id")
    usual_line = _ASA_USUAL_LINES.get(message_id)
    if usual_line and len(raw) <= _SHORT_LINE and "\n" not in raw:
        whole = usual_line.match(raw)
        if whole:
            return _asa_usual_line(message_id, whole)
    return _asa_any_line(raw, m)


def _asa_usual_line(message_id: str, m: "re.Match[str]") -> Optional[dict[str, str]]:
    ev = asa.body_fields(message_id, m)
    if ev is None:
        return None
    ev["protocol"] = "ip"
    return _complete(ev, m.group("mnemonic"), message_id, m.group("severity"), _ASA_PRODUCT[m.group("facility")],
                     usual_fields(*m.group("rtime", "rhost", "seq", "time")))


def _asa_any_line(raw: str, m: "re.Match[str]") -> Optional[dict[str, str]]:
    ev = asa.parse_body(m.group("message_id"), _body(raw, m.end()), 0)
    if ev is None:
        return None
    ev["protocol"] = "ip"
    return _finish(ev, raw, m, _ASA_PRODUCT[m.group("facility")])


def _bare(raw: str) -> Optional[dict[str, str]]:
    """An ASA body quoted without its mnemonic: the body's own shape says which message it is."""
    start = _BARE_START.search(raw)
    if start is None:
        return None
    body = _body(raw, start.start())
    for message_id in asa.BARE_BODY_IDS:
        ev = asa.parse_body(message_id, body, 0)
        if ev is not None:
            ev["message_id"] = message_id
            ev["protocol"] = "ip"
            ev["vendor_product"] = "Cisco ASA"
            ev.update(parse_header(_prefix(raw, start.start())))
            return _with_action(ev)
    return None


def _finish(ev: dict[str, str], raw: str, m: "re.Match[str]", product: str) -> dict[str, str]:
    """_complete, with the header read from the text before the mnemonic ``m``."""
    start = m.start()
    if start and raw[start - 1] == "%":       # the ASA pattern starts after its optional "%"
        start -= 1
    return _complete(ev, *m.group("mnemonic", "message_id", "severity"), product,
                     parse_header(_prefix(raw, start)))


def _complete(ev: dict[str, str], mnemonic: str, message_id: str, severity: str, product: str,
              header: dict[str, str]) -> dict[str, str]:
    """Add what every family's event carries: the mnemonic, product, header and CIM action."""
    ev["mnemonic"] = mnemonic
    ev["message_id"] = message_id
    ev["severity"] = severity
    ev["vendor_product"] = product
    ev.update(header)
    return _with_action(ev)


def _body(raw: str, start: int) -> str:
    end = raw.find("\n", start, start + _BODY_WINDOW)
    return raw[start:end if end >= 0 else start + _BODY_WINDOW]


def _prefix(raw: str, end: int) -> str:
    start = max(raw.rfind("\n", 0, end) + 1, end - _HEADER_WINDOW)
    return raw[start:end]


def _with_action(ev: dict[str, str]) -> dict[str, str]:
    """The CIM action from the vendor's word for it."""
    vendor_action = ev.get("vendor_action")
    if vendor_action:
        action = _ACTION.get(vendor_action) or _ACTION.get(vendor_action.lower())
        if action:
            ev["action"] = action
    return ev
