#!/usr/bin/env python
"""How fast are aclparse and aclparse | backscatter? Prints figures; asserts nothing.

    python bench/benchmark.py [--records 200000] [--chunk 50000] [--repeat 3] [--shape wide|narrow]
                              [--quoting minimal|splunkd] [--compare OTHER/bin] [--profile]

In one run, through the SCP v2 driver of the tests (tests/support/scp.py, playing splunkd), on the
same generated records, interleaved:
  baseline     bench/baseline.py: a plain splunklib StreamingCommand, ONE IOS regex + add_field
  passthrough  bench/passthrough.py: a splunklib StreamingCommand that does nothing
  aclparse     bin/aclparse.py, every format: our own SCP v2 loop (acltrace_splunk.protocol) and
               record path (acltrace_splunk.commands.aclparse), no splunklib
  backscatter  bin/backscatter.py (likewise), on aclparse's replies (aclparse | backscatter is the
               sum of both)
With ``--compare OTHER/bin``, OTHER's aclparse.py and backscatter.py too (another checkout: before
and after a change, timed side by side on this noisy machine).
Only the execute phase is timed (first execute chunk sent -> last reply read); the figure is the
best of --repeat runs (median shown too); peak RSS is the child's VmHWM (its ru_maxrss would
include the parent memory it shared until exec). Then, in this process: the core's parse cost per
line (what the command cannot go below), the CLI speed against a bare regex loop, and `acltrace
label`'s speed (OTHER's too with --compare). Last, the summary path (issue 15): how many rows the
summary search's stats hand to Python per 1,000 events, on the corpus and on bench/scenario.py's
night, and aclfindings' CPU on them against aclparse | backscatter's on the same events. With
``--memory N,...``: peak RSS of aclparse | backscatter and of `acltrace label` over N events.
"""
import argparse
import cProfile  # noqa: F401  (used by the profiling wrapper)
import csv
import gc
import io
import pstats
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "bin"))
sys.path.insert(0, str(REPO / "tests" / "support"))

import scp  # noqa: E402

from acltrace.logs.parser import parse_event  # noqa: E402

# -- a mixed corpus -------------------------------------------------------------------------------

def _ip(r):
    return f"10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}"


def _mac(r):
    h = f"{r.getrandbits(48):012x}"
    return f"{h[0:4]}.{h[4:8]}.{h[8:12]}"


def _ios(r, n, message):
    """An IOS line as a syslog server stores it: its header, then the device's own."""
    return (f"Mar {r.randrange(1, 29):2d} 10:{r.randrange(60):02d}:{r.randrange(60):02d} "
            f"r{r.randrange(40)} {n}: Mar  1 10:00:00.{r.randrange(1000):03d}: {message}")


def _asa(r, message):
    return f"Mar  1 2024 10:00:00 fw-{r.randrange(4)} : {message}"


def _port(r):
    return r.randrange(1024, 65535)


