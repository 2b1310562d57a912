#!/usr/bin/env python
"""mactrace: where a MAC plugs in, from the app's MAC, neighbour and ARP lookups.

    ... | mactrace [mac_field=src_mac] [dvc_field=dvc] [interface_field=src_interface]

A streaming SCP v2 command (docs/DESIGN.md section 5). For each event with a MAC in ``mac_field`` it adds
``trace_verdict`` (edge_port, router_hop, uplink_only, ambiguous, not_found), ``trace_switch``,
``trace_port``, ``trace_vlan``, ``trace_last_seen``, ``trace_path``, ``trace_reason`` and
``mac_vendor``; the trace starts at the device and interface that logged the MAC (``dvc_field``,
``interface_field``) when the event names them. The walk is ``acltrace.trace.topology.Topology``.

Lookups. ``acltrace_mac_table.csv``, ``acltrace_neighbors.csv`` and ``acltrace_arp.csv`` are read
once per process from this app's ``lookups`` folder, found relative to this script: on a search head
that is the app's own, on an indexer the copy the knowledge bundle brought. So the command is
distributable. A missing or malformed lookup gives one warning; its rows are simply not there (MACs
come out ``not_found``). An event whose trace fails passes through without trace fields; one warning
counts them.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from splunklib.searchcommands import Configuration, Option, StreamingCommand, dispatch, validators  # noqa: E402

from acltrace_splunk import lookups  # noqa: E402
from acltrace_splunk.records import one  # noqa: E402

LOOKUPS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lookups")
TRACE_FIELDS = ("trace_verdict", "trace_switch", "trace_port", "trace_vlan", "trace_last_seen", "trace_path",
                "trace_reason", "mac_vendor")


@Configuration()
class MacTraceCommand(StreamingCommand):
    """Traces each event's MAC to the switch port it plugs into, or says it is a router hop.

    ##Syntax

    mactrace [mac_field=<field>] [dvc_field=<field>] [interface_field=<field>]

    ##Description

    Adds trace_verdict, trace_switch, trace_port, trace_vlan, trace_last_seen, trace_path,
    trace_reason and mac_vendor from the acltrace_mac_table, acltrace_neighbors and acltrace_arp
    lookups.
    """

    mac_field = Option(doc="**Syntax:** **mac_field=***<field>*  **Description:** the field holding the MAC "
                           "(any notation). Default: src_mac.", default="src_mac", validate=validators.Fieldname())
    dvc_field = Option(doc="**Syntax:** **dvc_field=***<field>*  **Description:** the device that logged the "
                           "MAC. Default: dvc.", default="dvc", validate=validators.Fieldname())
    interface_field = Option(doc="**Syntax:** **interface_field=***<field>*  **Description:** the interface it "
                                 "logged the MAC on. Default: src_interface.", default="src_interface",
                             validate=validators.Fieldname())

    def __init__(self):
        super().__init__()
        self._loaded = None
        self._failures = 0

    def prepare(self):
        self._loaded = lookups.load(LOOKUPS)
        for problem in self._loaded.problems:
            self.write_warning(f"mactrace: {problem}")

    def stream(self, records):
        topology = self._loaded.topology
        for record in records:
            fields = dict.fromkeys(TRACE_FIELDS, "")
            mac = one(record.get(self.mac_field))
            if mac:
                try:
                    fields = topology.trace(mac, one(record.get(self.dvc_field)),
                                            one(record.get(self.interface_field))).fields()
                except Exception:  # a bad value must not fail the search: the event goes on untraced
                    self._failures += 1
            for name in TRACE_FIELDS:
                self.add_field(record, name, fields.get(name, ""))
            yield record
        if self._finished and self._failures:
            self.write_warning(f"mactrace could not trace {self._failures} event(s); they passed through "
                               "without trace fields")
            self._failures = 0


if __name__ == "__main__":
    dispatch(MacTraceCommand, sys.argv, sys.stdin, sys.stdout, __name__)
