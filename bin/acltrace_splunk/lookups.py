"""The trace's tables, read into a ``Topology``: the MAC, neighbour and ARP lookups the saved searches build.

By default they are KV store collections (``acltrace_mac_table``, ``acltrace_neighbors``,
``acltrace_arp``; columns in ``COLUMNS``, lookups/README.md says where each comes from), read through
splunkd's REST API (``storage/collections/data``) with the search's session key, in pages and at most
``MAX_ROWS`` rows a collection (``load_kvstore``). The CSV files of the same names in the app's
``lookups`` folder are the offline option (``load_csv``). Reading never fails: a missing, unreadable or
malformed table is a problem (a sentence an admin can act on) and adds no rows; a KV store that cannot
be read leaves the topology unusable (``Loaded.usable``), so events pass through untraced.
"""
import csv
import json
import os
import ssl
import urllib.request
from typing import NamedTuple
from urllib.parse import quote, urlencode

from acltrace.trace.topology import Topology

COLUMNS = {
    "acltrace_mac_table": ("mac", "switch", "port", "vlan", "type", "first_seen", "last_seen", "source"),
    "acltrace_neighbors": ("switch", "port", "neighbor", "neighbor_port", "capabilities", "platform",
                           "neighbor_ip", "protocol", "first_seen", "last_seen", "source"),
    "acltrace_arp": ("ip", "mac", "device", "interface", "first_seen", "last_seen", "source"),
}
# MAC -> its traced edge port: written by "acltrace - Build MAC edge lookup", read by the automatic lookup.
MAC_EDGE_COLUMNS = ("mac", "switch", "port", "vlan", "last_seen", "verdict")
# The findings collection's columns ('acltrace - Findings' keeps it from aclfindings | mactrace).
FINDINGS_COLUMNS = ("finding_id", "label", "dvc", "src_interface", "src_mac", "src_ip", "events", "packets",
                    "dest_count", "dest_port_count", "dest_net", "first_seen", "last_seen", "explanation",
                    "next_steps", "bs_reason", "trace_verdict", "trace_switch", "trace_port", "updated")
# Without these a row means nothing to the trace; a file whose header lacks one is malformed.
REQUIRED = {"acltrace_mac_table": ("mac", "switch", "port"),
            "acltrace_neighbors": ("switch", "port", "neighbor"),
            "acltrace_arp": ("ip", "mac")}


# The largest cell a lookup row may hold; a row with a larger one (junk, or an attack), or one csv's own
# field limit refuses, is skipped and counted, and the rest of its file is read.
MAX_CELL = 1 << 20


# The KV store is read in pages of PAGE rows (splunkd's own cap per request is 50,000), at most
# MAX_ROWS rows a collection (the bench's 1M MAC rows took 0.95 GB) and MAX_PAGE_BYTES a page.
PAGE = 10_000
MAX_ROWS = 2_000_000
MAX_PAGE_BYTES = 64 << 20
TIMEOUT = 60
APP = "acltrace"          # the collections' app, whatever app the search runs in


class Loaded(NamedTuple):
    topology: Topology
    problems: list     # what an admin should know: missing or malformed tables, skipped rows
    usable: bool = True  # False: the tables could not be read at all (the KV store is down, say)


def read_table(path: str, name: str, problems: list):
    """The rows of one lookup file, as they are read (nothing is kept: the trace indexes them as they
    come). What goes wrong is appended to ``problems``: a missing, unreadable or malformed file (no rows),
    rows that cannot be read (skipped, counted). A UTF-8 byte order mark (Excel saves one) is read as one."""
    skipped = 0
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
            reader = csv.reader(line.replace("\0", "") for line in f)
            header = next(reader, [])
            missing = [c for c in REQUIRED[name] if c not in header]
            if missing:
                problems.append(f"lookup {name} ({path}) has no column {', '.join(missing)}: not read")
                return
            width = len(header)
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error:        # a cell over MAX_CELL, or a broken quote: this row only
                    skipped += 1
                    continue
                if len(row) > width or max(map(len, row), default=0) > MAX_CELL:
                    skipped += 1
                    continue
                yield dict(zip(header, row))
    except FileNotFoundError:
        problems.append(f"lookup {name} is missing ({path}): run the saved search that builds it")
    except OSError as error:
        problems.append(f"lookup {name} ({path}) cannot be read: {error}")
    if skipped:
        problems.append(f"lookup {name} ({path}): {skipped} row(s) could not be read (a cell over "
                        f"{MAX_CELL} characters, a broken quote or too many cells) and were skipped")


