"""The offline command line: ``acltrace parse|label|triage [FILE ...]``, ``acltrace trace MAC``, ``acltrace collect``.

Reads syslog files (or stdin), ``.gz`` transparently, one line at a time.

- ``parse`` writes one JSON object per ACL event (its fields plus ``source`` and
  ``line_number``) or CSV. Constant memory: nothing is kept between lines.
- ``label`` adds ``time`` (epoch seconds of the device's timestamp, null when it cannot be placed)
  and the classifier's ``bs_label``, ``bs_reason``, ``bs_confidence`` to each event, in the order read.
- ``triage`` groups the labelled events into incidents (``report`` renders them); with
  ``--devices`` (terminal captures or JSON rows, see ``devices``) each incident that names a
  source MAC carries its ``trace`` to a switch port.
- ``trace`` traces one MAC through the devices files.
- ``collect`` reads devices' tables over SNMP (``snmpcollect``) as JSON lines rows; keys are taken
  from options or the environment and never printed.

Time. ``label`` and ``triage`` place events by the device's own timestamp
(``acltrace.logs.placement``): a stamp without a year takes it from the stamps before it and an
anchor, ``--year`` (the year of the first one) or else the file's modification time; a time that
cannot be placed (an uptime, a clock far from the others) is labelled on its own and counted on
stderr. Both commands read the input twice (``_labelled``): once to count every event, spilling
it to a temporary file, then from that file to label each, so the labels are the same whatever
order the lines come in (stdin too: it is read once). Files are read one after another, in the
order given. Memory is the classifier's aggregates (keys x buckets) plus, for ``triage``, the
incidents' buckets: it grows with the sources and the time covered, not with the events.

Hostile input. One bad line or file never fails a run: a line longer than ``LINE_CAP``
characters is cut to its first ``LINE_CAP`` (as Splunk's TRUNCATE keeps an event's first bytes),
the rest of it read and dropped, and one message at the end counts them; a file that cannot be
read, or not to its end (missing, a directory, a corrupt or truncated ``.gz``, a read error), is
named once on stderr with why, what it gave before is kept, and the other files are read on.
``LINE_CAP`` is 65,536 (64 Ki) characters: an ACL message is a few hundred bytes and syslog-ng,
the most generous common relay, caps a message at 64 KiB by default, so no real line is cut,
while a file with no newline (``/dev/zero``, a binary, a gzip of one endless line) is read in
constant memory (the characters are decoded UTF-8 text, so at most 256 KiB of input a line).

Exit status (``EXIT_STATUS``): 0 when every input was read whole (lines cut and events without a
readable time are said on stderr, not failures); 1 when some input could not be read, or not
whole (a log or ``--devices`` file), or the output could not be written: the rest was read and
reported; 2 for a usage error (bad arguments, ``trace`` of something that is not a MAC).
``collect`` exits 1 when a device was not read whole.
"""
import argparse
import csv
import gzip
import io
import json
import os
import stat
import sys
import zlib
from collections.abc import Iterable, Iterator
from time import time as time_now
from typing import IO, Optional

from acltrace.addresses import mac_colon
from acltrace.logs.fields import FIELDS, NUMERIC
from acltrace.logs.parser import parse_event
from acltrace.logs.placement import Placer
from acltrace.report import text as report
from acltrace.tables import files as devices
from acltrace.trace.topology import Topology
from acltrace.trace.vendors import mac_vendor
from acltrace.triage.classifier import Classifier
from acltrace.triage.incidents import Incidents, add_trace

from . import __version__
from .gcpolicy import fewer_collections
from .safe_output import PrintableWriter, no_formula, printable
from .spill import Spill

