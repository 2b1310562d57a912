"""Device tables from files, for the offline trace: terminal captures or JSON lines rows.

A devices file is either what an admin saved from a terminal (``show mac address-table``, ``show ip
arp``, ``show cdp neighbors detail``... after their prompts; read by :mod:`acltrace.tables.show`) or
JSON lines in the schema of the ``acltrace:mac``, ``acltrace:arp`` and ``acltrace:neighbor``
sourcetypes, one row per line with its ``kind`` (``mac``, ``arp`` or ``neighbor``), as ``acltrace
collect`` writes them:

    {"kind": "mac", "mac": "00:0d:56:aa:1b:2c", "switch": "acc-sw2", "port": "Ethernet7", "vlan": "20",
     "type": "dynamic", "time": 1795602000}

A JSON row's ``time`` (epoch seconds of the poll) becomes its ``first_seen`` and ``last_seen`` unless
it has those already. A file is JSON lines when it starts (blanks aside) with ``{`` and then ``"`` or
``}`` (:func:`looks_like_rows`): not a Junos capture's ``{master:0}`` banner.
The trace indexes the tables as ``Topology(tables.mac, tables.neighbor, tables.arp)``.
"""
import json
import re
from collections.abc import Iterable
from typing import Optional

from acltrace.tables.rows import KINDS
from acltrace.tables.show import Tables, parse_file_capture, read_files

_ROWS_START = re.compile(r"\s*\{\s*[\"}]")


def looks_like_rows(text: str) -> bool:
    """True when ``text`` starts as JSON rows do (``{"kind": ...``), False for a capture (a Junos capture
    may start with its ``{master:0}`` banner)."""
    return bool(_ROWS_START.match(text))


def read_rows(text: str, where: str = "") -> Tables:
    """The rows of JSON lines ``text``; a line that is not a row of a known kind is a problem."""
    tables = Tables()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as error:
            tables.problems.append(f"{where}line {number}: not JSON ({error.msg})")
            continue
        except RecursionError:  # [[[[... nested deeper than the decoder goes
            tables.problems.append(f"{where}line {number}: not JSON (nested too deep)")
            continue
        kind = row.get("kind") if isinstance(row, dict) else None
        if kind not in KINDS:
            tables.problems.append(f"{where}line {number}: not a row with a kind of mac, arp or neighbor")
            continue
        row = {k: v for k, v in row.items() if k != "kind"}
        if "time" in row:
            seen = row.pop("time")
            row.setdefault("first_seen", seen)
            row.setdefault("last_seen", seen)
        getattr(tables, kind).append(row)
    return tables


def load(paths: Iterable[str], platform: Optional[str] = None) -> Tables:
    """Every row of the devices files; unreadable files and sections are ``problems``, never errors."""
    def parse(text: str, path: str) -> Tables:
        if looks_like_rows(text):
            return read_rows(text, f"{path} ")
        return parse_file_capture(text, path, platform)

    return read_files(paths, parse)
