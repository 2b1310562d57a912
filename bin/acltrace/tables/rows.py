"""Values in the MAC trace's rows: MACs, device names, times, neighbour roles, OUI vendors.

Rows come from CSV lookups as much as from code, so every value may be a string and "" means missing.
"""
import math
import re
from functools import lru_cache
from typing import Optional

from netaddr import EUI, OUI, NotRegisteredError, mac_unix_expanded

from acltrace.logs.addresses import ip_version

_MAC = re.compile(r"[0-9a-f]{2}(?::[0-9a-f]{2}){5}\Z")
_SERIAL = re.compile(r"\s*\([^)]*\)\Z")     # NX-OS CDP names: sw1(FOC123)

# Capability letters differ between CDP and LLDP (S: switch or station; T: trans-bridge or telephone).
_CDP_LETTERS = {"r": "router", "s": "switch", "b": "switch", "t": "switch", "h": "host", "p": "host"}
_LLDP_LETTERS = {"r": "router", "b": "switch", "t": "host", "s": "host", "w": "host"}
_WORDS = {
    "router": "router", "bridge": "switch", "switch": "switch", "trans-bridge": "switch",
    "source-route-bridge": "switch", "telephone": "host", "phone": "host", "station": "host",
    "host": "host", "wlan": "host", "wlan-ap": "host",
}

# Vendors whose OUIs are (nearly) all routers and firewalls. Cisco, HPE and Huawei also make switches,
# phones and hosts, so their OUIs say nothing; even these vendors' MACs are weak evidence of a router.
ROUTER_VENDORS = (
    "fortinet", "palo alto networks", "check point software", "sonicwall", "watchguard technologies",
    "juniper networks", "routerboard.com", "barracuda networks",
)


def text(row: dict, key: str) -> str:
    """The row's value for ``key`` as stripped text, "" when missing."""
    value = row.get(key)
    return "" if value is None else str(value).strip()


def normal_mac(value: object) -> Optional[str]:
    """'aa:bb:cc:dd:ee:ff' from any common spelling (Cisco dotted, dashes, HP's '500000-260000', colons,
    bare hex), None when it is not a MAC. The one MAC normaliser of device tables and lookups."""
    if value is None:
        return None
    s = str(value).strip().lower()
    return s if _MAC.match(s) else _spelled_mac(s)


_MAC_FORMS = re.compile(
    r"[0-9a-f]{4}([.-])[0-9a-f]{4}\1[0-9a-f]{4}|[0-9a-f]{6}[-:][0-9a-f]{6}|[0-9a-f]{12}"
    r"|[0-9a-f]{1,2}([:-])[0-9a-f]{1,2}(?:\2[0-9a-f]{1,2}){4}")


@lru_cache(maxsize=131072)
def _spelled_mac(value: str) -> Optional[str]:
    """netaddr's reading of a lower-case MAC spelling ``_MAC_FORMS`` accepts."""
    if not _MAC_FORMS.fullmatch(value):
        return None
    try:
        return str(EUI(value, dialect=mac_unix_expanded))
    except (ValueError, TypeError, ArithmeticError):
        return None


def epoch(value: object) -> Optional[float]:
    """Epoch seconds (an int when whole) from a number or numeric string; None when missing or unreadable."""
    if value is None or value == "":
        return None
    try:
        t = float(value)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(t) and t >= 0):
        return None
    return int(t) if t.is_integer() else t


@lru_cache(maxsize=65536)
def display_name(name: str) -> str:
    """A device name without its domain or parenthesised serial: 'acc-sw1(FOC1)' -> 'acc-sw1'."""
    s = _SERIAL.sub("", name.strip())
    return s if ip_version(s) else s.split(".", 1)[0]


def name_key(name: str) -> str:
    """Match device names loosely: no domain, no serial, any case."""
    return display_name(name).lower()


def roles(capabilities: str, protocol: str = "") -> frozenset:
    """{'router', 'switch', 'host'} named by CDP letters, LLDP letters or words, any case."""
    letters = _LLDP_LETTERS if "lldp" in protocol.lower() else _CDP_LETTERS
    found = set()
    for token in re.split(r"[\s,;/]+", capabilities.lower()):
        role = letters.get(token) if len(token) == 1 else _WORDS.get(token)
        if role:
            found.add(role)
    return frozenset(found)


@lru_cache(maxsize=4096)
def mac_vendor(mac: str) -> str:
    """The IEEE registrant of the MAC's OUI (netaddr's bundled registry); "" when unregistered."""
    m = normal_mac(mac)
    if not m:
        return ""
    try:
        return OUI(int(m[:8].replace(":", ""), 16)).registration(0).org
    except NotRegisteredError:
        return ""


def router_vendor(vendor: str) -> bool:
    """The vendor is one of ROUTER_VENDORS."""
    v = vendor.lower()
    return any(name in v for name in ROUTER_VENDORS)