LINE_CAP = 65536         # characters of a line kept; see the module doc
SPILL_BATCH = 2000       # events written to the spill at a time ...
EVENT_BYTES = 2000       # ... each about this size in memory (its fields, its keys)
# What the --window and triage's --timeout take, in seconds: what the search commands' window= and
# timeout= take (at most a day), from a millisecond (finer than a device clock stamps; the
# classifier's bucket numbers, time / (window / 10), stay exact integers in a float up to year 9999).
MIN_SECONDS, MAX_SECONDS = 0.001, 86400.0
EXIT_STATUS = ("Exit status: 0 when every input was read whole; 1 when some input could not be read, or not "
               "whole, or the output could not be written (each such file is named on stderr; the rest is read "
               "and reported); 2 for a usage error.")


def main(argv: Optional[list[str]] = None) -> int:
    args = _arguments().parse_args(argv)
    fewer_collections()
    try:
        return args.run(args)
    except BrokenPipeError:          # `acltrace parse big.log | head`
        sys.stderr.close()
        return 0
    except OSError as err:           # writing the output (reading errors are the files' own, see _Inputs)
        _say(f"acltrace: {err}")
        return 1


def _arguments() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="acltrace", description="Cisco ACL log triage, offline.",
                                  epilog=EXIT_STATUS)
    top.add_argument("--version", action="version", version=f"acltrace {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    parse = commands.add_parser("parse", help="extract the fields of every ACL event in syslog files",
                                epilog=_LINES_NOTE + EXIT_STATUS)
    parse.add_argument("files", nargs="*", metavar="FILE", help="syslog files, .gz allowed (default: stdin)")
    parse.add_argument("--format", choices=("json", "csv"), default="json", help="output format (default: json)")
    parse.set_defaults(run=_parse)

    label = commands.add_parser("label", help="label every ACL event (Blaster, backscatter, scan, ...) as JSON lines",
                                epilog=_LINES_NOTE + EXIT_STATUS)
    _stream_options(label)
    label.set_defaults(run=_label)

    triage = commands.add_parser("triage", help="group labelled events into incidents and explain them",
                                 epilog=_LINES_NOTE + EXIT_STATUS)
    _stream_options(triage)
    triage.add_argument("--format", choices=("text", "json", "csv", "html"), default="text",
                        help="output format (default: text, a report for a person; html: the same "
                             "as one self-contained page)")
    triage.add_argument("--timeout", type=_span_seconds, default=300.0, metavar="S",
                        help=f"inactivity that ends an incident, in seconds, {MIN_SECONDS:g} to {MAX_SECONDS:g} "
                             "(default: 300)")
    _devices_options(triage)
    triage.set_defaults(run=_triage)

    trace = commands.add_parser("trace", help="trace a MAC to its switch port through device tables",
                                epilog=EXIT_STATUS)
    trace.add_argument("mac", metavar="MAC", help="the MAC, in any notation (000d.56aa.1b2c, 00-0D-56-...)")
    _devices_options(trace)
    trace.add_argument("--dvc", metavar="DEVICE", help="the device that logged the MAC (starts the path there)")
    trace.add_argument("--interface", metavar="IF", help="the interface it logged the MAC on")
    trace.add_argument("--src-ip", metavar="IP", help="the packet's source address (an ARP entry of the logging "
                                                      "router for another address then names the next-hop router)")
    trace.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    trace.set_defaults(run=_trace)

    collect = commands.add_parser(
        "collect", help="read MAC, ARP and CDP/LLDP tables from devices over SNMP",
        description="Polls the devices concurrently and writes each device's rows, then its status, as soon as "
                    "that device is done. Status ok: read whole; partial: cut off part way (a walk timed out or "
                    "failed, or the device reached --device-deadline or --max-rows; the error says which), its "
                    "rows so far kept and marked \"partial\": true; error: nothing read.")
    collect.add_argument("--snmp", action="append", required=True, metavar="HOST[:PORT]",
                         help="a device to poll (repeat for more; polled concurrently)")
    visible = "; visible to every user in the process list (ps): prefer the environment, --keys-file or --ask-keys"
    collect.add_argument("--community", help="SNMP v2c community (or $ACLTRACE_SNMP_COMMUNITY)" + visible)
    collect.add_argument("--v3-user", metavar="USER", help="SNMPv3 user (authNoPriv, or authPriv with --priv-key)")
    collect.add_argument("--auth-key", metavar="KEY",
                         help="v3 authentication passphrase (or $ACLTRACE_SNMP_AUTH_KEY)" + visible)
    collect.add_argument("--auth-protocol", default="sha", help="md5, sha, sha224 ... sha512 (default: sha)")
    collect.add_argument("--priv-key", metavar="KEY",
                         help="v3 privacy passphrase (or $ACLTRACE_SNMP_PRIV_KEY)" + visible)
    collect.add_argument("--keys-file", metavar="FILE", help="a file of NAME=VALUE lines, names community, "
                         "auth_key, priv_key (as in acltrace_account.conf); keep it readable by you alone")
    collect.add_argument("--ask-keys", action="store_true",
                         help="ask on the terminal, without echo, for the keys not given otherwise")
    collect.add_argument("--priv-protocol", default="aes", help="des, 3des, aes, aes192, aes256 (default: aes)")
    collect.add_argument("--v3-context", default="", metavar="NAME", help="v3 context of the device's tables "
                         "(default: none; Cisco's per-VLAN tables are read in contexts vlan-N)")
    collect.add_argument("--tables", type=_tables, default="mac,arp,neighbors",
                         help="any of mac,arp,neighbors (default: all)")
    from acltrace.snmp import DEFAULT_DEADLINE, DEFAULT_MAX_ROWS  # the limits only, no pysnmp
    collect.add_argument("--timeout", type=_poll_setting("timeout"), default=2.0, metavar="S",
                         help="per request, 0.1 to 60 (default: 2)")
    collect.add_argument("--retries", type=_poll_setting("retries"), default=1, metavar="N",
                         help="per request, 0 to 10 (default: 1)")
    collect.add_argument("--device-deadline", type=_poll_setting("device_deadline"), default=DEFAULT_DEADLINE,
                         metavar="S",
                         help="seconds one device's whole poll may take, all its walks; then it is cut off: its "
                              f"rows so far are kept, marked partial (default: {DEFAULT_DEADLINE:g})")
    collect.add_argument("--max-rows", type=_poll_setting("max_rows"), default=DEFAULT_MAX_ROWS, metavar="N",
                         help="table rows read from one device at most (interfaces, VLANs and bridge ports count "
                              f"too); then it is cut off likewise (default: {DEFAULT_MAX_ROWS})")
    collect.add_argument("--format", choices=("jsonl", "devices"), default="jsonl",
                         help="jsonl: rows and one status record per device (kind status); devices: the rows "
                              "only, a devices file for trace/triage --devices, statuses on stderr. Each "
                              "device is written as soon as it is done, in the order the devices finish")
    collect.set_defaults(run=_collect)
    return top


