"""The capture path stays linear on hostile input (issue 13, point 6).

Every value from a device is hostile: a capture an admin saved, a ``show`` output indexed as
acltrace:show, a CDP neighbour's name. Each regex of the capture path is tried the way its module calls
it on hostile texts of 10 KB and 100 KB (tests/support/linearity.py); the checks that replaced regexes
(``show.not_a_port``, ``captures._unpage``, the NX-OS tell) read as the regexes did, on short texts where
those are fast; ``parse_capture`` itself stays linear on hostile captures of 100 KB, and tells an event
that is not a capture (plain text, a syslog line) in well under a millisecond.

Run as a script (``.venv/bin/python tests/tables/test_capture_linearity.py``) it prints the figures the
gates check, for the bin/ of the checkout it sits in.
"""
import pathlib
import random
import re
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data"
if __name__ == "__main__":  # a script: this checkout's bin/ and test helpers
    sys.path[:0] = [str(ROOT / "bin"), str(ROOT / "tests" / "support")]

from linearity import (  # noqa: E402
    CAPTURE_PREFIXES,
    CAPTURE_SHAPES,
    SHAPES,
    assert_linear,
    assert_linear_call,
    calls,
    cost,
    line,
    ratio,
)

from acltrace.tables import captures as capture  # noqa: E402
from acltrace.tables import show  # noqa: E402

MODULES = ("acltrace.tables.captures", "acltrace.tables.show", "acltrace.tables.ifnames", "acltrace.tables.rows",
           "acltrace.tables.capabilities", "acltrace.tables.files")

# --- each regex, as its module calls it ------------------------------------------------------------


CALLS = [pytest.param(label, pattern, method, id=f"{label}.{method}")
         for label, pattern, method in calls(MODULES, inline_ok=True)]


def test_the_capture_paths_regexes_are_found():
    found = {(label, method) for label, _, method in calls(MODULES)}  # and none is called inline
    assert {("captures._MORE", "finditer"), ("captures._PROMPT", "match"), ("captures._ANSI", "sub"),
            ("show._TELLS[cisco_nxos]", "search"), ("show._SWITCH_ITSELF", "match"), ("ifnames._SPLIT", "match"),
            ("ifnames._LAG", "match"), ("rows._NXOS_SERIAL", "sub"), ("rows._LOOKS_LIKE_PORT", "match"),
            ("capabilities._PHRASES", "sub"), ("capabilities._SEPARATORS", "split"),
            ("files._ROWS_START", "match")} <= found
    assert len(found) > 20


@pytest.mark.parametrize("label,pattern,method", CALLS)
def test_each_regex_stays_linear_on_hostile_text(label, pattern, method):
    assert_linear(label, pattern, method, SHAPES + CAPTURE_SHAPES, CAPTURE_PREFIXES,
                  search_prefixes=CAPTURE_PREFIXES[:3])


# --- checks that replaced a regex read as it did ---------------------------------------------------

OLD_NOT_A_PORT = re.compile(r"(?:cpu|router|switch|drop|self|sup-eth\d*|.*\(r\))(?:\s*\(\S+\))?\Z", re.IGNORECASE)
OLD_MORE = re.compile(
    r"[ \t]*(?:-- ?MORE ?--, next page.*?Control-C|<?-{2,} ?\(?more\b[^-\n]*-{2,}>?|\(more\))[ \t]?", re.IGNORECASE)
OLD_NXOS_TELL = re.compile(r"^\s*(?:\S+\s+)?(?:Eth\d+/\d+|mgmt0)\s", re.MULTILINE)


def _texts(pieces, count, most, seed=13):
    rng = random.Random(seed)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, most))) for _ in range(count)]


def test_not_a_port_reads_as_the_regex_did_in_linear_time():
    pieces = ("(", ")", "(r)", "(R)", " ", "\t", "\n", "r", "x", "1", "Lo0", "cpu", "Router", "sup-eth", "Drop",
              "self", "switch", "(Eth1/3.280)", "\xa0")
    for port in _texts(pieces, 40_000, 7):
        assert show.not_a_port(port) == bool(OLD_NOT_A_PORT.match(port)), repr(port)
    for port in ("CPU", "sup-eth1(R)", "sup-eth1(R) (Lo0)", "Drop (Eth1/3.280)", "Vlan10(R)", "Router"):
        assert show.not_a_port(port)
    for port in ("Gi1/0/1", "Po1", "Eth1/3", "vPC Peer-Link", "sup-eth1 x"):
        assert not show.not_a_port(port)
    for shape in ("(r)", "(r)(", "(R) ", "(", "sup-eth1", " ", "(a)"):
        for prefix in ("", "sup-eth1", "x(r)"):
            assert_linear_call(show.not_a_port, lambda size, p=prefix, s=shape: line(p, s, size) + "x",
                               what=f"{prefix!r} + {shape!r}...")