# (weight, maker) — ~80% ACL events of every family aclparse handles, ~20% other device chatter
LINES = [
    (18, lambda r, n: _ios(r, n, f"%SEC-6-IPACCESSLOGP: list 101 denied tcp 127.0.0.1(80) "
                                 f"(GigabitEthernet0/{r.randrange(4)} {_mac(r)}) -> "
                                 f"{_ip(r)}({r.randrange(1000, 2000)}), 1 packet")),
    (12, lambda r, n: _ios(r, n, f"%SEC-6-IPACCESSLOGP: list OUTSIDE-IN permitted udp "
                                 f"{_ip(r)}({_port(r)}) -> {_ip(r)}(53), {r.randrange(1, 50)} packets")),
    (6, lambda r, n: _ios(r, n, f"%SEC-6-IPACCESSLOGDP: list 150 denied icmp {_ip(r)} "
                                f"(Vlan{r.randrange(1, 99)} {_mac(r)}) -> {_ip(r)} (3/{r.randrange(4)}), "
                                "1 packet")),
    (4, lambda r, n: _ios(r, n, f"%SEC-6-IPACCESSLOGS: list 10 denied {_ip(r)} {r.randrange(1, 9)} packets")),
    (6, lambda r, n: _ios(r, n, f"%FMANFP-6-IPACCESSLOGP: R0/0: fman_fp_image: list internet_in denied tcp "
                                f"{_ip(r)}({_port(r)}) -> {_ip(r)}(445), 1 packet")),
    (4, lambda r, n: _ios(r, n, f"%IPV6_ACL-6-ACCESSLOGP: list ACL6-IN/20 denied tcp "
                                f"2001:db8::{r.randrange(65535):x}({_port(r)}) -> 2001:db8:1::1(22), 1 packet")),
    (10, lambda r, n: _asa(r, f"%ASA-4-106023: Deny tcp src outside:{_ip(r)}/{_port(r)} dst inside:{_ip(r)}/445 "
                              'by access-group "outside_access_in" [0x0, 0x0]')),
    (8, lambda r, n: _asa(r, f"%ASA-6-106100: access-list inside permitted udp inside/{_ip(r)}({_port(r)}) -> "
                             f"outside/{_ip(r)}(53) hit-cnt {r.randrange(1, 300)} 300-second interval "
                             "[0xe982c7a4, 0x0]")),
    (4, lambda r, n: _asa(r, f"%ASA-6-106015: Deny TCP (no connection) from {_ip(r)}/443 to {_ip(r)}/{_port(r)} "
                             "flags RST ACK  on interface outside")),
    (4, lambda r, n: _asa(r, f"%ASA-2-106006: Deny inbound UDP from {_ip(r)}/137 to {_ip(r)}/137 "
                             "on interface inside")),
    (4, lambda r, n: f"2024 Mar  1 10:00:00 n7k-{r.randrange(4)} %ACLLOG-5-ACLLOG_FLOW_INTERVAL: "
                     f"Src IP: {_ip(r)}, Dst IP: {_ip(r)}, Src Port: {r.randrange(65535)}, Dst Port: 443, "
                     'Src Intf: Ethernet3/3, Protocol: "TCP"(6), ACL Name: match-acl, ACE Action: Deny, '
                     "Appl Intf: Vlan10, Hit-count: 5"),
    (8, lambda r, n: _ios(r, n, f"%LINEPROTO-5-UPDOWN: Line protocol on Interface GigabitEthernet0/"
                                f"{r.randrange(48)}, changed state to {r.choice(('up', 'down'))}")),
    (5, lambda r, n: _ios(r, n, "%SYS-5-CONFIG_I: Configured from console by admin on vty0 (10.0.0.9)")),
    (4, lambda r, n: _asa(r, f"%ASA-6-302013: Built inbound TCP connection {n} for outside:{_ip(r)}/443 "
                             f"({_ip(r)}/443) to inside:{_ip(r)}/51000 ({_ip(r)}/51000)")),
    (3, lambda r, n: _ios(r, n, f"%LINK-3-UPDOWN: Interface GigabitEthernet0/{r.randrange(48)}, "
                                "changed state to down")),
]


def make_lines(count, seed=7):
    r = random.Random(seed)
    weights = [w for w, _ in LINES]
    makers = [m for _, m in LINES]
    return [r.choices(makers, weights)[0](r, n) for n in range(count)]


# Columns kept by --shape narrow: a search that names its fields (`| fields _time host ...`).
NARROW = ("_raw", "_time", "host", "source", "sourcetype")