class KVStore:
    """Reads the collections of this app from the splunkd at ``splunkd_uri`` with ``session_key``. The
    first request that fails sets ``failure`` (one sentence) and ends every read, this one's and the next."""

    def __init__(self, splunkd_uri: str, session_key: str):
        self.base = f"{splunkd_uri.rstrip('/')}/servicesNS/nobody/{APP}/storage/collections/data/"
        self.session_key = session_key
        self.failure = ""
        # splunkd's own REST port, which splunkd named to this search; its certificate is self-signed by default
        self.context = ssl.create_default_context()
        self.context.check_hostname = False
        self.context.verify_mode = ssl.CERT_NONE

    def page(self, name: str, skip: int) -> list:
        query = urlencode({"limit": PAGE, "skip": skip, "sort": "_key", "fields": ",".join(COLUMNS[name]),
                           "output_mode": "json"})
        request = urllib.request.Request(f"{self.base}{quote(name)}?{query}",
                                         headers={"Authorization": f"Splunk {self.session_key}"})
        with urllib.request.urlopen(request, timeout=TIMEOUT, context=self.context) as answer:
            body = answer.read(MAX_PAGE_BYTES + 1)
        if len(body) > MAX_PAGE_BYTES:
            raise ValueError(f"a page of {PAGE} rows is over {MAX_PAGE_BYTES >> 20} MiB")
        rows = json.loads(body.decode("utf-8", "replace"))
        if not isinstance(rows, list):
            raise ValueError("the answer is not a list of rows")
        return rows

    def read(self, name: str, problems: list):
        """The rows of collection ``name`` (its ``COLUMNS``, as text), page by page, at most MAX_ROWS."""
        read = skipped = 0
        try:
            while not self.failure:
                try:
                    rows = self.page(name, read)
                except Exception as error:  # any failure (refused, timeout, HTTP 401/404/500, not JSON): said once
                    self.failure = f"cannot read the KV store collection {name} ({self.base}{name}): {_said(error)}"
                    return
                for row in rows:
                    if read == MAX_ROWS:
                        problems.append(f"KV store collection {name}: only its first {MAX_ROWS} rows were read")
                        return
                    read += 1
                    cells = _cells(row, COLUMNS[name])
                    if cells is None:
                        skipped += 1
                    else:
                        yield cells
                if len(rows) < PAGE:
                    return
        finally:
            if skipped:
                problems.append(f"KV store collection {name}: {skipped} row(s) with a cell that is not text or "
                                f"over {MAX_CELL} characters were skipped")


def _cells(row: object, columns: tuple):
    """A KV store row as the CSV reader gives one (column -> text), or None for a row to skip."""
    if not isinstance(row, dict):
        return None
    cells = {}
    for column in columns:
        value = row.get(column, "")
        if value is None:
            value = ""
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or len(value) > MAX_CELL:
            return None
        cells[column] = value
    return cells


def _said(error: Exception) -> str:
    """What went wrong, in a few words (the request's headers, which hold the session key, are never said)."""
    return f"{type(error).__name__}: {str(error)[:200]}"


def load_csv(folder: str) -> Loaded:
    """The three lookup files of ``folder`` (the offline option) as a Topology, with the problems found
    on the way. Memory is the Topology's index, not the files' rows (bench: 1M MAC, 200k neighbour,
    300k ARP rows)."""
    problems: list = []
    return _load({name: read_table(os.path.join(folder, f"{name}.csv"), name, problems) for name in COLUMNS},
                 problems)


def load_kvstore(splunkd_uri: str, session_key: str) -> Loaded:
    """The three collections as a Topology, read from splunkd; unusable when one cannot be read."""
    problems: list = []
    if not (splunkd_uri and session_key):
        return Loaded(Topology(), ["the search did not pass splunkd's address and a session key, so the KV "
                                   "store cannot be read (use tables=csv with CSV copies of the tables)"], False)
    store = KVStore(splunkd_uri, session_key)
    loaded = _load({name: store.read(name, problems) for name in COLUMNS}, problems)
    if store.failure:
        return Loaded(Topology(), [store.failure], False)
    return loaded


def _load(tables: dict, problems: list) -> Loaded:
    topology = Topology(tables["acltrace_mac_table"], tables["acltrace_neighbors"], tables["acltrace_arp"])
    skipped = {kind: n for kind, n in topology.skipped.items() if n}
    if skipped:
        problems.append("rows without their key values were skipped: "
                        + ", ".join(f"{n} {kind}" for kind, n in skipped.items()))
    return Loaded(topology, problems)
