"""acltrace.addresses: the one MAC spelling of log events, device tables, SNMP rows and the trace.

``mac_colon`` took the place of three normalisers: the parser's (12 hex digits, separators anywhere),
the device tables' (every notation netaddr reads) and the SNMP rows' (octets, now
``mac_from_octets``). The old ones are kept below as they were, to show that the one accepts every
spelling either string reader did and gives the same answers, on their tests' inputs and random ones;
the only spellings neither read are the parser's with blanks around (which the tables' reader ignored).
"""
import random
import re

import pytest
from netaddr import EUI, mac_unix_expanded

from acltrace.addresses import mac_colon, mac_from_octets

MAC = "00:0b:bf:55:4c:70"


# --- the old normalisers, as they were -----------------------------------------------------------

_OLD_MAC_HEX = re.compile(r"[0-9a-f]{12}\Z")


def old_parser_mac(token):
    """acltrace.logs.addresses.mac_colon, without its cache."""
    h = token.lower().replace(".", "").replace("-", "").replace(":", "")
    return f"{h[0:2]}:{h[2:4]}:{h[4:6]}:{h[6:8]}:{h[8:10]}:{h[10:12]}" if _OLD_MAC_HEX.match(h) else None


_OLD_MAC = re.compile(r"[0-9a-f]{2}(?::[0-9a-f]{2}){5}\Z")
_OLD_MAC_FORMS = re.compile(
    r"[0-9a-f]{4}([.-])[0-9a-f]{4}\1[0-9a-f]{4}|[0-9a-f]{6}[-:][0-9a-f]{6}|[0-9a-f]{12}"
    r"|[0-9a-f]{1,2}([:-])[0-9a-f]{1,2}(?:\2[0-9a-f]{1,2}){4}")


def old_table_mac(value):
    """acltrace.tables.rows.normal_mac, without its cache."""
    if value is None:
        return None
    s = str(value).strip().lower()
    if _OLD_MAC.match(s):
        return s
    if not _OLD_MAC_FORMS.fullmatch(s):
        return None
    try:
        return str(EUI(s, dialect=mac_unix_expanded))
    except (ValueError, TypeError, ArithmeticError):
        return None


def old_snmp_mac(octets):
    """acltrace.snmp.mib.mac_text."""
    if isinstance(octets, (bytes, tuple)) and len(octets) == 6:
        return ":".join(f"{octet:02x}" for octet in octets)
    return None


def either_old(value):
    """What the old string readers made of ``value``: the parser's answer, else the tables'; and where
    neither read it, the parser's answer with blanks around ignored, as the tables' reader ignored them."""
    if not isinstance(value, str):
        return old_table_mac(value)
    for answer in (old_parser_mac(value), old_table_mac(value), old_parser_mac(value.strip())):
        if answer is not None:
            return answer
    return None


# --- their tests ---------------------------------------------------------------------------------

@pytest.mark.parametrize("mac", ["000b.bf55.4c70", "00-0B-BF-55-4C-70", "00:0b:bf:55:4c:70", "000BBF554C70"])
def test_macs_are_written_one_way(mac):
    assert mac_colon(mac) == MAC


@pytest.mark.parametrize("junk", ["000b.bf55.4c7", "zzzz.bf55.4c70", "", "00:0b:bf:55:4c:70:11"])
def test_a_malformed_mac_is_dropped(junk):
    assert mac_colon(junk) is None


@pytest.mark.parametrize("value, want", [
    ("0010.0de0.e289", "00:10:0d:e0:e2:89"), ("b8d6-f6ff-7390", "b8:d6:f6:ff:73:90"),
    ("500000-260000", "50:00:00:26:00:00"), ("BC:AC:0A:CA:CA:30", "bc:ac:0a:ca:ca:30"),
    ("bc-ac-0a-ca-ca-30", "bc:ac:0a:ca:ca:30"), ("bcac0acaca30", "bc:ac:0a:ca:ca:30"),
    ("Incomplete", None), ("1.2.3", None), ("", None),
])
def test_mac_notations(value, want):
    assert mac_colon(value) == want