def make_records(lines, shape="wide", first=0):
    """Records shaped as splunkd sends them to a distributed streaming command (wide: the
    default fields of an indexed event, two of them multivalue; narrow: NARROW only); ``first``
    numbers the first record (its _time follows from it)."""
    records = []
    for n, raw in enumerate(lines, first):
        asa = "%ASA-" in raw
        records.append({
            "_raw": raw,
            "_time": f"{1709287200 + n // 50}.{n % 1000:03d}",
            "host": "fw-1" if asa else f"r{n % 40}",
            "source": "udp:514",
            "sourcetype": "cisco:asa" if asa else "cisco:ios",
            "index": "network",
            "splunk_server": f"idx{n % 3}.example.com",
            "_cd": f"{n // 1000}:{n}",
            "_si": [f"idx{n % 3}.example.com", "network"],   # multivalue, as splunkd sends it
            "_serial": str(n),
            "_indextime": str(1709287260 + n // 50),
            "linecount": "1",
            "punct": "__::_:_-----:____(_)_->_..._",
            "eventtype": ["cisco_acl", "network"] if n % 5 else "",
        })
        if shape == "narrow":
            records[-1] = {k: records[-1][k] for k in NARROW}
    return records


# -- measurements ---------------------------------------------------------------------------------

def record_count(chunk):
    """Records in a reply chunk, counted without a dict per record: a long run's replies parsed
    into dicts would churn GBs in this process between the runs it times."""
    rows = csv.reader(io.StringIO(chunk.body.decode("utf-8", "replace"), newline=""))
    return max(0, sum(1 for _ in rows) - 1)


def run_scp(commands, repeat, python):
    """{name: (best s, median s, peak RSS KiB, rows, best CPU s)} for {name: (script, bodies)}; runs
    interleaved, so that load from elsewhere on the machine falls on every command alike."""
    times = {name: [] for name in commands}
    cpu = {name: [] for name in commands}
    rss = dict.fromkeys(commands, 0)
    rows = dict.fromkeys(commands, 0)
    for _ in range(repeat):
        for name, (script, bodies) in commands.items():
            result = scp.run_command(script, [], bodies, python=python)
            if result.returncode != 0 or result.messages_at("ERROR"):
                raise SystemExit(f"{name} failed: {result.messages} {result.stderr[-2000:]}")
            rows[name] = sum(map(record_count, result.chunks))
            times[name].append(result.execute_seconds)
            cpu[name].append(result.execute_cpu_seconds)
            rss[name] = max(rss[name], result.maxrss_kb)
    return {name: (min(t), statistics.median(t), rss[name], rows[name], min(cpu[name]))
            for name, t in times.items()}


def pipeline_memory(count, chunk, python):
    """Peak RSS (MB) of aclparse and of backscatter, and the seconds taken, when ``count`` events
    stream through both chunk by chunk, each reply of aclparse sent on to backscatter as splunkd
    pipes them. The records are made chunk by chunk, so this process stays small."""
    names = ("aclparse", "backscatter")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dispatch-") as tmp:
        sessions = [scp.Session(REPO / "bin" / f"{name}.py", python) for name in names]
        for name, session in zip(names, sessions):
            session.exchange(scp.encode_chunk(scp.getinfo_metadata(name, [], tmp)))
        for first in range(0, count, chunk):
            size = min(chunk, count - first)
            body = scp.records_to_csv(make_records(make_lines(size, seed=first), first=first))
            meta = {"action": "execute", "finished": first + size >= count}
            if meta["finished"]:            # a command exits after its last reply: its peak so far
                peaks = [session.peak_rss_kb() / 1024 for session in sessions]
            for session in sessions:
                reply = session.exchange(scp.encode_chunk(meta, body))
                if reply is None:
                    raise SystemExit(f"a command stopped: {session.close()[-2000:]}")
                body = reply.body
        # backscatter labels everything in its last chunk: its peak is its rusage's once it has ended
        for session in sessions:
            session.close()
        peaks = [max(peak, session.maxrss_kb / 1024) for peak, session in zip(peaks, sessions)]
    return peaks, time.perf_counter() - started


def record_path_cost(bodies, lines, repeat=3, real_parser=False):
    """Seconds per record of aclparse's record path (``AclParse.process_body``) in this process:
    with the parser's results looked up from a table (what the command costs beyond parse_event),
    or with the real parser (everything but the protocol)."""
    from types import SimpleNamespace

    from acltrace_splunk.commands import aclparse as module

    real = module.parse_event
    if not real_parser:
        module.parse_event = {line: parse_event(line) for line in lines}.get
    try:
        command = module.AclParse(SimpleNamespace(field="_raw"), {})
        best = float("inf")
        for _ in range(repeat):
            t = time.perf_counter()
            for body in bodies:
                command.process_body(body)
            best = min(best, time.perf_counter() - t)
    finally:
        module.parse_event = real
    return best / len(lines)


def profile_aclparse(bodies, python, top=18):
    """cProfile the command's child process on the same chunks; print the top functions."""
    with tempfile.TemporaryDirectory() as tmp:
        stats = Path(tmp) / "aclparse.prof"
        wrapper = Path(tmp) / "aclparse_profiled.py"
        wrapper.write_text(
            "import cProfile, runpy, sys\n"
            f"sys.path.insert(0, {str(REPO / 'bin')!r})\n"
            "p = cProfile.Profile()\n"
            "try:\n"
            f"    p.runcall(runpy.run_path, {str(REPO / 'bin' / 'aclparse.py')!r}, run_name='__main__')\n"
            "finally:\n"
            f"    p.dump_stats({str(stats)!r})\n")
        scp.run_command(wrapper, [], bodies, python=python)
        out = io.StringIO()
        pstats.Stats(str(stats), stream=out).sort_stats("tottime").print_stats(top)
        print(out.getvalue())


def parse_cost(lines, repeat=3):
    """Seconds per line of the bare parse_event call (best of ``repeat``)."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for line in lines:
            parse_event(line)
        best = min(best, time.perf_counter() - t)
    return best / len(lines)


def cli_speed(lines, python):
    """Lines/s and peak RSS (MB) of `acltrace parse FILE` (a process, JSON lines to /dev/null),
    and lines/s of a bare `for line in f: regex.search(line)` loop over the same file."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "acl.log"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        ios = re.compile(r"%SEC-\d-IPACCESSLOG\w*:\s+list (\S+) (permitted|denied) (\S+) ([^\s(]+)")
        t = time.perf_counter()
        with path.open(encoding="utf-8") as f:
            for line in f:
                ios.search(line)
        bare = len(lines) / (time.perf_counter() - t)

        # VmHWM, not ru_maxrss: the latter keeps the forked parent's size from before exec.
        code = ("import re, sys; from acltrace.cli import main; rc = main(['parse', sys.argv[1]]); "
                "sys.stderr.write(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]); "
                "sys.exit(rc)")
        t = time.perf_counter()
        done = subprocess.run([python or sys.executable, "-c", code, str(path)], cwd=str(REPO / "bin"),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
        speed = len(lines) / (time.perf_counter() - t)
        return speed, int(done.stderr.decode().split()[-1]) / 1024, bare


def label_run(path, python, bin_dir=REPO / "bin"):
    """Seconds and peak RSS (MB) of `acltrace label FILE` (a process, JSON lines to /dev/null)."""
    code = ("import re, sys; from acltrace.cli import main; rc = main(['label', '--year', '2026', sys.argv[1]]); "
            "sys.stderr.write(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]); "
            "sys.exit(rc)")
    t = time.perf_counter()
    done = subprocess.run([python or sys.executable, "-c", code, str(path)], cwd=str(bin_dir),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    return time.perf_counter() - t, int(done.stderr.decode().split()[-1]) / 1024


def label_memory(count, python):
    """Peak RSS (MB) and lines/s of `acltrace label` over ``count`` corpus lines (made 100,000 at a time)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "acl.log"
        with path.open("w", encoding="utf-8") as out:
            for first in range(0, count, 100_000):
                out.write("\n".join(make_lines(min(100_000, count - first), seed=first)) + "\n")
        seconds, rss = label_run(path, python)
    return rss, count / seconds


def summary_figures(name, pairs, raw_cpu, python):
    """Rows the summary search hands to Python per 1,000 ACL events, aclfindings' speed on them, and
    the search head's Python CPU per labelled event against aclparse | backscatter's (``raw_cpu`` s for
    the same events)."""
    from acltrace.triage.findings import summary_rows
    rows = summary_rows(pairs)
    records = [{k: (v if isinstance(v, list) else str(v)) for k, v in row.items()} for row in rows]
    result = scp.run_command("aclfindings", [], [records], python=python)
    if result.returncode != 0:
        raise SystemExit(f"aclfindings failed: {result.stderr[-2000:]}")
    events = len(pairs)
    ratio = (raw_cpu / events) / (result.execute_cpu_seconds / events) if result.execute_cpu_seconds else 0
    print(f"{name}: {events:,} ACL events -> {len(rows):,} summary rows ({1000 * len(rows) / events:.0f} per "
          f"1,000 events); aclfindings {len(rows) / result.execute_seconds:,.0f} rows/s, "
          f"{len(result.records):,} findings; search-head Python CPU per labelled event: "
          f"{raw_cpu / events * 1e6:.1f} us (aclparse | backscatter) vs "
          f"{result.execute_cpu_seconds / events * 1e6:.1f} us (aclfindings on rows) = {ratio:.1f}x less; "
          f"target >= 20x: {'MET' if ratio >= 20 else 'MISSED'}")


def scenario_pairs():
    """bench/scenario.py's night as (event, Splunk's _time) pairs and as records for the commands."""
    sys.path.insert(0, str(HERE))
    import scenario
    night = scenario.generate(7, 8.0, 1.0)
    records = [{"_raw": raw, "_time": f"{t:.3f}", "host": "syslog1", "sourcetype": "cisco:ios"}
               for t, raw, _label, _cls in night]
    pairs = [(ev, t) for (t, raw, _label, _cls) in night for ev in (parse_event(raw),) if ev is not None]
    return pairs, records


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=200_000)
    ap.add_argument("--chunk", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--python", help="interpreter for the commands (default: this one)")
    ap.add_argument("--profile", action="store_true", help="also cProfile aclparse")
    ap.add_argument("--compare", metavar="OTHER/bin", type=Path,
                    help="also time aclparse.py and backscatter.py of another checkout's bin/, interleaved")
    ap.add_argument("--memory", metavar="N[,N...]",
                    help="only stream N events through aclparse | backscatter, for each N, and print peak RSS")
    ap.add_argument("--quoting", choices=("minimal", "splunkd"), default="minimal",
                    help="CSV quoting of the bodies: minimal (csv's, the default) or splunkd's (names that "
                         "start with _ and every value quoted, as splunkd 8.0.3 writes them)")
    ap.add_argument("--shape", choices=("wide", "narrow"), default="wide",
                    help="record shape: wide (default fields, multivalue _si/eventtype) or narrow "
                         "(" + ", ".join(NARROW) + ")")
    args = ap.parse_args(argv)
    if args.memory:
        for count in (int(n) for n in args.memory.split(",")):
            (acl, bs), seconds = pipeline_memory(count, args.chunk, args.python)
            print(f"{count:,} events through aclparse | backscatter in chunks of {args.chunk:,}: peak RSS "
                  f"aclparse {acl:.0f} MB, backscatter {bs:.0f} MB ({seconds:.0f} s, records made on the way)")
            rss, speed = label_memory(count, args.python)
            print(f"{count:,} lines through `acltrace label FILE`: peak RSS {rss:.0f} MB, {speed:,.0f} lines/s")
        return

    lines = make_lines(args.records)
    records = make_records(lines, args.shape)
    bodies = [scp.records_to_csv(records[i:i + args.chunk])
              for i in range(0, len(records), args.chunk)]
    if args.quoting == "splunkd":
        bodies = [scp.quote_as_splunkd(body) for body in bodies]
    acl = sum(1 for line in lines if parse_event(line) is not None)
    # The in-process figures below must not pay for this process's own heap (the corpus: every
    # cyclic-GC pass would walk its 200k record dicts), which the command's child does not have.
    gc.collect()
    gc.freeze()
    python = args.python or sys.executable
    print(f"{args.records} records in {len(bodies)} chunk(s) of <= {args.chunk}, "
          f"{sum(map(len, bodies)) / 1e6:.1f} MB of CSV; parse_event finds {acl} ACL events "
          f"({100 * acl / len(lines):.0f}%); python {python}")
    print(f"record shape: {args.shape} ({len(records[0])} fields), {args.quoting} quoting; best of {args.repeat}, "
          f"execute phase only\n")

    # backscatter reads aclparse's replies, as splunkd passes them on
    labelled = [c.body for c in scp.run_command(REPO / "bin" / "aclparse.py", [], bodies, python=python).chunks]
    if args.quoting == "splunkd":          # splunkd writes its own CSV for the next command
        labelled = [scp.quote_as_splunkd(body.decode("utf-8")) for body in labelled]
    commands = {"baseline": (HERE / "baseline.py", bodies),
                "passthrough": (HERE / "passthrough.py", bodies),
                "aclparse": (REPO / "bin" / "aclparse.py", bodies),
                "backscatter": (REPO / "bin" / "backscatter.py", labelled)}
    if args.compare:
        commands.update({"aclparse'": (args.compare.resolve() / "aclparse.py", bodies),
                         "backscatter'": (args.compare.resolve() / "backscatter.py", labelled)})
        print(f"aclparse' and backscatter': those of {args.compare.resolve()}\n")
    figures = run_scp(commands, args.repeat, args.python)
    for name, figure in figures.items():
        if figure[3] != args.records:
            raise SystemExit(f"{name} returned {figure[3]} records, not {args.records}")

    base = args.records / figures["baseline"][0]
    base_cpu = args.records / figures["baseline"][4] if figures["baseline"][4] else 0
    print(f"{'command':<13}{'records/s':>11}{'median':>9}{'vs base':>9}"
          f"{'rec/CPU-s':>11}{'vs base':>9}{'peak RSS MB':>13}")
    for name, (best, median, rss, _, cpu) in figures.items():
        rate = args.records / best
        cpu_rate = args.records / cpu if cpu else 0
        print(f"{name:<13}{rate:>11,.0f}{args.records / median:>9,.0f}{rate / base:>8.2f}x"
              f"{cpu_rate:>11,.0f}{(cpu_rate / base_cpu if base_cpu else 0):>8.2f}x{rss / 1024:>13.0f}")
    ratio = (args.records / figures["aclparse"][0]) / base
    print("(records/s: wall clock of the execute phase, best of the runs; rec/CPU-s: per second of "
          "the child's own CPU time, which load elsewhere on the machine disturbs less)")
    print(f"\ntarget aclparse >= 2.50x baseline: {'MET' if ratio >= 2.5 else 'MISSED'} ({ratio:.2f}x wall)")

    # aclparse | backscatter: splunkd waits for each command's reply in turn, so their times add up.
    both = figures["aclparse"][0] + figures["backscatter"][0]
    both_cpu = figures["aclparse"][4] + figures["backscatter"][4]
    cpu_ratio = f"{figures['baseline'][4] / both_cpu:.2f}x" if both_cpu else "n/a"
    print(f"aclparse | backscatter: {args.records / both:,.0f} records/s = {args.records / both / base:.2f}x "
          f"baseline wall ({cpu_ratio} by CPU time); target >= 1.08x (issue 14: the one-window classifier's): "
          f"{'MET' if args.records / both >= 1.08 * base else 'MISSED'}")
    if args.compare:
        acl, bs = figures["aclparse'"], figures["backscatter'"]
        other, other_cpu = acl[0] + bs[0], acl[4] + bs[4]
        by_cpu = figures["baseline"][4] / other_cpu if other_cpu else 0
        print(f"{args.compare.resolve()}: aclparse' {args.records / acl[0] / base:.2f}x baseline wall; "
              f"aclparse' | backscatter' {args.records / other / base:.2f}x baseline wall ({by_cpu:.2f}x by CPU time)")

    cost = parse_cost(lines)
    path = record_path_cost(bodies, lines)
    whole = record_path_cost(bodies, lines, real_parser=True)
    per_record = figures["aclparse"][0] / args.records
    print(f"\naclparse per record (wall, in the child): {per_record * 1e6:.2f} us")
    print(f"  parse_event alone, in a tight loop:       {cost * 1e6:.2f} us/line "
          f"({1 / cost:,.0f} lines/s)")
    print(f"  record path alone (CSV in -> CSV out, parser results from a table): "
          f"{path * 1e6:.2f} us")
    print(f"  record path with the real parser, in this process: {whole * 1e6:.2f} us "
          f"(parse_event inside it: {(whole - path) * 1e6:.2f} us)")
    print(f"  chunk I/O, the protocol loop, the driver (wall - the above): "
          f"{(per_record - whole) * 1e6:.2f} us")
    need = figures["baseline"][0] / args.records / 2.5
    print(f"  2.5x baseline needs <= {need * 1e6:.2f} us/record in all: with this record path and "
          f"protocol cost, parse_event (inside it) would have to cost <= "
          f"{(need - per_record + whole - path) * 1e6:.2f} us/line")
    kinds = {}
    for line in lines[:20000]:
        m = re.search(r"%([A-Z0-9_]+-\d-[A-Z0-9_]+)", line)
        kinds.setdefault(m.group(1) if m else "?", []).append(line)
    print("parse_event cost by message kind (us/line):")
    for kind, group in sorted(kinds.items(), key=lambda kv: -len(kv[1])):
        print(f"  {kind:<32}{parse_cost(group) * 1e6:>7.2f}")

    speed, rss, bare = cli_speed(lines, args.python)
    print(f"\nCLI `acltrace parse FILE` (a process, JSON lines out): {speed:,.0f} lines/s, peak RSS "
          f"{rss:.0f} MB; bare `for line in f: regex.search(line)`: {bare:,.0f} lines/s "
          f"(the CLI at {speed / bare:.2f}x of it: a whole parse and a JSON line against one regex test)")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "acl.log"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        seconds, rss = label_run(path, args.python)
        print(f"CLI `acltrace label FILE` (two passes through a spill, JSON lines out): "
              f"{len(lines) / seconds:,.0f} lines/s, peak RSS {rss:.0f} MB")
        if args.compare:
            other, other_rss = label_run(path, args.python, args.compare.resolve())
            print(f"  {args.compare.resolve()}'s: {len(lines) / other:,.0f} lines/s, peak RSS {other_rss:.0f} MB "
                  f"(this one at {other / seconds:.2f}x of it)")

    # issue 15: the counting on the indexers (stats), the labelling of rows on the search head
    print()
    pairs = [(ev, float(record["_time"])) for record, line in zip(records, lines)
             for ev in (parse_event(line),) if ev is not None]
    summary_figures("mixed corpus", pairs, figures["aclparse"][4] + figures["backscatter"][4], args.python)
    night, night_records = scenario_pairs()
    night_bodies = [scp.records_to_csv(night_records)]
    parsed = scp.run_command(REPO / "bin" / "aclparse.py", [], night_bodies, python=python)
    raw = scp.run_command(REPO / "bin" / "backscatter.py", [], [c.body for c in parsed.chunks], python=python)
    summary_figures("scenario", night, parsed.execute_cpu_seconds + raw.execute_cpu_seconds, args.python)

    if args.profile:
        print("\ncProfile of the aclparse child (tottime):")
        profile_aclparse(bodies, args.python)


if __name__ == "__main__":
    main()
