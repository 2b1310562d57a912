#!/usr/bin/env python
"""Keep only the ntc-templates acltrace reads: MAC, ARP and CDP/LLDP tables (make build runs this on lib/).

    python tools/build/prune_ntc_templates.py lib/ntc_templates/templates

ntc-templates ships ~940 templates (4 MB); showparse looks up one for each (platform, command) of
``showparse.PLATFORMS`` x ``capture.COMMANDS`` (with arguments: longer commands too). Every other
template file goes, and so do the index rows that name one, so an index lookup acltrace makes still
finds the row it found before (the rows kept keep their order). Prints what it kept.
"""
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bin"))

from textfsm import clitable  # noqa: E402

from acltrace.tables.captures import COMMANDS  # noqa: E402
from acltrace.tables.show import PLATFORMS  # noqa: E402


def needed(folder: str) -> set:
    """The template files acltrace may look up: those the index gives for its (platform, command)
    pairs, and those of a command with more words (``show ip arp detail vrf all``) on its platforms."""
    index = clitable.CliTable("index", folder).index
    keep = set()
    for platform in PLATFORMS:
        for command, _kind in COMMANDS:
            row = index.GetRowMatch({"Platform": platform, "Command": command})
            if row:
                keep.update(index.index[row]["Template"].split(":"))
    stems = tuple(f"{platform}_{command.replace(' ', '_')}" for platform in PLATFORMS for command, _ in COMMANDS)
    keep.update(name for name in os.listdir(folder) if name.endswith(".textfsm") and name.startswith(stems))
    return keep


def prune(folder: str) -> set:
    keep = needed(folder)
    for name in os.listdir(folder):
        if name.endswith(".textfsm") and name not in keep:
            os.remove(os.path.join(folder, name))
    path = os.path.join(folder, "index")
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    with open(path, "w", encoding="utf-8") as f:
        for line in lines:
            first = line.split(",", 1)[0].strip()
            if not first.endswith(".textfsm") or set(first.split(":")) <= keep:
                f.write(line)
    return keep


if __name__ == "__main__":
    kept = prune(sys.argv[1])
    print(f"ntc-templates: kept {len(kept)} templates acltrace reads")
