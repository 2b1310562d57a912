#!/usr/bin/env python
"""showtables: device tables as rows, from terminal captures (acltrace:show) or JSON rows.

    ... | showtables [kind=mac|arp|neighbor] [platform=<ntc-templates platform>]

A streaming SCP v2 command (docs/DESIGN.md section 5): each event in, one record per table row out;
the record path is ``acltrace_splunk.commands.showtables``, the protocol ``acltrace_splunk.protocol``.
The lookup-building saved searches merge these rows into the lookups.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from acltrace.tables.rows import KINDS  # noqa: E402  (mac, arp, neighbor: the Tables lists too)
from acltrace_splunk.commands.showtables import ShowTables  # noqa: E402
from acltrace_splunk.protocol import Option, one_of, run  # noqa: E402

COLUMNS = ("kind", "mac", "switch", "port", "vlan", "type", "ip", "device", "interface", "neighbor",
           "neighbor_port", "capabilities", "platform", "neighbor_ip", "protocol", "source")

OPTIONS = (
    Option("kind", validate=one_of(*KINDS),
           doc="**Syntax:** **kind=***mac|arp|neighbor*  **Description:** only rows of this table. Default: all."),
    Option("platform",
           doc="**Syntax:** **platform=***<name>*  **Description:** the ntc-templates platform of the captures, "
               "e.g. cisco_ios (default: detected from each output)."),
)

if __name__ == "__main__":
    run(ShowTables, OPTIONS, columns=COLUMNS, kinds=KINDS)
