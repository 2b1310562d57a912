"""Every regex of the parse path stays linear on hostile lines (a spoofed syslog line is attacker-made).

Splunk's default TRUNCATE is 10,000 bytes, and an admin may raise it: each regex is tried, the way the
parse path calls it (``match``, ``search``, ... as its module's source says), on adversarial lines of
10 KB and 100 KB built from its own literals and from shapes known to hurt backtracking engines
(tests/support/linearity.py). A linear regex costs ~10x more on the 100 KB line than on the 10 KB one; a
quadratic one ~100x. The issue's gate runs parse_event itself: 40 hostile lines of 10 KB in under 2 s in all.
"""
import time

import pytest
from linearity import assert_linear, calls, line

from acltrace.logs.parser import parse_event

MODULES = ("acltrace.logs.parser", "acltrace.logs.header", "acltrace.logs.ios", "acltrace.logs.asa",
           "acltrace.logs.nxos", "acltrace.logs.fields", "acltrace.logs.device_time", "acltrace.addresses")
# Patterns kept in a dict are called through a variable: its name in the module's source.
CALLED_THROUGH = {"_ASA_USUAL_LINES": "usual_line", "PATTERNS": "pattern"}
CALLS = calls(MODULES, CALLED_THROUGH)


def test_the_parse_paths_regexes_are_found():
    names = {label for label, _, _ in CALLS}
    assert {"parser._ANY_MNEMONIC", "parser._IOS_MNEMONIC", "ios._TRAFFIC", "header._USUAL", "header._STAMP",
            "ios._TRUNCATED", "asa.PATTERNS[710003]"} <= names
    assert {method for label, _, method in CALLS if label == "header._STAMP"} == {"split", "findall"}
    assert len(CALLS) > 40


@pytest.mark.parametrize("label,pattern,method", CALLS, ids=[f"{c[0]}.{c[2]}" for c in CALLS])
def test_each_regex_stays_linear_on_hostile_lines(label, pattern, method):
    assert_linear(label, pattern, method)


def hostile_lines(size):
    """40 hostile lines: each shape that hurt an earlier parser, after each of the prefixes that reach
    a family's regexes."""
    shapes = ("A-", "A-1-", "ASAPIXFWSMFTD-", " ", "\t", "1", "(1)", "%A-1-ACCESSLOG", "ff:", "1.1.1.1(")
    prefixes = ("Deny ", "access-list x denied tcp ", "%SEC-6-IPACCESSLOGP: list x denied tcp ",
                "%ASA-4-106023: Deny tcp src outside:")
    return [line(prefix, shape, size) for shape in shapes for prefix in prefixes]


def test_forty_hostile_lines_of_10_kb_parse_in_under_2_s():
    lines = hostile_lines(10_000)
    assert len(lines) == 40
    start = time.perf_counter()
    for text in lines:
        parse_event(text)
    assert time.perf_counter() - start < 2.0


def test_hostile_lines_of_100_kb_cost_about_ten_times_those_of_10_kb():
    def total(size):
        start = time.perf_counter()
        for text in hostile_lines(size):
            parse_event(text)
        return time.perf_counter() - start
    small, large = total(10_000), total(100_000)
    assert large < 0.5 or large / small < 30, (small, large)
