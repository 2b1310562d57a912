"""The trace's lookup files: the CSV tables the saved searches build, read into a ``Topology``.

``acltrace_mac_table.csv``, ``acltrace_neighbors.csv`` and ``acltrace_arp.csv`` (columns in
``COLUMNS``; lookups/README.md says where each comes from). A search command finds them in its app's
``lookups`` folder, which Splunk's knowledge bundle replicates to the indexers. Reading never fails:
a missing, unreadable or malformed file is a problem (a sentence an admin can act on) and adds no rows.
"""
import csv
import os
from typing import NamedTuple

from acltrace.trace.topology import Topology

COLUMNS = {
    "acltrace_mac_table": ("mac", "switch", "port", "vlan", "type", "first_seen", "last_seen", "source"),
    "acltrace_neighbors": ("switch", "port", "neighbor", "neighbor_port", "capabilities", "platform",
                           "neighbor_ip", "protocol", "first_seen", "last_seen", "source"),
    "acltrace_arp": ("ip", "mac", "device", "interface", "first_seen", "last_seen", "source"),
}
# MAC -> its traced edge port: written by "acltrace - Build MAC edge lookup", read by the automatic lookup.
MAC_EDGE_COLUMNS = ("mac", "switch", "port", "vlan", "last_seen", "verdict")
# Without these a row means nothing to the trace; a file whose header lacks one is malformed.
REQUIRED = {"acltrace_mac_table": ("mac", "switch", "port"),
            "acltrace_neighbors": ("switch", "port", "neighbor"),
            "acltrace_arp": ("ip", "mac")}


# The largest cell a lookup row may hold; a row with a larger one (junk, or an attack), or one csv's own
# field limit refuses, is skipped and counted, and the rest of its file is read.
MAX_CELL = 1 << 20


class Loaded(NamedTuple):
    topology: Topology
    problems: list     # what an admin should know: missing or malformed files, skipped rows


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


def load(folder: str) -> Loaded:
    """The three lookups of ``folder`` as a Topology, with the problems found on the way. Memory is the
    Topology's index, not the files' rows (bench: 1M MAC, 200k neighbour, 300k ARP rows)."""
    problems: list = []
    tables = {name: read_table(os.path.join(folder, f"{name}.csv"), name, problems) for name in COLUMNS}
    topology = Topology(tables["acltrace_mac_table"], tables["acltrace_neighbors"], tables["acltrace_arp"])
    skipped = {kind: n for kind, n in topology.skipped.items() if n}
    if skipped:
        problems.append("rows without their key values were skipped: "
                        + ", ".join(f"{n} {kind}" for kind, n in skipped.items()))
    return Loaded(topology, problems)
