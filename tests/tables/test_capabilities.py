"""acltrace.tables.capabilities: the one capability map of show outputs, SNMP bitmaps and the trace.

It took the place of three: show parsing's letters and words, the MIB reader's bit-to-letter tables
and the trace's own letters and words for roles. The MIB reader's old path (bits to letters, letters
to words) and the trace's old roles are kept below, to show the one map gives what they gave.
"""
import itertools
import random
import re

import pytest

from acltrace.tables.capabilities import ROLES, WORDS, bitmap_words, capability_words, roles


@pytest.mark.parametrize("value, protocol, want", [
    ("R S I", "cdp", "router switch igmp"), ("Router Switch IGMP Filtering", "cdp", "router switch igmp"),
    ("B,R", "lldp", "bridge router"), ("BR", "lldp", "bridge router"), ("S", "lldp", "station"),
    ("bridge, wlan-access-point", "lldp", "bridge wlan-ap"), ("H P M", "cdp", "host phone mac-relay"),
])
def test_capabilities(value, protocol, want):
    assert capability_words(value, protocol) == want


def test_roles():
    assert roles("R S I", "CDP") == {"router", "switch"}
    assert roles("Router Bridge", "") == {"router", "switch"}
    assert roles("B,T", "lldp") == {"host"}                 # an IP phone: its bridge is for the PC behind it
    assert roles("Bridge, WLAN access point", "lldp") == {"host"}     # an access point
    assert roles("B,W,R", "lldp") == {"router", "host"}       # a router with a radio is still a router
    assert roles("T B P", "cdp") == {"host"}                  # a phone over CDP that says Trans-Bridge
    assert roles("B,R", "lldp") == {"router", "switch"}
    assert roles("H P M", "cdp") == {"host"}
    assert roles("", "") == frozenset()


# --- the MIB reader's old path: bits as `show cdp/lldp neighbors` letters, then the letters read ----

OLD_CDP_CAP_LETTERS = {0x01: "R", 0x02: "T", 0x04: "B", 0x08: "S", 0x10: "H", 0x20: "I", 0x40: "r", 0x80: "P",
                       0x100: "D", 0x200: "C", 0x400: "M"}
OLD_LLDP_CAP_LETTERS = "OPBWRTCS"


def old_cdp_letters(bitmap):
    bits = int.from_bytes(bitmap, "big") if isinstance(bitmap, bytes) else 0
    return " ".join(letter for bit, letter in OLD_CDP_CAP_LETTERS.items() if bits & bit)


def old_lldp_letters(bitmap):
    octets = bitmap if isinstance(bitmap, bytes) else b""
    return " ".join(letter for bit, letter in enumerate(OLD_LLDP_CAP_LETTERS)
                    if bit // 8 < len(octets) and octets[bit // 8] & (0x80 >> bit % 8))


def test_bitmaps_read_as_their_letters_did():
    r = random.Random(3)
    bitmaps = [None, "R", b"", b"\x00", b"\xff", b"\xff\xff", b"\x00\x00\x00\x29", b"\x00\x00\x07\xff"]
    bitmaps += [bytes(r.getrandbits(8) for _ in range(r.randrange(1, 5))) for _ in range(3000)]
    for bitmap in bitmaps:
        assert bitmap_words(bitmap, "cdp") == capability_words(old_cdp_letters(bitmap), "cdp"), bitmap
        assert bitmap_words(bitmap, "lldp") == capability_words(old_lldp_letters(bitmap), "lldp"), bitmap


def test_every_bit_has_its_word():
    assert bitmap_words((0x01 | 0x08 | 0x20).to_bytes(4, "big"), "cdp") == "router switch igmp"
    assert bitmap_words(b"\x28", "lldp") == "bridge router"          # bridge(2), router(4)
    assert bitmap_words(b"\x01\x00", "lldp") == "station"            # stationOnly(7)
    assert bitmap_words(b"\x06", "cdp") == "bridge"                  # trans-bridge and source-route bridge


# --- the trace's old roles: its own letters and words --------------------------------------------

_OLD_CDP_LETTERS = {"r": "router", "s": "switch", "b": "switch", "t": "switch", "h": "host", "p": "host"}
_OLD_LLDP_LETTERS = {"r": "router", "b": "switch", "t": "host", "s": "host", "w": "host"}
_OLD_WORDS = {
    "router": "router", "bridge": "switch", "switch": "switch", "trans-bridge": "switch",
    "source-route-bridge": "switch", "telephone": "host", "phone": "host", "station": "host",
    "host": "host", "wlan": "host", "wlan-ap": "host",
}


def old_roles(capabilities, protocol=""):
    """The old roles, but a phone or access point is a host and not a switch (issue 16)."""
    letters = _OLD_LLDP_LETTERS if "lldp" in protocol.lower() else _OLD_CDP_LETTERS
    found = set()
    for token in re.split(r"[\s,;/]+", capabilities.lower()):
        role = letters.get(token) if len(token) == 1 else _OLD_WORDS.get(token)
        if role:
            found.add(role)
    if set(capability_words(capabilities, protocol).split()) & {"phone", "wlan-ap"}:
        found.discard("switch")
    return frozenset(found)


def test_roles_of_what_the_lookups_hold_are_what_they_were():
    """The neighbour lookups hold our words (capability_words'), in any combination; the old roles
    gave the same for each, and for the capital letters and the words devices print."""
    ours = sorted({word for word in WORDS.values() if word} | set(ROLES))
    for n in range(4):
        for words in itertools.permutations(ours, n):
            value = " ".join(words)
            for protocol in ("cdp", "lldp", "CDP", "LLDP", ""):
                assert roles(value, protocol) == old_roles(value, protocol), (value, protocol)
    printed = ["R S I", "R T B S H I P D C M", "B,R", "B, T", "O P B W R T C S", "Router Switch IGMP",
               "Router, Bridge", "Trans-Bridge Source-Route-Bridge", "Host Phone", "Telephone", "Station",
               "WLAN-AP", "wlan", "Bridge Router Telephone"]
    for value in printed:
        for protocol in ("cdp", "lldp"):
            assert roles(value, protocol) == old_roles(value, protocol), (value, protocol)
