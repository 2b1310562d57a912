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


class Loaded(NamedTuple):
    topology: Topology
    rows: dict         # lookup name -> rows read
    problems: list     # what an admin should know: missing or malformed files, skipped rows


def read_table(path: str, name: str) -> tuple:
    """(rows, problem or None) of one lookup file."""
    try:
        with open(path, encoding="utf-8", errors="replace", newline="") as f:
            reader = csv.DictReader(line.replace("\0", "") for line in f)
            missing = [c for c in REQUIRED[name] if c not in (reader.fieldnames or ())]
            if missing:
                return [], f"lookup {name} ({path}) has no column {', '.join(missing)}: not read"
            return list(reader), None
    except FileNotFoundError:
        return [], f"lookup {name} is missing ({path}): run the saved search that builds it"
    except (OSError, csv.Error) as error:
        return [], f"lookup {name} ({path}) cannot be read: {error}"


def load(folder: str) -> Loaded:
    """The three lookups of ``folder`` as a Topology, with the problems found on the way."""
    rows, problems = {}, []
    for name in COLUMNS:
        rows[name], problem = read_table(os.path.join(folder, f"{name}.csv"), name)
        if problem:
            problems.append(problem)
    topology = Topology(rows["acltrace_mac_table"], rows["acltrace_neighbors"], rows["acltrace_arp"])
    skipped = {kind: n for kind, n in topology.skipped.items() if n}
    if skipped:
        problems.append("rows without their key values were skipped: "
                        + ", ".join(f"{n} {kind}" for kind, n in skipped.items()))
    return Loaded(topology, rows, problems)
