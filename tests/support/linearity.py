"""Linear time on hostile input: the machinery of the linearity tests (tests/logs, tests/tables).

Every value from outside is hostile: a spoofed syslog line, a capture an admin saved, a CDP neighbour's
name. :func:`calls` finds every compiled regex of a list of modules (module attributes, and patterns kept
in a dict) and each method the module's source calls on it (``match``, ``search``, ``sub``, ...; on a
dict's pattern as ``name[key].search(``, or through a variable ``called_through`` names);
:func:`assert_linear` calls it that way on adversarial texts of 10 KB and 100 KB built from the
pattern's own literals and from shapes known to hurt backtracking engines. A linear call costs ~10x more
on 100 KB than on 10 KB, a quadratic one ~100x: the ratio of the sums is checked, and a budget per call.
A module that calls ``re.match(r"...")`` and the like inline fails :func:`calls`: its regexes must be
compiled at module level, where the test sees them.

Run as a script (``.venv/bin/python tests/support/linearity.py [--2k] acltrace.tables.captures ...``) it
prints the cost of each call on its worst hostile text of 100 KB (2 KB).
"""
import importlib
import inspect
import re
import sys
import time

# Shapes that make backtracking engines work: runs of one class with a separator, whitespace, digits,
# a mnemonic's pieces repeated, an address's pieces repeated, line ends, paging junk, prompts,
# interface names, parenthesised suffixes.
SHAPES = ("A-", "A-1-", "a:", "1.", "1.1.1.1(", "(1)", " ", "  ", "\t", "-", "%A-1-ACCESSLOG", "Deny A-",
          "0000.", "ff:", "::", "a", "1", "A", "_", "/", "Gi0/", "\r\n", "\n", " -> ", ", ", ",", "(r)")
CAPTURE_SHAPES = (
    " \n", "\n ", "a\n", "-- MORE --, next page ", "--More-- ", "--more", "-- ", "--", "<--", "(more)", "more ",
    "\x1b[", "\x1b[1;", "\b", "(R)", "(r) ", "(r)(", "(", ")", "(a)", "sup-eth", "sup-eth1(R) ", "Eth1/1 ",
    "Eth1", "mgmt0", "Gi1/1/1/", "Et1 ", "a@", "sw#", "sw>", "<sw>", "[sw]", "(config)", "a.", "a-", "a ", "a1",
    "Port-channel", "lag ", "lag", "peer-link", "peer-", "(FOC123456)", "(aaaaaa", "a(", " (a) ",
    "Device ID", " Device-ID", "Moves ", "10:00:00.000 ", "wlan access point ", "igmp ", "R S I ", ", ",
)
PREFIXES = ("", "%SEC-6-IPACCESSLOGP: list x denied tcp ", "Mar  1 10:00:00 r1 12: ",
            "%ASA-4-106023: Deny tcp src outside:", "Deny ", "access-list x denied tcp ")
CAPTURE_PREFIXES = ("", "sw1#show mac address-table ", "  10    0010.0de0.e289    DYNAMIC     ", "Gi", "sup-eth1",
                    "--More-- ", "admin@sw3> ")
BUDGET_10K = 0.02         # seconds for one regex call on one 10 KB text (linear ones take ~2 ms here)
BUDGET_100K = 0.1         # ... on one 100 KB text (~15 ms)
METHODS = "match|fullmatch|search|sub|subn|findall|finditer|split"
# re.match(r"..."), re.split(...): a regex the test would not see
_INLINE = re.compile(rf"\bre\.({METHODS})\(")


def literals(pattern):
    """The runs of plain characters in ``pattern``'s text (escaped ones unescaped): what a text must hold
    to get far into it."""
    runs = re.findall(r"(?:\\[^A-Za-z0-9]|[A-Za-z0-9 %:,/_<>@=-])+", pattern.pattern)
    return {re.sub(r"\\(.)", r"\1", run) for run in runs if 0 < len(run) < 40}


def calls(modules, called_through=None, inline_ok=False):
    """(label, pattern, method) of every compiled regex of ``modules`` and each method its module's
    source calls on it (a dict's patterns also through the variable ``called_through`` names)."""
    called_through = called_through or {}
    found = []
    for module_name in modules:
        module = importlib.import_module(module_name)
        source = inspect.getsource(module)
        inline = _INLINE.findall(source)
        assert inline_ok or not inline, f"{module_name} calls re.{inline[0]}() inline: compile it at module level"
        for name, value in vars(module).items():
            patterns = value.items() if isinstance(value, dict) else [(None, value)]
            for key, pattern in patterns:
                if not isinstance(pattern, re.Pattern):
                    continue
                caller = called_through.get(name, name) if key is not None else name
                # name.search(, and for a dict also name[key].search(
                subscript = r"(?:\[[^\]\n]*\])?" if key is not None else ""
                methods = set(re.findall(rf"\b{re.escape(caller)}{subscript}\.({METHODS})\(", source))
                assert methods, f"{module_name}.{name}: no call found (add it to called_through)"
                for method in sorted(methods):
                    label = f"{module_name.rsplit('.', 1)[1]}.{name}" + (f"[{key}]" if key is not None else "")
                    found.append((label, pattern, method))
    return found


