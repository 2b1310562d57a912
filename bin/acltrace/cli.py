"""The offline command line: ``acltrace parse [FILE ...]``.

Reads syslog files (or stdin), ``.gz`` transparently, one line at a time, and
writes one JSON object per ACL event (its fields plus ``source`` and
``line_number``) or CSV. Constant memory: nothing is kept between lines.
"""
import argparse
import csv
import gzip
import io
import json
import sys
from collections.abc import Iterable, Iterator
from typing import IO, Optional

from . import __version__
from .fields import FIELDS, NUMERIC
from .parser import parse_event


def main(argv: Optional[list[str]] = None) -> int:
    args = _arguments().parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:          # `acltrace parse big.log | head`
        sys.stderr.close()
        return 0
    except OSError as err:
        print(f"acltrace: {err}", file=sys.stderr)
        return 2


def _arguments() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="acltrace", description="Cisco ACL log triage, offline.")
    top.add_argument("--version", action="version", version=f"acltrace {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    parse = commands.add_parser("parse", help="extract the fields of every ACL event in syslog files")
    parse.add_argument("files", nargs="*", metavar="FILE", help="syslog files, .gz allowed (default: stdin)")
    parse.add_argument("--format", choices=("json", "csv"), default="json", help="output format (default: json)")
    parse.set_defaults(run=_parse)
    return top


def _parse(args: argparse.Namespace) -> int:
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", write_through=False)
    events = _events(_lines(args.files))
    if args.format == "csv":
        _write_csv(out, events)
    else:
        _write_json(out, events)
    out.flush()
    return 0


def _lines(files: list[str]) -> Iterator[tuple[str, int, str]]:
    """(source, line number, text) for every line; undecodable bytes become U+FFFD."""
    for name in files or ["-"]:
        with _open(name) as stream:
            for number, line in enumerate(stream, 1):
                yield name, number, line.rstrip("\r\n")


def _open(name: str) -> IO[str]:
    """A text stream over a file or stdin, gunzipped when it starts with gzip's magic bytes."""
    raw = sys.stdin.buffer if name == "-" else open(name, "rb")
    binary = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)
    if binary.peek(2)[:2] == b"\x1f\x8b":
        binary = gzip.GzipFile(fileobj=binary)
    return io.TextIOWrapper(binary, encoding="utf-8", errors="replace")


def _events(lines: Iterable[tuple[str, int, str]]) -> Iterator[tuple[str, int, dict]]:
    for source, number, line in lines:
        ev = parse_event(line)
        if ev is not None:
            yield source, number, ev


def _write_json(out: IO[str], events: Iterable[tuple[str, int, dict]]) -> None:
    dumps = json.dumps
    for source, number, ev in events:
        record = {"source": source, "line_number": number}
        for field in FIELDS:
            value = ev.get(field)
            if value is not None:
                record[field] = int(value) if field in NUMERIC and value.isdigit() else value
        out.write(dumps(record))
        out.write("\n")


def _write_csv(out: IO[str], events: Iterable[tuple[str, int, dict]]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("source", "line_number") + FIELDS)
    for source, number, ev in events:
        writer.writerow([source, number] + [ev.get(field, "") for field in FIELDS])
