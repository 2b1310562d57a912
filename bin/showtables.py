#!/usr/bin/env python
"""showtables: device tables as rows, from terminal captures (acltrace:show) or JSON rows.

    ... | showtables [kind=mac|arp|neighbor] [platform=<ntc-templates platform>]

A streaming SCP v2 command (docs/DESIGN.md section 5): each event in, one record per table row out. An
event's ``_raw`` is either a capture section (``core-sw1#show mac address-table`` and its output, as
the ``acltrace:show`` sourcetype breaks them; read by ``acltrace.tables.show`` with TextFSM and
ntc-templates) or a JSON row of ``acltrace:mac``, ``acltrace:arp`` or ``acltrace:neighbor``
(``acltrace.tables.files.read_rows``). Every record carries ``COLUMNS`` (empty where its kind has no
such value), ``_time`` and ``host`` of its event; a capture with no prompt takes ``host`` as its
device. The lookup-building saved searches merge these rows into the lookups.

A section that cannot be read (an unknown command, a table no template reads, junk) gives no rows;
one warning at the end counts such problems and quotes the first.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from splunklib.searchcommands import Configuration, Option, StreamingCommand, dispatch, validators  # noqa: E402

from acltrace.tables.files import read_rows  # noqa: E402
from acltrace.tables.show import parse_capture  # noqa: E402
from acltrace_splunk.records import one  # noqa: E402

COLUMNS = ("kind", "mac", "switch", "port", "vlan", "type", "ip", "device", "interface", "neighbor",
           "neighbor_port", "capabilities", "platform", "neighbor_ip", "protocol", "source")
KINDS = {"mac": "mac", "arp": "arp", "neighbor": "neighbors"}


@Configuration()
class ShowTablesCommand(StreamingCommand):
    """Turns device captures (acltrace:show) and JSON table rows into one record per MAC, ARP or neighbour row.

    ##Syntax

    showtables [kind=mac|arp|neighbor] [platform=<platform>]

    ##Description

    Parses show mac address-table, show ip arp, show cdp/lldp neighbors (detail) outputs of Cisco,
    Arista, Juniper, HP/Aruba and other platforms, and passes acltrace:mac/arp/neighbor JSON rows.
    """

    kind = Option(doc="**Syntax:** **kind=***mac|arp|neighbor*  **Description:** only rows of this table. "
                      "Default: all.", validate=validators.Set(*KINDS))
    platform = Option(doc="**Syntax:** **platform=***<name>*  **Description:** the ntc-templates platform of "
                          "the captures, e.g. cisco_ios (default: detected from each output).")

    def __init__(self):
        super().__init__()
        self._problems = []

    def stream(self, records):
        wanted = [self.kind] if self.kind else list(KINDS)
        for record in records:
            raw = one(record.get("_raw")) or ""
            host = one(record.get("host"))
            if raw.lstrip()[:1] == "{":
                tables, source = read_rows(raw), "snmp"
            else:
                tables, source = parse_capture(raw, self.platform, host), "show"
            self._problems += tables.problems
            for kind in wanted:
                for row in getattr(tables, KINDS[kind]):
                    out = dict.fromkeys(COLUMNS, "")
                    out.update((k, v) for k, v in row.items() if k in out)
                    out.update(kind=kind, source=row.get("source") or source,
                               _time=record.get("_time"), host=host)
                    yield out
        if self._finished and self._problems:
            self.write_warning(f"showtables could not read {len(self._problems)} part(s) of the captures, "
                               f"e.g. {self._problems[0]}")
            self._problems = []


if __name__ == "__main__":
    dispatch(ShowTablesCommand, sys.argv, sys.stdin, sys.stdout, __name__)