def line(prefix, shape, size):
    """``prefix`` then ``shape`` repeated, ``size`` characters in all."""
    return (prefix + shape * (size // len(shape) + 1))[:size]


def cost(call, *args):
    """Seconds ``call(*args)`` took."""
    start = time.perf_counter()
    call(*args)
    return time.perf_counter() - start


def _caller(pattern, method):
    call = getattr(pattern, method)
    if method in ("sub", "subn"):
        return lambda text: call("", text)
    if method == "finditer":
        return lambda text: sum(1 for _ in call(text))
    return call


def texts(pattern, shapes=SHAPES, prefixes=PREFIXES):
    """(prefix, shape) pairs to build hostile texts for ``pattern`` from."""
    return [(prefix, shape) for prefix in prefixes for shape in sorted(set(shapes) | literals(pattern))]


def assert_linear(label, pattern, method, shapes=SHAPES, prefixes=PREFIXES,
                  budget_10k=BUDGET_10K, budget_100k=BUDGET_100K, search_prefixes=None):
    """``pattern.<method>`` on every hostile text of 10 KB and 100 KB: each call within its budget, and
    the 100 KB texts ~10x the 10 KB ones in all (not ~100x). ``search_prefixes``, when given, replaces
    ``prefixes`` for the methods that try every position (search, sub, ...: a prefix moves them less
    than it moves ``match``)."""
    call = _caller(pattern, method)
    if search_prefixes is not None and method not in ("match", "fullmatch"):
        prefixes = search_prefixes
    small = large = 0.0
    for prefix, shape in texts(pattern, shapes, prefixes):
        for size, budget in ((10_000, budget_10k), (100_000, budget_100k)):
            text = line(prefix, shape, size)
            spent = cost(call, text)
            if spent >= budget:  # measured again before it fails: this machine has slow spells
                spent = min(spent, cost(call, text), cost(call, text))
            assert spent < budget, f"{label}.{method} took {spent:.2f} s on {size:,} chars of {prefix!r} + {shape!r}..."
            if size == 10_000:
                small += spent
            else:
                large += spent
    # 10x the input: ~10x the time when linear, ~100x when quadratic (the sums smooth the noise)
    assert large < 0.05 or large / small < 30, (label, method, small, large)


def ratio(run, make, sizes=(10_000, 100_000), repeat=3):
    """(seconds at the small size, seconds at the large size, large / small): ``run(make(size))``, the
    best of ``repeat`` runs for each size."""
    small, large = (min(cost(run, make(size)) for _ in range(repeat)) for size in sizes)
    return small, large, large / max(small, 1e-9)


def assert_linear_call(run, make, budget_10k=BUDGET_10K, budget_100k=BUDGET_100K, repeat=3, what="", floor=0.05):
    """``run(make(size))`` within its budget at 10 KB (checked first: a quadratic call fails fast), then at
    100 KB, and ~10x the 10 KB cost there unless that is under ``floor`` seconds (best of ``repeat`` runs
    each)."""
    small = min(cost(run, make(10_000)) for _ in range(repeat))
    assert small < budget_10k, f"{what}: {small:.3f} s on 10 KB"
    large = min(cost(run, make(100_000)) for _ in range(repeat))
    assert large < budget_100k, f"{what}: {large:.3f} s on 100 KB"
    # 10x the input: ~10x the time when linear, ~100x when quadratic
    assert large < floor or large / small < 30, (what, small, large)


def worst(pattern, method, shapes=SHAPES, prefixes=PREFIXES, size=100_000):
    """(seconds, prefix, shape) of the costliest hostile text of ``size`` for ``pattern.<method>``."""
    call = _caller(pattern, method)
    return max((cost(call, line(prefix, shape, size)), prefix, shape)
               for prefix, shape in texts(pattern, shapes, prefixes))


if __name__ == "__main__":
    sys.path[:0] = [str(__import__("pathlib").Path(__file__).resolve().parents[2] / "bin")]
    size = 2_000 if "--2k" in sys.argv else 100_000
    for label, pattern, method in calls([arg for arg in sys.argv[1:] if not arg.startswith("--")], inline_ok=True):
        spent, prefix, shape = worst(pattern, method, SHAPES + CAPTURE_SHAPES, PREFIXES + CAPTURE_PREFIXES, size)
        print(f"{spent * 1000:9.1f} ms  {label}.{method} on {size:,} chars of {prefix!r} + {shape!r}...", flush=True)