def test_the_old_tests_inputs_read_as_either_old_reader_read_them():
    inputs = ["000b.bf55.4c70", "00-0B-BF-55-4C-70", "00:0b:bf:55:4c:70", "000BBF554C70", "000b.bf55.4c7",
              "zzzz.bf55.4c70", "", "00:0b:bf:55:4c:70:11", "0010.0de0.e289", "b8d6-f6ff-7390", "500000-260000",
              "BC:AC:0A:CA:CA:30", "bc-ac-0a-ca-ca-30", "bcac0acaca30", "Incomplete", "1.2.3"]
    for value in inputs:
        assert mac_colon(value) == either_old(value), value


def test_octets():
    assert mac_from_octets(b"\x00\x0b\xbf\x55\x4c\x70") == MAC
    assert mac_from_octets((0, 11, 191, 85, 76, 112)) == MAC
    for junk in (b"\x00\x0b\xbf\x55\x4c", (0, 11, 191, 85, 76, 112, 1), "000bbf554c70", None, 5, [0] * 6):
        assert mac_from_octets(junk) is None
    r = random.Random(12)
    for _ in range(2000):
        octets = bytes(r.getrandbits(8) for _ in range(r.choice((5, 6, 6, 6, 7))))
        for value in (octets, tuple(octets)):
            assert mac_from_octets(value) == old_snmp_mac(value)
            if len(octets) == 6:
                assert mac_colon(mac_from_octets(value)) == mac_from_octets(value)


# --- random spellings ----------------------------------------------------------------------------

def _spelling(r, digits):
    """``digits`` (12 lower-case hex) in one of the notations devices and people use, or a mangled one."""
    form = r.randrange(9)
    if form == 0:
        text = ".".join(digits[i:i + 4] for i in range(0, 12, 4))
    elif form == 1:
        text = "-".join(digits[i:i + 4] for i in range(0, 12, 4))
    elif form == 2:
        text = r.choice("-:").join((digits[:6], digits[6:]))
    elif form == 3:
        text = digits
    elif form in (4, 5):   # two digits a group, or fewer where a group starts with 0
        groups = [digits[i:i + 2] for i in range(0, 12, 2)]
        if form == 5:
            groups = [g[1:] if g[0] == "0" and r.random() < 0.7 else g for g in groups]
        text = r.choice(":-").join(groups)
    elif form == 6:        # separators anywhere, mixed
        text = "".join(c + (r.choice(".-:") if r.random() < 0.3 else "") for c in digits)
    elif form == 7:        # blanks around
        text = r.choice(("", " ", "\t")) + _spelling(r, digits) + r.choice(("", " ", "\n"))
    else:                  # a character dropped, added, doubled or replaced
        text = _spelling(r, digits)
        i = r.randrange(len(text))
        text = r.choice((text[:i] + text[i + 1:], text[:i] + r.choice("0f.-: gx") + text[i:],
                         text[:i] + r.choice("0:.-g ") + text[i + 1:], text + r.choice((":00", "-0", "0"))))
    return "".join(c.upper() if r.random() < 0.3 else c for c in text)


def test_random_spellings_read_as_either_old_reader_read_them():
    r = random.Random(7)
    read = 0
    for _ in range(20000):
        digits = f"{r.getrandbits(48):012x}"
        value = _spelling(r, digits)
        want = either_old(value)
        assert mac_colon(value) == want, value
        assert mac_colon(value) == want, value      # again: the remembered answer
        read += want is not None
    assert read > 10000        # most are MACs, the mangled ones mostly not


def test_random_junk_and_other_types_read_as_the_old_readers_did():
    r = random.Random(8)
    for _ in range(20000):
        value = "".join(r.choice("0123456789abcdefABCDEFg.-: \t") for _ in range(r.randrange(20)))
        assert mac_colon(value) == either_old(value), value
    for value in (None, 0, 123456789012, 0x000BBF554C70, 1.5, b"000bbf554c70", ["00:0b:bf:55:4c:70"]):
        assert mac_colon(value) == old_table_mac(value), value