_KEY_SOURCES = {"community": "ACLTRACE_SNMP_COMMUNITY", "auth_key": "ACLTRACE_SNMP_AUTH_KEY",
                "priv_key": "ACLTRACE_SNMP_PRIV_KEY"}


def _snmp_keys(args: argparse.Namespace) -> dict:
    """The SNMP keys, each from the first of: its flag, --keys-file, its environment variable, a prompt
    (--ask-keys; the privacy key may be left empty for authNoPriv). ValueError for a bad keys file."""
    from_file = {}
    if args.keys_file:
        try:
            with open(args.keys_file, encoding="utf-8") as f:
                lines = f.read().splitlines()
        except OSError as error:
            raise ValueError(f"--keys-file: {error.strerror}: {args.keys_file}") from None
        for number, line in enumerate(lines, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            name, equals, value = line.partition("=")
            if not equals or name.strip() not in _KEY_SOURCES:
                raise ValueError(f"--keys-file {args.keys_file}:{number}: expected community=, auth_key= or "
                                 "priv_key=")
            from_file[name.strip()] = value.strip()
    wanted = ("auth_key", "priv_key") if args.v3_user else ("community",)
    keys = {}
    for name in wanted:
        value = getattr(args, name) or from_file.get(name) or os.environ.get(_KEY_SOURCES[name])
        if not value and args.ask_keys:
            import getpass
            value = getpass.getpass(f"SNMP {name.replace('_', ' ')}{' (empty: none)' if name == 'priv_key' else ''}: ")
        keys[name] = value or None
    return keys


def _devices_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--devices", nargs="+", default=[], metavar="FILE",
                         help="MAC/ARP/CDP/LLDP tables: terminal captures (show commands after their "
                              "prompts) or JSON lines rows")
    command.add_argument("--platform", metavar="NAME",
                         help="ntc-templates platform of the captures (default: detected), e.g. cisco_ios")


