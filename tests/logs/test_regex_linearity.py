"""Every regex of the parse path stays linear on hostile lines (a spoofed syslog line is attacker-made).

Splunk's default TRUNCATE is 10,000 bytes, and an admin may raise it: each regex is tried, the way the
parse path calls it (``match``, ``search``, ... as its module's source says), on adversarial lines of
10 KB and 100 KB built from its own literals and from shapes known to hurt backtracking engines. A
linear regex costs ~10x more on the 100 KB line than on the 10 KB one; a quadratic one ~100x.
The issue's gate runs parse_event itself: 40 hostile lines of 10 KB in under 2 s in all.
"""
import importlib
import inspect
import re
import time

import pytest

from acltrace.logs.parser import parse_event

MODULES = ("acltrace.logs.parser", "acltrace.logs.header", "acltrace.logs.ios", "acltrace.logs.asa",
           "acltrace.logs.nxos", "acltrace.logs.fields", "acltrace.logs.device_time", "acltrace.addresses")
# Shapes that make backtracking engines work: runs of one class with a separator, whitespace, digits,
# a mnemonic's pieces repeated, an address's pieces repeated, line ends, paging junk.
SHAPES = ("A-", "A-1-", "a:", "1.", "1.1.1.1(", "(1)", " ", "  ", "\t", "-", "%A-1-ACCESSLOG", "Deny A-",
          "0000.", "ff:", "::", "a", "1", "A", "_", "/", "Gi0/", "\r\n", "\n", " -> ", ", ", ",", "(r)")
PREFIXES = ("", "%SEC-6-IPACCESSLOGP: list x denied tcp ", "Mar  1 10:00:00 r1 12: ",
            "%ASA-4-106023: Deny tcp src outside:", "Deny ", "access-list x denied tcp ")
BUDGET_10K = 0.02         # seconds for one regex call on one 10 KB line (linear ones take ~2 ms here)
BUDGET_100K = 0.1         # ... on one 100 KB line (~15 ms)
# Patterns kept in a dict are called through a variable: its name in the module's source.
CALLED_THROUGH = {"_ASA_USUAL_LINES": "usual_line", "PATTERNS": "pattern"}
_METHODS = "match|fullmatch|search|sub|findall|split"


def _literals(pattern):
    """The runs of plain characters in ``pattern``'s text (escaped ones unescaped): what a line must hold
    to get far into it."""
    runs = re.findall(r"(?:\\[^A-Za-z0-9]|[A-Za-z0-9 %:,/_<>@=-])+", pattern.pattern)
    return {re.sub(r"\\(.)", r"\1", run) for run in runs if 0 < len(run) < 40}


def _calls():
    """(name, pattern, method) of every compiled regex of the parse path and each method its module's
    source calls on it (patterns kept in a dict, such as asa.PATTERNS, by the name of the dict)."""
    calls = []
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        source = inspect.getsource(module)
        for name, value in vars(module).items():
            patterns = value.items() if isinstance(value, dict) else [(None, value)]
            for key, pattern in patterns:
                if not isinstance(pattern, re.Pattern):
                    continue
                caller = CALLED_THROUGH.get(name, name) if key is not None else name
                methods = set(re.findall(rf"\b{re.escape(caller)}\.({_METHODS})\(", source))
                assert methods, f"{module_name}.{name}: no call found (add it to CALLED_THROUGH)"
                for method in methods:
                    label = f"{module_name.rsplit('.', 1)[1]}.{name}" + (f"[{key}]" if key is not None else "")
                    calls.append((label, pattern, method))
    return calls


CALLS = _calls()


def _line(prefix, shape, size):
    return (prefix + shape * (size // len(shape) + 1))[:size]


def _cost(call, text):
    start = time.perf_counter()
    call(text) if call.__name__ != "sub" else call("", text)
    return time.perf_counter() - start


def test_the_parse_paths_regexes_are_found():
    names = {label for label, _, _ in CALLS}
    assert {"parser._ANY_MNEMONIC", "parser._IOS_MNEMONIC", "ios._TRAFFIC", "header._USUAL"} <= names
    assert len(CALLS) > 40


@pytest.mark.parametrize("label,pattern,method", CALLS, ids=[f"{c[0]}.{c[2]}" for c in CALLS])
def test_each_regex_stays_linear_on_hostile_lines(label, pattern, method):
    call = getattr(pattern, method)
    shapes = set(SHAPES) | _literals(pattern)
    small = large = 0.0
    for prefix in PREFIXES:
        for shape in shapes:
            cost = _cost(call, _line(prefix, shape, 10_000))
            assert cost < BUDGET_10K, f"{label}.{method} took {cost:.2f} s on 10 KB of {prefix!r} + {shape!r}..."
            small += cost
            cost = _cost(call, _line(prefix, shape, 100_000))
            assert cost < BUDGET_100K, f"{label}.{method} took {cost:.2f} s on 100 KB of {prefix!r} + {shape!r}..."
            large += cost
    # 10x the input: ~10x the time when linear, ~100x when quadratic (the sums smooth the noise)
    assert large < 0.05 or large / small < 30, (label, method, small, large)


def hostile_lines(size):
    """40 hostile lines: each shape that hurt an earlier parser, after each of the prefixes that reach
    a family's regexes."""
    shapes = ("A-", "A-1-", "ASAPIXFWSMFTD-", " ", "\t", "1", "(1)", "%A-1-ACCESSLOG", "ff:", "1.1.1.1(")
    prefixes = ("Deny ", "access-list x denied tcp ", "%SEC-6-IPACCESSLOGP: list x denied tcp ",
                "%ASA-4-106023: Deny tcp src outside:")
    return [_line(prefix, shape, size) for shape in shapes for prefix in prefixes]


def test_forty_hostile_lines_of_10_kb_parse_in_under_2_s():
    lines = hostile_lines(10_000)
    assert len(lines) == 40
    start = time.perf_counter()
    for line in lines:
        parse_event(line)
    assert time.perf_counter() - start < 2.0


def test_hostile_lines_of_100_kb_cost_about_ten_times_those_of_10_kb():
    def total(size):
        start = time.perf_counter()
        for line in hostile_lines(size):
            parse_event(line)
        return time.perf_counter() - start
    small, large = total(10_000), total(100_000)
    assert large < 0.5 or large / small < 30, (small, large)
