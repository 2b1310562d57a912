"""The bundled campus (samples/campus) as Splunk would hold it: capture events, lookup files, an app.

- ``capture_events()``: the captures broken into events by the ``acltrace:show`` LINE_BREAKER of
  default/props.conf (Python's re reads that PCRE the same way), with ``host`` and ``_time``;
- ``lookup_rows()``: the rows the "acltrace - Build ..." searches would write, keyed by lookup name;
- ``app_with_lookups(folder)``: a copy of the app's command scripts whose ``lookups`` folder holds
  those rows, for commands that read lookups relative to themselves (mactrace).
"""
import csv
import os
import re
import shutil

from conftest import REPO
from splunkconf import read_conf

from acltrace.tables.show import parse_files
from acltrace_splunk.lookups import COLUMNS

CAMPUS = sorted((REPO / "samples" / "campus").glob("*.txt"))
TIME = "1795600000"        # when the captures were indexed (DATETIME_CONFIG = CURRENT)


def line_breaker():
    return re.compile(read_conf(REPO / "default" / "props.conf")["acltrace:show"]["LINE_BREAKER"])


def split_events(text):
    """``text`` broken as Splunk breaks it: at each match of LINE_BREAKER, its first group dropped."""
    events, start = [], 0
    for match in line_breaker().finditer(text):
        events.append(text[start:match.start(1)])
        start = match.end(1)
    events.append(text[start:])
    return [e for e in events if e.strip()]


def capture_events():
    return [{"_raw": raw, "_time": TIME, "host": path.stem, "sourcetype": "acltrace:show"}
            for path in CAMPUS for raw in split_events(path.read_text(encoding="utf-8"))]


def lookup_rows():
    tables = parse_files([str(p) for p in CAMPUS])
    seen = {"first_seen": TIME, "last_seen": TIME, "source": "show"}
    return {"acltrace_mac_table": [dict(row, **seen) for row in tables.mac],
            "acltrace_neighbors": [dict(row, **seen) for row in tables.neighbor],
            "acltrace_arp": [dict(row, **seen) for row in tables.arp]}


def write_lookup(path, name, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, COLUMNS[name], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def app_with_lookups(folder, rows=None):
    """An app in ``folder`` (bin/ scripts copied, the core and lib/ linked) with the campus lookups
    (or ``rows``: {lookup name: rows}, a lookup left out is missing)."""
    (folder / "bin").mkdir(parents=True)
    (folder / "lookups").mkdir()
    for script in (REPO / "bin").glob("*.py"):
        shutil.copy(script, folder / "bin" / script.name)
    os.symlink(REPO / "bin" / "acltrace", folder / "bin" / "acltrace")
    os.symlink(REPO / "lib", folder / "lib")
    for name, table in (lookup_rows() if rows is None else rows).items():
        write_lookup(folder / "lookups" / f"{name}.csv", name, table)
    return folder
