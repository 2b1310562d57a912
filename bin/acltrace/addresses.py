"""How acltrace reads and writes addresses: IPs told from names, and every MAC one way.

The one MAC spelling, ``aa:bb:cc:dd:ee:ff``, of log events, device tables, SNMP rows and the trace:
:func:`mac_colon` reads any common spelling, :func:`mac_from_octets` an SNMP MacAddress.
Hand-written rather than netaddr/ipaddress because they run once or twice per log line on the
parser's hot path; they classify, they do not validate ranges.
"""
import re
from typing import Optional

from acltrace.memo import remember

_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}\Z")
_IPV6 = re.compile(r"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\d{1,3}(?:\.\d{1,3}){3})?\Z")
_HOSTNAME = re.compile(r"[A-Za-z0-9][\w.-]*\Z")


def ip_version(token: str) -> Optional[str]:
    """'4' or '6' when ``token`` is written as an IP address, else None."""
    if _IPV4.match(token):
        return "4"
    if ":" in token and _IPV6.match(token):
        return "6"
    return None


def is_hostname(token: str) -> bool:
    """A plausible host name: letters somewhere, no placeholder punctuation."""
    return bool(_HOSTNAME.match(token)) and any(c.isalpha() for c in token)


_HEX12 = re.compile(r"[0-9a-f]{12}\Z")
# Six groups of 1-2 digits, one separator throughout: '0:b:bf:55:4c:70', '0-b-bf-55-4c-70'.
_GROUPS = re.compile(r"[0-9a-f]{1,2}([:-])[0-9a-f]{1,2}(?:\1[0-9a-f]{1,2}){4}\Z")
_GROUP_SEPARATOR = re.compile(r"[:-]")
_READ: dict[str, Optional[str]] = {}     # text -> its MAC or None, as read
_READ_SIZE = 65536         # a network logs few distinct source MACs; bound it anyway
_recall = _READ.get        # a miss costs no KeyError
_UNREAD = object()


def mac_colon(value: object) -> Optional[str]:
    """'aa:bb:cc:dd:ee:ff' from any common spelling, None when ``value`` is not a MAC.

    A MAC is 12 hex digits in either case with any '.', '-' or ':' among them (Cisco's
    '000b.bf55.4c70', '00-0B-BF-55-4C-70', HP's '000bbf-554c70', bare '000BBF554C70'), or six groups
    of 1-2 digits with one separator ('0:b:bf:55:4c:70'); blanks around it are ignored. Text is
    remembered as read (the parser's hot path meets the same MACs again).
    """
    try:
        mac = _recall(value, _UNREAD)
    except TypeError:                  # unhashable, so not text
        return mac_colon(str(value))
    if mac is not _UNREAD:
        return mac
    if type(value) is not str:
        return None if value is None else mac_colon(str(value))
    digits = value.lower().replace(".", "").replace("-", "").replace(":", "")
    if _HEX12.match(digits):           # the common case, first
        mac = f"{digits[0:2]}:{digits[2:4]}:{digits[4:6]}:{digits[6:8]}:{digits[8:10]}:{digits[10:12]}"
    else:
        mac = _spelled_otherwise(value.strip().lower())
    return remember(_READ, value, mac, _READ_SIZE)


def _spelled_otherwise(text: str) -> Optional[str]:
    """The MAC in stripped lower-case ``text`` that is not 12 hex digits among separators as it
    stood: six groups of 1-2 digits, or one that had blanks around it."""
    if _GROUPS.match(text):
        return ":".join(group.zfill(2) for group in _GROUP_SEPARATOR.split(text))
    digits = text.replace(".", "").replace("-", "").replace(":", "")
    return mac_colon(digits) if _HEX12.match(digits) else None


def mac_from_octets(octets: object) -> Optional[str]:
    """'aa:bb:cc:dd:ee:ff' from 6 octets (an SNMP MacAddress or a table index), None otherwise."""
    if isinstance(octets, (bytes, tuple)) and len(octets) == 6:
        return ":".join(f"{octet:02x}" for octet in octets)
    return None
