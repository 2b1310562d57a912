#!/usr/bin/env python
"""aclincidents: one row per incident out of events labelled by backscatter.

    ... | aclparse | backscatter | aclincidents [timeout=<seconds>]

A reporting (transforming) SCP v2 command with no map phase (docs/DESIGN.md section 4); the record
path is ``acltrace_splunk.commands.aclincidents``, the protocol ``acltrace_splunk.protocol``. Rows
come in the order incidents close: add ``| sort - last_seen`` for a report.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from acltrace.triage.incidents import INCIDENT_COLUMNS  # noqa: E402
from acltrace_splunk.commands.aclincidents import AclIncidents  # noqa: E402
from acltrace_splunk.protocol import Option, run  # noqa: E402

COLUMNS = ("_time",) + INCIDENT_COLUMNS    # _time is first_seen

OPTIONS = (
    # checked when the command starts: "aclincidents: timeout must be a number of seconds ..."
    Option("timeout", default="300",
           doc="**Syntax:** **timeout=***<seconds>*  **Description:** Seconds of quiet after which an "
               "incident ends; more than 0, at most 86400. Default: 300."),
)

if __name__ == "__main__":
    run(AclIncidents, OPTIONS, columns=COLUMNS)