def _stream_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("files", nargs="*", metavar="FILE", help="syslog files, .gz allowed (default: stdin)")
    command.add_argument("--year", type=_year, default=None, metavar="Y",
                         help="year of the first device time logged without one, 1 to 9999 (later ones follow "
                              "it: December to January is a new year); default: each file's modification "
                              "time, which its last line precedes (stdin: its mtime, or now)")
    command.add_argument("--window", type=_span_seconds, default=300.0, metavar="S",
                         help=f"the classifier's finest window, in seconds, {MIN_SECONDS:g} to {MAX_SECONDS:g}; "
                              "it also reads 1 h and 6 h (default: 300)")


_LINES_NOTE = (f"A line longer than {LINE_CAP} characters is cut to its first {LINE_CAP} (the rest is read and "
               "dropped; one message counts them); an unreadable file (missing, a corrupt or truncated .gz) is "
               "named on stderr and the others are read. ")


def _year(text: str) -> int:
    """--year: a year a calendar date holds, 1 to 9999."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 9999:
        raise argparse.ArgumentTypeError(f"expected a year from 1 to 9999, not {text!r}")
    return value


def _span_seconds(text: str) -> float:
    """--window, triage's --timeout: seconds from MIN_SECONDS to MAX_SECONDS (NaN and infinities refused)."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not MIN_SECONDS <= value <= MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"expected a number of seconds from {MIN_SECONDS:g} to "
                                         f"{MAX_SECONDS:g}, not {text!r}")
    return value


def _tables(text: str) -> list:
    from acltrace.snmp.collect import TABLES  # pysnmp is needed by the collect command only

    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in TABLES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"tables are {', '.join(TABLES)}; not {text!r}")
    return names


def _poll_setting(name: str):
    """An argparse type for an SNMP poll setting: its kind and range are the input's
    (``acltrace.snmp.RANGES``)."""
    from acltrace.snmp import RANGES
    kind, low, high = RANGES[name]

    def read(text: str):
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:      # NaN is in no range
            raise argparse.ArgumentTypeError(f"expected {kind.__name__} from {low:g} to {high:g}, not {text!r}")
        return value

    return read


def _parse(args: argparse.Namespace) -> int:
    out = _stdout()
    inputs = _Inputs()
    events = _events(inputs.lines(args.files))
    if args.format == "csv":
        _write_csv(out, events)
    else:
        _write_json(out, events)
    out.flush()
    return inputs.report()


def _label(args: argparse.Namespace) -> int:
    out = _stdout()
    inputs, unplaced = _Inputs(), _Unplaced()
    dumps = json.dumps
    for source, number, ev, time, labels in _labelled(inputs, args, unplaced):
        out.write(dumps(_label_record(source, number, ev, time, labels)))
        out.write("\n")
    out.flush()
    unplaced.report()
    return inputs.report()


