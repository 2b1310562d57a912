#!/usr/bin/env python
"""backscatter: label each ACL event blaster_backscatter, backscatter, spoofed_source, scan or none.

    ... | aclparse | backscatter [window=<seconds>]

Stateful (SCP v2: once, on the search head, over every event, all returned with the last chunk;
docs/DESIGN.md section 4); the record path is ``acltrace_splunk.commands.backscatter``, the
protocol ``acltrace_splunk.protocol``.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from acltrace_splunk.commands.backscatter import Backscatter  # noqa: E402
from acltrace_splunk.protocol import Option, run  # noqa: E402

# The columns it adds: the label, its reason, the confidence (0-1).
LABEL_FIELDS = ("bs_label", "bs_reason", "bs_confidence")

OPTIONS = (
    # checked when the command starts: "backscatter: window must be a number of seconds ..."
    Option("window", default="300",
           doc="**Syntax:** **window=***<seconds>*  **Description:** The finest scale scans and backscatter "
               "floods are counted at (it reads 1 h and 6 h too); more than 0, at most 86400. Default: 300."),
)

if __name__ == "__main__":
    run(Backscatter, OPTIONS, label_fields=LABEL_FIELDS)
