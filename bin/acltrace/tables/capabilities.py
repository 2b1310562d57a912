"""CDP and LLDP capabilities: every way devices give them, as our words, and the roles the trace reads.

Devices print letters, which differ between the protocols (CDP's S is a switch and T a
trans-bridge, LLDP's S a station and T a telephone; CDP's r is a repeater, R a router), or words
and phrases (``Router Switch IGMP Filtering``, ``bridge, wlan-access-point``); SNMP gives bitmaps
(cdpCacheCapabilities, lldpRemSysCapEnabled). All of them become one space-separated list of
lower-case words, the same for CDP and LLDP: ``router``, ``bridge`` (LLDP Bridge, CDP Trans-Bridge
and Source-Route-Bridge), ``switch``, ``host``, ``phone``, ``igmp``, ``repeater``, ``station``,
``wlan-ap``, ``docsis``, ``remote``, ``cvta``, ``mac-relay``, ``stp-dispute``, ``other``; a word we do
not know is kept in lower case. Each word makes a neighbour a router, a switch or a host (``ROLES``)
or says nothing about it; a phone or access point is a host whatever bridge it also says (the bridge
is the phone's port for the PC behind it, the AP's to its clients), unless it says router.

A protocol is LLDP when its name says ``lldp`` (any case), else CDP.
"""
import re
from functools import lru_cache

# CDP: (letter, bit of cdpCacheCapabilities, our word); the letter 's' (supports STP dispute) has no bit.
CDP = (("R", 0x01, "router"), ("T", 0x02, "bridge"), ("B", 0x04, "bridge"), ("S", 0x08, "switch"),
       ("H", 0x10, "host"), ("I", 0x20, "igmp"), ("r", 0x40, "repeater"), ("P", 0x80, "phone"),
       ("D", 0x100, "remote"), ("C", 0x200, "cvta"), ("M", 0x400, "mac-relay"), ("s", 0, "stp-dispute"))
# LLDP: (letter, our word) in the bit order of lldpRemSysCapEnabled, other(0) to stationOnly(7).
LLDP = (("O", "other"), ("P", "repeater"), ("B", "bridge"), ("W", "wlan-ap"), ("R", "router"), ("T", "phone"),
        ("C", "docsis"), ("S", "station"))
CDP_LETTERS = {letter: word for letter, _, word in CDP}
LLDP_LETTERS = dict(LLDP)
# Words and phrases devices print, lower-cased, as ours ("" for "none").
WORDS = {
    "router": "router", "bridge": "bridge", "mac_bridge": "bridge", "switch": "switch", "host": "host",
    "phone": "phone", "telephone": "phone", "igmp": "igmp", "repeater": "repeater", "station": "station",
    "wlan": "wlan-ap", "wlanaccesspoint": "wlan-ap", "wlan-ap": "wlan-ap", "docsis": "docsis",
    "remote": "remote", "cvta": "cvta", "mac-relay": "mac-relay", "stp-dispute": "stp-dispute",
    "other": "other", "none": "",
}
_PHRASES = re.compile(
    r"wlan[ -]?access[ -]?point|wlan ap|docsis cable device|two-port mac relay|igmp filtering"
    r"|source[ -]route[ -]bridge|trans[ -]bridge|station only|supports-stp-dispute|none enabled",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"[\s,;]+")
_PHRASE_WORDS = {
    "igmp filtering": "igmp", "two-port mac relay": "mac-relay", "docsis cable device": "docsis",
    "station only": "station", "supports-stp-dispute": "stp-dispute", "none enabled": "",
}
# The role each word gives a neighbour in the trace; other words give none.
ROLES = {"router": "router", "bridge": "switch", "switch": "switch", "host": "host", "phone": "host",
         "station": "host", "wlan-ap": "host"}
ENDPOINTS = frozenset({"phone", "wlan-ap"})     # devices whose bridge serves hosts, not a network


def _is_lldp(protocol: str) -> bool:
    return "lldp" in protocol.lower()


def _phrase(m: "re.Match") -> str:
    text = m.group(0).lower()
    if text in _PHRASE_WORDS:
        return _PHRASE_WORDS[text]
    return "wlan-ap" if text.startswith("wlan") else "bridge"


@lru_cache(maxsize=4096)
def capability_words(value: str, protocol: str) -> str:
    """Capabilities as printed (letters or words, any separators) as our space-separated words."""
    letters = LLDP_LETTERS if _is_lldp(protocol) else CDP_LETTERS
    words: list = []
    for token in _SEPARATORS.split(_PHRASES.sub(_phrase, value).strip()):
        if not token:
            continue
        word = WORDS.get(token.lower())
        if word is None:
            if all(ch in letters for ch in token):
                for ch in token:
                    if letters[ch] not in words:
                        words.append(letters[ch])
                continue
            word = token.lower()
        if word and word not in words:
            words.append(word)
    return " ".join(words)


def bitmap_words(bitmap: object, protocol: str) -> str:
    """An SNMP capability bitmap (``bytes``; anything else has no bits set) as our words, in bit order."""
    octets = bitmap if isinstance(bitmap, bytes) else b""
    if _is_lldp(protocol):
        found = [word for bit, (_, word) in enumerate(LLDP)
                 if bit // 8 < len(octets) and octets[bit // 8] & (0x80 >> bit % 8)]
    else:
        bits = int.from_bytes(octets, "big")
        found = [word for _, bit, word in CDP if bits & bit]
    return " ".join(dict.fromkeys(found))


def roles(capabilities: str, protocol: str = "") -> frozenset:
    """The roles ({'router', 'switch', 'host'}) the capabilities, as :func:`capability_words` reads them, give:
    a phone or access point (``ENDPOINTS``) is a host, not a switch."""
    words = capability_words(capabilities, protocol).split()
    found = {ROLES[word] for word in words if word in ROLES}
    if ENDPOINTS.intersection(words):
        found.discard("switch")
    return frozenset(found)