def _triage(args: argparse.Namespace) -> int:
    inputs, unplaced = _Inputs(), _Unplaced()
    incidents = Incidents(timeout=args.timeout)
    counts: dict = {}
    for _source, _number, ev, time, labels in _labelled(inputs, args, unplaced):
        counts[labels["bs_label"]] = counts.get(labels["bs_label"], 0) + 1
        if time is not None:
            incidents.add(ev, labels, time)
    rows = incidents.finish()
    if args.devices:
        topo = _topology(args, inputs)
        for row in rows:
            if row.get("src_mac"):
                add_trace(row, topo.trace(row["src_mac"], row.get("dvc"), row.get("src_interface"),
                                          src_ip=row.get("src_ip")).as_dict())
    summary = {"sources": args.files or ["-"], "acl_events": sum(counts.values()),
               "events_without_time": unplaced.count, "labels": counts, "window": args.window,
               "timeout": args.timeout}
    if args.year is not None:
        summary["year"] = args.year
    if inputs.failed:
        summary["unreadable_sources"] = list(inputs.failed)
    out = _stdout(text=args.format == "text")
    report.write(out, args.format, rows, incidents.patterns(), summary)
    out.flush()
    unplaced.report()
    return inputs.report()


def _trace(args: argparse.Namespace) -> int:
    if mac_colon(args.mac) is None:
        _say(f"acltrace trace: {args.mac!r} is not a MAC address")
        return 2
    inputs = _Inputs()
    trace = _topology(args, inputs).trace(args.mac, args.dvc, args.interface, src_ip=args.src_ip)
    out = _stdout(text=args.format == "text")
    found = dict(mac=trace.mac, vendor=mac_vendor(trace.mac), **trace.as_dict())
    if args.format == "json":
        json.dump(found, out, indent=2)
        out.write("\n")
    else:
        vendor = f" ({found['vendor']})" if found["vendor"] else ""
        out.write(f"{found['mac']}{vendor}: {found['verdict']}\n")
        for name in ("switch", "port", "vlan", "path", "reason"):
            if found[name]:
                out.write(f"  {name}: {found[name]}\n")
    out.flush()
    return inputs.report()


def _collect(args: argparse.Namespace) -> int:
    """Rows on stdout (and status records with --format jsonl), each device's as soon as it is done, in
    the order the devices finish; exit 1 when a device was not read whole."""
    from acltrace.snmp import collect as snmpcollect  # pysnmp is needed by this command only

    try:
        keys = _snmp_keys(args)
        credentials = snmpcollect.credentials_from(
            community=None if args.v3_user else keys.get("community"), user=args.v3_user,
            auth_key=keys.get("auth_key"), auth_protocol=args.auth_protocol.lower(), priv_key=keys.get("priv_key"),
            priv_protocol=args.priv_protocol.lower(), context=args.v3_context)
        targets = [snmpcollect.Device(*snmpcollect.parse_address(text), credentials=credentials)
                   for text in args.snmp]
    except ValueError as error:
        _say(f"acltrace collect: {error}")
        return 2
    out, whole = _stdout(), True
    for result in snmpcollect.collect_each(targets, args.tables, args.timeout, args.retries,
                                           deadline=args.device_deadline, max_rows=args.max_rows):
        for row in result.rows:       # each device as soon as it is done: a slow one holds back no other
            out.write(json.dumps(row))
            out.write("\n")
        if args.format == "jsonl":
            out.write(json.dumps(result.status))
            out.write("\n")
        out.flush()
        if args.format == "devices" or result.status["status"] != "ok":
            _say(f"acltrace collect: {snmpcollect.status_line(result.status)}")
        whole = whole and result.status["status"] == "ok"
    return 0 if whole else 1


def _topology(args: argparse.Namespace, inputs: "_Inputs") -> Topology:
    """The trace's index of the --devices files; what they could not give is said on stderr, and a file
    that could not be read at all counts in ``inputs`` as not read (named by ``devices.load``'s problems)."""
    tables = devices.load(args.devices, args.platform)
    for problem in tables.problems[:_SHOWN_PROBLEMS]:
        _say(f"acltrace: devices: {problem}")
    if len(tables.problems) > _SHOWN_PROBLEMS:
        _say(f"acltrace: devices: {len(tables.problems) - _SHOWN_PROBLEMS} more problem(s)")
    inputs.failed += [f"{path}: not readable" for path in args.devices if not _readable(path)]
    return Topology(tables.mac, tables.neighbor, tables.arp)