def test_pager_prompts_are_removed_as_the_regex_did():
    pieces = (" ", "\t", "-", "--", "---", "<", ">", "(", ")", "more", "MORE", "-- MORE --, next page", "Control-C",
              ": Space, quit: ", "--More--", "<--- More --->", "(more)", "x", "10  0010.0de0.e289  Gi1/0/1")
    # lines of up to 100 characters: "next page" looks that far for "Control-C", the old regex further
    for text in _texts(pieces, 40_000, 12):
        text = text[:100]
        assert capture._unpage(text) == OLD_MORE.sub("", text), repr(text)
    for text in (" --More-- \b\b\b", "-- MORE --, next page: Space, next line: Return key, quit: Control-C",
                 "<--- More ---> 10 0010.0de0.e289", "  --More--  Gi1/0/1"):
        assert capture._unpage(text) == OLD_MORE.sub("", text)


def test_the_nxos_tell_reads_as_the_regex_did_in_linear_time():
    tell = show._TELLS["cisco_nxos"]
    pieces = (" ", "\t", "\n", "\n\n", "  \n", "x", "Eth1/1", "Eth1/1 ", "mgmt0", "mgmt0 ", "Gi1/0/1", "1/1",
              "\xa0")
    for text in _texts(pieces, 40_000, 8):
        assert bool(tell.search(text)) == bool(OLD_NXOS_TELL.search(text)), repr(text)
    for shape in ("\n", " \n", "\n ", "x \n"):  # the old one went through the blank lines from each line start
        assert_linear_call(tell.search, lambda size, s=shape: line("", s, size), what=repr(shape))


# --- parse_capture end to end ----------------------------------------------------------------------

ROW = "  10    0010.0de0.e289    DYNAMIC     Gi1/0/24\n"
# (prefix, repeated shape): one long line, many lines without a prompt, many prompts
HOSTILE_CAPTURES = {
    "one line of pager prompts": ("", "-- MORE --, next page "),
    "one line of --More--": ("", "--More-- "),
    "one line of blanks after 'more'": ("more", " "),
    "one line of (r)": ("", "(r)"),
    "one line of backspaced text": ("", "a\b"),
    "100,000 empty lines, no prompt": ("", "\n"),
    "50,000 lines, no prompt": ("", "a\n"),
    "50,000 blank lines, no prompt": ("", " \n"),
    "MAC rows, no prompt": ("", ROW),
    "neighbour headings, no prompt": ("", "Device ID\n"),
    "a MAC table after a prompt": ("sw1#show mac address-table\n", ROW),
    "a prompt and a row, repeated": ("", "sw#sh mac add\n" + ROW),
    "prompts of an ARP table of junk": ("", "sw#sh ip arp\nx\n"),
    "empty prompts": ("", "sw#\n"),
    "prompts with no command above a MAC": ("", "sw#\n0011.2233.4455 x\n"),
    "prompts with no command above a heading": ("", "sw#\nDevice ID x\n"),
    "CDP detail sections": ("", "sw#sh cdp nei det\nDevice ID: x\n"),
}
BUDGET_CAPTURE_10K = 1.0     # seconds for parse_capture of a hostile 10 KB capture (the worst: ~0.4 s here)
BUDGET_CAPTURE_100K = 10.0   # ... of 100 KB (the worst, 6,250 sections of a prompt with no command above a
#                              heading, each tried with the ~25 CDP/LLDP templates: ~3 s here)


@pytest.mark.parametrize("name", HOSTILE_CAPTURES)
def test_hostile_captures_of_100_kb_cost_about_ten_times_those_of_10_kb(name):
    prefix, shape = HOSTILE_CAPTURES[name]
    show.parse_capture(line(prefix, shape, 2_000))  # templates parsed, lookups cached
    assert_linear_call(show.parse_capture, lambda size: line(prefix, shape, size), BUDGET_CAPTURE_10K,
                       BUDGET_CAPTURE_100K, repeat=2, what=name)


def test_an_overlong_line_is_dropped_before_it_is_cleaned():
    junk = line("more", " ", 40_000)  # 20 s when the pager regex ran first
    spent = cost(capture.clean_lines, junk)
    assert capture.clean_lines(junk) == ([], 1)
    assert spent < 0.05, f"{spent:.2f} s"
    assert capture.clean_lines(" --More-- " + "x" * (capture.MAX_LINE - 20)) == (["x" * (capture.MAX_LINE - 20)], 0)


