#!/usr/bin/env python
"""mactrace: where a MAC plugs in, from the app's MAC, neighbour and ARP tables.

    ... | mactrace [mac_field=src_mac] [dvc_field=dvc] [interface_field=src_interface] [tables=kvstore|csv]

A streaming SCP v2 command (docs/DESIGN.md section 5); the record path is
``acltrace_splunk.commands.mactrace``, the protocol ``acltrace_splunk.protocol``. The tables are read
once per process: from the app's KV store collections (the default; on the search head), or with
``tables=csv`` from this app's ``lookups`` folder, found relative to this script (distributable: on an
indexer, the copy the knowledge bundle brought).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from acltrace_splunk.commands.mactrace import TABLES, MacTrace  # noqa: E402
from acltrace_splunk.protocol import Option, fieldname, one_of, run  # noqa: E402

LOOKUPS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lookups")
TRACE_FIELDS = ("trace_verdict", "trace_switch", "trace_port", "trace_vlan", "trace_last_seen", "trace_path",
                "trace_reason", "mac_vendor")

OPTIONS = (
    Option("mac_field", default="src_mac", validate=fieldname,
           doc="**Syntax:** **mac_field=***<field>*  **Description:** the field holding the MAC (any notation). "
               "Default: src_mac."),
    Option("dvc_field", default="dvc", validate=fieldname,
           doc="**Syntax:** **dvc_field=***<field>*  **Description:** the device that logged the MAC. Default: dvc."),
    Option("interface_field", default="src_interface", validate=fieldname,
           doc="**Syntax:** **interface_field=***<field>*  **Description:** the interface it logged the MAC on. "
               "Default: src_interface."),
    Option("tables", default="kvstore", validate=one_of(*TABLES),
           doc="**Syntax:** **tables=***kvstore|csv*  **Description:** where the MAC, neighbour and ARP tables are "
               "read: the app's KV store collections, or CSV files of the same names in its lookups folder. "
               "Default: kvstore."),
)

if __name__ == "__main__":
    run(MacTrace, OPTIONS, lookups_folder=LOOKUPS, trace_fields=TRACE_FIELDS)