def _readable(path: str) -> bool:
    """Whether ``path`` is a file this process may read (asked without opening it: a FIFO read once by
    ``devices.load``, such as ``--devices <(cmd)``, would block a second open)."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):      # ValueError: a NUL in the name
        return False
    return not stat.S_ISDIR(mode) and os.access(path, os.R_OK)


_SHOWN_PROBLEMS = 5


def _stdout(text: bool = False) -> IO[str]:
    """Standard output as UTF-8; for ``text`` (a person reads it on a terminal) control characters from
    the data are written as escapes."""
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", write_through=False)
    return PrintableWriter(out) if text else out


def _say(message: str) -> None:
    """A message on stderr; the data it quotes cannot drive the terminal."""
    print(printable(message), file=sys.stderr)


class _Unplaced:
    """ACL events whose device time cannot be placed: counted, the first few named on stderr."""
    SHOWN = 3

    def __init__(self) -> None:
        self.count = 0
        self.first: list = []

    def add(self, source: str, number: int, ev: dict) -> None:
        self.count += 1
        if len(self.first) < self.SHOWN:
            self.first.append(f"{source}:{number} ({ev.get('device_time') or 'no device time'!r})")

    def report(self) -> None:
        if self.count:
            more = ", ..." if self.count > len(self.first) else ""
            _say(f"acltrace: {self.count} ACL event(s) whose device time cannot be placed (unreadable, an uptime, "
                 f"or far from the others) were labelled on their own and counted with no others: "
                 f"{', '.join(self.first)}{more}")


class _Inputs:
    """Reads the input files line by line and keeps what went wrong (see the module doc): lines longer
    than LINE_CAP cut and counted, the first few named at the end; each file that could not be read, or
    not whole, named once on stderr when it happens, and read no further, the others read on."""
    SHOWN = 3

    def __init__(self) -> None:
        self.failed: list = []      # 'name: why' of each file not read whole
        self.cut = 0
        self.first_cut: list = []

    def lines(self, files: list[str]) -> Iterator[tuple[str, int, str]]:
        """(source, line number, text) for every line of ``files`` (stdin when none); undecodable bytes
        become U+FFFD; a line is at most LINE_CAP characters."""
        for name in files or ["-"]:
            yield from self.file_lines(name)

    def file_lines(self, name: str) -> Iterator[tuple[str, int, str]]:
        number = 0
        try:
            with _open(name) as stream:
                readline = stream.readline
                while True:
                    line = readline(LINE_CAP)
                    if not line:
                        break
                    number += 1
                    if len(line) == LINE_CAP and line[-1] != "\n":
                        self._drop_rest(readline, name, number)
                    yield name, number, line.rstrip("\r\n")
        except (OSError, EOFError, zlib.error) as error:   # EOFError, zlib.error: a truncated or corrupt .gz
            why = getattr(error, "strerror", None) or str(error) or type(error).__name__
            where = (f"cannot be read past line {number} ({why}); lines 1-{number} were read" if number
                     else f"cannot be read: {why}")
            self.failed.append(f"{name}: {why}")
            _say(f"acltrace: {name}: {where}")

    def _drop_rest(self, readline, name: str, number: int) -> None:
        """Read the rest of a line that filled LINE_CAP, keeping none of it; count it when there was more."""
        rest = readline(LINE_CAP)
        if rest in ("", "\n"):          # exactly LINE_CAP characters
            return
        self.cut += 1
        if len(self.first_cut) < self.SHOWN:
            self.first_cut.append(f"{name}:{number}")
        while rest and rest[-1] != "\n":
            rest = readline(LINE_CAP)

    def report(self) -> int:
        """Say how many lines were cut; the exit status (1 when a file was not read whole)."""
        if self.cut:
            more = ", ..." if self.cut > len(self.first_cut) else ""
            _say(f"acltrace: {self.cut} line(s) longer than {LINE_CAP} characters cut to their first {LINE_CAP}: "
                 f"{', '.join(self.first_cut)}{more}")
        return 1 if self.failed else 0


def _labelled(inputs: _Inputs, args: argparse.Namespace,
              unplaced: _Unplaced) -> Iterator[tuple[str, int, dict, Optional[float], dict]]:
    """(source, line number, event, time, labels) of every ACL event of ``args.files``, in the order read.

    Two passes (``Classifier``): the first reads the input once, places each time (``Placer``, one per
    file), counts the event and spills it, with what the classifier will need of it again
    (``Spill``: in memory up to its limit, 256 MiB, then in a temporary file); the second reads the
    spill back and labels each event. Memory is the classifier's aggregates and that limit."""
    classifier = Classifier(window=args.window)
    add = classifier.add
    with Spill() as spill:
        batch: list = []
        for name in args.files or ["-"]:
            placer = Placer(args.year, None if args.year is not None else _modified(name))
            place = placer.place
            for source, number, ev in _events(inputs.file_lines(name)):
                time = place(ev)
                if time is None:
                    unplaced.add(source, number, ev)
                batch.append((source, number, time, ev, add(ev, time)))
                if len(batch) >= SPILL_BATCH:
                    spill.write(batch, SPILL_BATCH * EVENT_BYTES)
                    batch = []
        spill.write(batch, len(batch) * EVENT_BYTES)
        label = classifier.label
        for batch in spill.batches():
            for source, number, time, ev, known in batch:
                yield source, number, ev, time, label(ev, time, known)