NOT_CAPTURES = (
    "hello world",
    "Mar  1 10:00:00 r1 12: %SEC-6-IPACCESSLOGP: list 101 denied tcp 127.0.0.1(80) (Ethernet0/1 000b.bf55.4c70)"
    " -> 192.0.2.10(1515), 1 packet",
    "<134>Mar  1 10:00:00 host sshd[1]: Accepted password for admin from 192.0.2.1 port 2222",
    "Mar  1 10:00:00 sw1 %SW_MATM-4-MACFLAP_NOTIF: Host 0011.2233.4455 in vlan 10 is flapping between port Gi1/0/1"
    " and port Gi1/0/2",
    "%BGP-5-ADJCHANGE: neighbor 192.0.2.2 Up",
)


@pytest.mark.parametrize("text", NOT_CAPTURES)
def test_an_event_that_is_not_a_capture_costs_under_1_ms(text):
    assert show.parse_capture(text, device="r1") == show.Tables(problems=[f"r1 line 1: {show.NOT_A_TABLE}"])
    best = min(cost(show.parse_capture, text, None, "r1") for _ in range(20))
    assert best < 0.001, f"{best * 1000:.2f} ms"


# --- output with no prompt and no command is tried as the tables it could hold ----------------------

def _samples():
    outputs = CORPUS / "device_outputs"
    return sorted(outputs.glob("*/*/*.raw")) + sorted(outputs.glob("genie/*/*/*_output.txt"))


def test_every_samples_first_lines_could_hold_its_table():
    for path in _samples():
        command = path.parent.name.replace("_", " ") if path.suffix == ".raw" else {
            "Arp": "show arp", "Cdp": "show cdp neighbors", "Lldp": "show lldp neighbors",
            "Mac": "show mac address-table"}[re.search(r"Arp|Cdp|Lldp|Mac", path.parent.name).group(0)]
        kind = capture.recognise(command).kind
        sections, _ = capture.split_capture(path.read_bytes().decode("utf-8"))
        for section in sections:
            head = "\n".join(section.text.split("\n")[:show._TRIAL_LINES])
            assert kind in show.table_kinds(head) or not section.text.strip(), path


@pytest.mark.parametrize("sample, command", [
    # read before as a header-less Junos LLDP table of the column headings' words
    ("brocade_fastiron/show_mac-address/brocade_fastiron_show_mac-address.raw", "show mac-address"),
    ("juniper_junos/show_ethernet-switching_table/juniper_junos_show_ethernet-switching_table_14.1X53-D47.6.raw",
     "show ethernet-switching table"),
    ("ruckus_fastiron/show_arp/ruckus_fastiron_show_arp1.raw", "show arp"),
])
def test_a_bare_table_is_not_misread_as_a_neighbour_table(sample, command):
    text = (CORPUS / "device_outputs" / sample).read_bytes().decode("utf-8")
    bare, told = show.parse_capture(text), show.parse_capture(text, command=command)
    assert bare.neighbor == [] and (bare.mac, bare.arp) == (told.mac, told.arp) and (bare.mac or bare.arp)


# --- figures ---------------------------------------------------------------------------------------

def main():
    print(f"parse_capture of {ROOT}/bin")
    for text in NOT_CAPTURES:
        show.parse_capture(text)
        best = min(cost(show.parse_capture, text) for _ in range(20))
        print(f"  not a capture {best * 1000:8.3f} ms  {text[:60]!r}", flush=True)
    for name, (prefix, shape) in HOSTILE_CAPTURES.items():
        show.parse_capture(line(prefix, shape, 2_000))
        small, large, times = ratio(show.parse_capture, lambda size, p=prefix, s=shape: line(p, s, size), repeat=1)
        print(f"  {name:45s} 10 KB {small:7.3f} s  100 KB {large:7.3f} s  x{times:5.1f}", flush=True)
    rows = ROW * 80_000
    for label, text in (("80,000 MAC rows without a prompt", rows),
                        ("80,000 MAC rows after a prompt", "sw1#show mac address-table\n" + rows)):
        print(f"  {label:45s} {cost(show.parse_capture, text):7.3f} s", flush=True)


if __name__ == "__main__":
    main()


def test_a_device_name_loses_its_parenthesised_suffix_in_linear_time():
    """rows.display_name strips '(serial)' by scanning, not by a regex that backtracked (2 KB: 9 ms)."""
    from acltrace.tables.rows import display_name

    assert [display_name(n) for n in ("acc-sw1 (FOC123)", "sw1(anything)", "sw2(a)(b)", "sw3.example.com",
                                      "(x)", "a)b(c)", "10.0.0.1 (r1)")] == [
        "acc-sw1", "sw1", "sw2(a)", "sw3", "", "a)b", "10.0.0.1"]
    hostile = "(" * 100_000 + ")"
    start = time.perf_counter()
    display_name.__wrapped__(hostile)
    assert time.perf_counter() - start < 0.05
