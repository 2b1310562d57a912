"""Address helpers: tell IPs from names, write MACs one way.

Hand-written rather than netaddr/ipaddress because they run once or twice per
log line on the hot path; they classify, they do not validate ranges.
"""
import re
from typing import Optional

_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}\Z")
_IPV6 = re.compile(r"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\d{1,3}(?:\.\d{1,3}){3})?\Z")
_HOSTNAME = re.compile(r"[A-Za-z0-9][\w.-]*\Z")
_MAC_HEX = re.compile(r"[0-9a-f]{12}\Z")


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


_MAC_CACHE: dict[str, Optional[str]] = {}
_MAC_CACHE_SIZE = 65536        # a network logs few distinct source MACs; bound it anyway


def mac_colon(token: str) -> Optional[str]:
    """'000b.bf55.4c70', '00-0B-BF-55-4C-70', '000bbf554c70' -> '00:0b:bf:55:4c:70'."""
    try:
        return _MAC_CACHE[token]
    except KeyError:
        pass
    h = token.lower().replace(".", "").replace("-", "").replace(":", "")
    mac = f"{h[0:2]}:{h[2:4]}:{h[4:6]}:{h[6:8]}:{h[8:10]}:{h[10:12]}" if _MAC_HEX.match(h) else None
    if len(_MAC_CACHE) >= _MAC_CACHE_SIZE:
        _MAC_CACHE.clear()
    _MAC_CACHE[token] = mac
    return mac
