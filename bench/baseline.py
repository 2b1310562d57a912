#!/usr/bin/env python
"""Benchmark baseline: the naive way to write aclparse with splunklib.

A plain StreamingCommand that applies ONE Cisco IOS regex to each record's _raw and sets the
groups with add_field (it extracts IOS IPACCESSLOG lines only). aclparse must beat it by 2.5x
while extracting every format.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from splunklib.searchcommands import Configuration, StreamingCommand, dispatch  # noqa: E402

IOS = re.compile(
    r"%(?P<mnemonic>SEC-\d-IPACCESSLOG\w*):\s+list (?P<rule>\S+) (?P<vendor_action>permitted|denied) "
    r"(?P<transport>\S+) (?P<src_ip>[^\s(]+)(?:\((?P<src_port>\d+)\))?"
    r"(?: \((?P<src_interface>\S+) ?(?P<src_mac>[0-9a-f.]*)\))? -> "
    r"(?P<dest_ip>[^\s(,]+)(?:\((?P<dest_port>\d+)\))?.*?, (?P<packets>\d+) packets?")
GROUPS = tuple(IOS.groupindex)


@Configuration(distributed=True)
class BaselineCommand(StreamingCommand):
    def stream(self, records):
        for record in records:
            m = IOS.search(record.get("_raw", ""))
            for name in GROUPS:
                self.add_field(record, name, m.group(name) if m else None)
            yield record


dispatch(BaselineCommand, sys.argv, sys.stdin, sys.stdout, __name__)
