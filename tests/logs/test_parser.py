"""The core parser on our own cases, and on input meant to break it."""
import json
import pathlib
import random
import re
import time

import pytest

from acltrace.logs.fields import FIELDS
from acltrace.logs.parser import parse_event

CASES = [json.loads(line) for line in (pathlib.Path(__file__).parents[1] / "data" / "parser_cases.jsonl").open()]


@pytest.mark.parametrize("case", CASES, ids=[c["why"] for c in CASES])
def test_own_cases(case):
    assert parse_event(case["line"]) == case["fields"]


def test_only_declared_fields_and_only_strings(corpus):
    for line in (corpus / "peer_cases" / "peer_cases.jsonl").open(encoding="utf-8"):
        ev = parse_event(json.loads(line)["line"])
        if ev:
            assert set(ev) <= set(FIELDS)
            assert all(isinstance(v, str) and v for v in ev.values())


def _acl_lines(corpus):
    lines = [json.loads(r)["line"] for r in (corpus / "peer_cases" / "peer_cases.jsonl").open(encoding="utf-8")]
    return [line for line in lines if parse_event(line)]


def test_a_line_cut_anywhere_never_raises(corpus):
    for line in _acl_lines(corpus)[::7]:
        for cut in range(len(line)):
            ev = parse_event(line[:cut])
            assert ev is None or isinstance(ev, dict)


def test_garbled_lines_never_raise(corpus):
    rng = random.Random(2003)
    junk = "\x00\ufffd\x1b%()->,:/ \t\n" + "".join(map(chr, range(0x20, 0x7f)))
    for line in _acl_lines(corpus):
        for _ in range(20):
            chars = list(line)
            for _ in range(rng.randint(1, 8)):
                chars[rng.randrange(len(chars))] = rng.choice(junk)
            parse_event("".join(chars))


def test_binary_junk_is_not_an_acl_event():
    rng = random.Random(7)
    for _ in range(200):
        blob = bytes(rng.randrange(256) for _ in range(rng.randint(0, 400)))
        assert parse_event(blob.decode("utf-8", "replace")) is None


@pytest.mark.parametrize("make", [
    lambda n: "x" * n,
    lambda n: "%SEC-6-IPACCESSLOGP: list A denied tcp " + "1" * n,
    lambda n: "%SEC-6-IPACCESSLOGP: list A denied tcp 1.1.1.1(1) " + "(" * n,
    lambda n: "Nov 25 10:00:00 " * (n // 16) + "%SEC-6-IPACCESSLOGP: list A denied tcp 1.1.1.1(1) -> 2.2.2.2(2), 1 pkt",
    lambda n: "%ASA-4-106023: Deny tcp src " + "a:" * (n // 2),
    lambda n: "Deny tcp src " + "outside:" * (n // 8),
    lambda n: "%ACLLOG-5-ACLLOG_FLOW_INTERVAL: " + "Src IP: 1.1.1.1, " * (n // 17),
], ids=["plain", "long-address", "parens", "long-header", "asa-colons", "bare-asa", "nxos-pairs"])
def test_a_one_megabyte_line_is_parsed_in_linear_time(make):
    # Catastrophic backtracking would take minutes here; linear regexes take milliseconds.
    start = time.perf_counter()
    parse_event(make(1 << 20))
    assert time.perf_counter() - start < 5.0


def test_the_acl_event_inside_a_multi_line_event_is_found():
    raw = ("Nov 25 10:00:00 r1 1: %SYS-5-CONFIG_I: Configured from console\n"
           "Nov 25 10:00:01 r1 2: %SEC-6-IPACCESSLOGP: list 7 denied udp 10.0.0.1(137) -> 10.0.0.255(137), 1 packet")
    ev = parse_event(raw)
    assert ev["rule"] == "7" and ev["src_ip"] == "10.0.0.1" and ev["seq"] == "2"


def test_the_header_fast_path_reads_what_the_general_reader_reads(corpus, repo):
    """parse_header takes a one-regex shortcut for the usual header shape; it must agree."""
    from acltrace.logs.header import _USUAL, _parse_any_header, parse_header
    mnemonic = re.compile(r"%?[A-Z][A-Z0-9_]*-(?:[A-Za-z0-9_]+-)*[0-7]-[A-Z0-9_]+\s?:")
    lines = [json.loads(r)["line"] for r in (corpus / "peer_cases" / "peer_cases.jsonl").open(encoding="utf-8")]
    lines += (repo / "samples" / "ios_acl_sample.log").read_text(encoding="utf-8").splitlines()
    lines += [c["line"] for c in CASES]
    shortcut = 0
    for line in lines:
        m = mnemonic.search(line)
        if m and _USUAL.match(line[:m.start()]):
            shortcut += 1
            assert parse_header(line[:m.start()]) == _parse_any_header(line[:m.start()]), line
    assert shortcut > 200


def test_the_ios_whole_line_shortcut_gives_what_the_long_way_gives(corpus, repo):
    """Most IOS lines are read by one anchored regex; every field must equal the general path's."""
    from acltrace.logs import parser
    lines = [json.loads(r)["line"] for r in (corpus / "peer_cases" / "peer_cases.jsonl").open(encoding="utf-8")]
    lines += (repo / "samples" / "ios_acl_sample.log").read_text(encoding="utf-8").splitlines()
    lines += [c["line"] for c in CASES]
    rng = random.Random(1)
    lines += [line[:rng.randrange(len(line))] for line in list(lines)]      # and cut short
    shortcut = 0
    for line in lines:
        m = parser._IOS_USUAL_LINE.match(line)
        if m and len(line) <= parser._SHORT_LINE and "\n" not in line:
            shortcut += 1
            assert parser._ios_usual_line(m.groups()) == parser._ios_any_line(line), line
    assert shortcut > 100


def test_the_asa_whole_line_shortcut_gives_what_the_long_way_gives(corpus, repo):
    from acltrace.logs import parser
    lines = [json.loads(r)["line"] for r in (corpus / "peer_cases" / "peer_cases.jsonl").open(encoding="utf-8")]
    lines += (repo / "samples" / "ios_acl_sample.log").read_text(encoding="utf-8").splitlines()
    lines += [c["line"] for c in CASES]
    shortcut = 0
    for line in lines:
        m = parser._ASA_MNEMONIC.search(line)
        usual = m and parser._ASA_USUAL_LINES.get(m.group("message_id"))
        whole = usual and usual.match(line)
        if whole and len(line) <= parser._SHORT_LINE and "\n" not in line:
            shortcut += 1
            assert parser._asa_usual_line(m.group("message_id"), whole) == parser._asa_any_line(line, m), line
    assert shortcut > 50