def _modified(name: str) -> float:
    """The modification time of a file, or of stdin when it is one; else now."""
    try:
        info = os.fstat(sys.stdin.fileno()) if name == "-" else os.stat(name)
        if stat.S_ISREG(info.st_mode):
            return info.st_mtime
    except (OSError, ValueError, AttributeError):   # no stdin, a closed one
        pass
    return time_now()


def _label_record(source: str, number: int, ev: dict, time: Optional[float], labels: dict) -> dict:
    out = _typed(ev, {"source": source, "line_number": number})
    out["time"] = time
    out.update(labels, bs_confidence=float(labels["bs_confidence"]))
    return out


def _typed(ev: dict, out: dict) -> dict:
    """``out`` with the event's fields added in ``FIELDS`` order, whole numbers as ints."""
    for field in FIELDS:
        value = ev.get(field)
        if value is not None:
            out[field] = int(value) if field in NUMERIC and value.isdigit() else value
    return out


def _open(name: str) -> IO[str]:
    """A text stream over a file or stdin, gunzipped when it starts with gzip's magic bytes."""
    if name == "-" and sys.stdin is None:
        raise OSError(9, "standard input is closed")
    raw = sys.stdin.buffer if name == "-" else open(name, "rb")
    try:
        binary = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)
        if binary.peek(2)[:2] == b"\x1f\x8b":
            binary = gzip.GzipFile(fileobj=binary)
        return io.TextIOWrapper(binary, encoding="utf-8", errors="replace")
    except BaseException:
        raw.close()
        raise


def _events(lines: Iterable[tuple[str, int, str]]) -> Iterator[tuple[str, int, dict]]:
    for source, number, line in lines:
        ev = parse_event(line)
        if ev is not None:
            yield source, number, ev


def _write_json(out: IO[str], events: Iterable[tuple[str, int, dict]]) -> None:
    dumps = json.dumps
    for source, number, ev in events:
        out.write(dumps(_typed(ev, {"source": source, "line_number": number})))
        out.write("\n")


def _write_csv(out: IO[str], events: Iterable[tuple[str, int, dict]]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("source", "line_number") + FIELDS)
    for source, number, ev in events:
        writer.writerow([no_formula(source), number] + [no_formula(ev.get(field)) for field in FIELDS])
