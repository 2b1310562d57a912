"""Interface names in one canonical form, so one port has one name whatever table it came from.

``canonical("Gi1/0/24") == canonical("Gig 1/0/24") == canonical("gi1/0/24") == "GigabitEthernet1/0/24"``.
The canonical form is the long name the device itself prints in its configuration: Cisco's
(GigabitEthernet, TenGigabitEthernet, Port-channel, Vlan, ...), Comware's (``GE1/0/1`` ->
GigabitEthernet1/0/1, ``XGE`` -> Ten-GigabitEthernet, ``BAGG`` -> Bridge-Aggregation) and Huawei's
(``XGE`` -> XGigabitEthernet when the platform says huawei). Names with no type prefix or another
vendor's syntax (Junos ``ge-0/0/1.0``, ProCurve ``Trk1``/``24``, AOS-CX ``1/1/1``, ``lag1``, ``mgmt0``)
are kept as written. Abbreviations follow IOS: a known short form or an unambiguous prefix.
"""
import re
from functools import lru_cache
from typing import Optional

_LONG = (
    "Ethernet", "FastEthernet", "GigabitEthernet", "TwoGigabitEthernet", "FiveGigabitEthernet",
    "TenGigabitEthernet", "TwentyFiveGigE", "FortyGigabitEthernet", "FiftyGigE", "HundredGigE",
    "TwoHundredGigE", "FourHundredGigE", "AppGigabitEthernet", "Port-channel", "Vlan", "Loopback",
    "Tunnel", "Serial", "Management", "Bundle-Ether", "Ten-GigabitEthernet", "FortyGigE",
    "Bridge-Aggregation", "Route-Aggregation", "Vlan-interface", "M-GigabitEthernet",
    "XGigabitEthernet", "Eth-Trunk", "Vlanif", "MEth", "nve",
)
_BY_LOWER = {name.lower(): name for name in _LONG}

# Short forms that are not an unambiguous prefix of one long name (or that IOS reads its own way).
_ALIASES = {
    "e": "Ethernet", "et": "Ethernet", "eth": "Ethernet",
    "f": "FastEthernet", "fa": "FastEthernet",
    "g": "GigabitEthernet", "gi": "GigabitEthernet", "gig": "GigabitEthernet", "gige": "GigabitEthernet",
    "ge": "GigabitEthernet",
    "tw": "TwoGigabitEthernet", "fi": "FiveGigabitEthernet",
    "t": "TenGigabitEthernet", "te": "TenGigabitEthernet", "ten": "TenGigabitEthernet",
    "tengig": "TenGigabitEthernet", "tengige": "TenGigabitEthernet",
    "twe": "TwentyFiveGigE", "twentyfivegigabitethernet": "TwentyFiveGigE",
    "fo": "FortyGigabitEthernet", "fortygige": "FortyGigE",
    "hu": "HundredGigE", "hundredgigabitethernet": "HundredGigE",
    "p": "Port-channel", "po": "Port-channel",
    "v": "Vlan", "vl": "Vlan", "lo": "Loopback", "tu": "Tunnel", "se": "Serial",
    "ma": "Management", "be": "Bundle-Ether",
    "xge": "Ten-GigabitEthernet", "fge": "FortyGigE", "hge": "HundredGigE",
    "bagg": "Bridge-Aggregation", "ragg": "Route-Aggregation", "vlan-int": "Vlan-interface",
    "mge": "M-GigabitEthernet",
}
# Words that also start a long name but label ports of phones and hosts ("Port 6", "Port1").
_WORDS = frozenset(("port",))
# Huawei VRP writes XGE for XGigabitEthernet (Comware: Ten-GigabitEthernet).
_PLATFORM_ALIASES = {"huawei": {"xge": "XGigabitEthernet"}}

_SPLIT = re.compile(r"([A-Za-z][A-Za-z-]*?)\s*(\d\S*)\Z")
_LAG = re.compile(
    r"(?:Port-channel|Bundle-Ether|Eth-Trunk|Bridge-Aggregation|Route-Aggregation|ae|Trk|lag\s*)\d"
    r"|.*peer-link",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def canonical(name: str, platform: Optional[str] = None) -> str:
    """The canonical form of interface ``name`` (kept as given, trimmed, when it is not recognised).

    ``platform`` (an ntc-templates platform such as ``huawei_vrp``) only matters for the few short
    forms vendors read differently.
    """
    name = name.strip()
    m = _SPLIT.match(name)
    if not m:
        return name
    prefix, rest = m.group(1).lower(), m.group(2)
    long = None
    if platform:
        for vendor, aliases in _PLATFORM_ALIASES.items():
            if platform.startswith(vendor):
                long = aliases.get(prefix)
    long = long or _ALIASES.get(prefix) or _BY_LOWER.get(prefix)
    if long is None and len(prefix) > 1 and prefix not in _WORDS:
        matches = [full for low, full in _BY_LOWER.items() if low.startswith(prefix)]
        if len(matches) == 1:
            long = matches[0]
    return long + rest if long else name


def is_lag(name: str) -> bool:
    """True for a link aggregate or a vPC/MLAG peer link (Port-channel, ae, Bundle-Ether, Trk, lag, ...)."""
    return bool(_LAG.match(canonical(name)))
