#!/usr/bin/env python
"""aclincidents: one row per incident out of events labelled by backscatter.

    ... | aclparse | backscatter | aclincidents [timeout=<seconds>]

A reporting (transforming) SCP v2 command: labelled events in, incidents out (docs/DESIGN.md section 4).
The grouping, counting and advice are ``acltrace.triage.incidents.Incidents``; this script moves records in
and rows out. Events are grouped by (dvc, src_interface, src_mac), scans by (dvc, src_ip), and split
where a place is quiet for more than ``timeout`` seconds (default 300); ``bs_label=none`` events are
not incidents.

Rows. Each row has the columns of ``COLUMNS`` (empty where an incident has no value): label, where
(dvc, src_interface, src_mac, src_ip), counts (events, packets, dest_count, dest_port_count), the
destination /16 (dest_net and its share), pps, first_seen and last_seen (epoch seconds; ``_time`` is
first_seen), duration, hours (multivalue: the UTC hours active), blaster_calendar (true/false),
explanation and next_steps. Splunk sends several chunks of events to one run of the command: a
chunk's reply carries the incidents that closed while it was read (their place quiet for timeout
plus the classifier's lateness), the last reply the rest. So memory is the open incidents, not the
events; rows come in the order incidents close: add ``| sort - last_seen`` for a report.

Records. ``_time`` gives the event's time; an event without a readable one is skipped and counted,
as is a record the core fails on. Failures are reported once, as a warning in the last chunk; no
``bs_label`` field at all gets a warning saying to run backscatter first.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from splunklib.searchcommands import Configuration, Option, ReportingCommand, dispatch  # noqa: E402

from acltrace.gcpolicy import fewer_collections  # noqa: E402
from acltrace.triage.incidents import Incidents  # noqa: E402
from acltrace_splunk.pipes import widen_pipes  # noqa: E402
from acltrace_splunk.records import acl_event, epoch, one, seconds  # noqa: E402

COLUMNS = ("_time", "label", "dvc", "src_interface", "src_mac", "src_ip", "events", "packets", "dest_count",
           "dest_port_count", "counts_capped", "dest_net", "dest_net_share", "pps", "first_seen", "last_seen",
           "duration", "hours", "blaster_calendar", "explanation", "next_steps")
MAX_TIMEOUT = 86400.0


def row(incident):
    """The Splunk row of an incident: every column, booleans as true/false, hours multivalue."""
    out = {}
    for name in COLUMNS:
        value = incident.get("first_seen" if name == "_time" else name)
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif name == "hours" and value is not None:
            value = [f"{hour:02d}" for hour in value]
        out[name] = value
    return out


@Configuration(requires_preop=False, run_in_preview=False)
class AclIncidentsCommand(ReportingCommand):
    """Groups events labelled by backscatter into incidents, one row each, with an explanation and next steps.

    ##Syntax

    aclincidents [timeout=<seconds>]

    ##Description

    Groups labelled ACL events by where they enter (dvc, src_interface, src_mac; scans by src_ip),
    split after timeout seconds of quiet (default 300), and reports counts, the destination /16,
    rate, first and last seen, hours active, Blaster's calendar, an explanation and next steps.
    """

    timeout = Option(
        doc="""
        **Syntax:** **timeout=***<seconds>*
        **Description:** Seconds of quiet after which an incident ends; more than 0, at most 86400.
        Default: 300.""",
        default="300")

    def __init__(self):
        super().__init__()
        self._incidents = None
        self._saw_labels = False
        self._skipped = 0

    def prepare(self):
        # Not ReportingCommand.prepare: splunklib 2.1.1 asks for a streaming preop (``aclincidents
        # phase="map"``) even without a map method; that preop would return no records. Incidents
        # need every event in one place, so there is no map phase and no preop.
        try:
            timeout = seconds("timeout", self.timeout, MAX_TIMEOUT)
        except ValueError as error:
            self.write_error(f"aclincidents: {error}")
            sys.exit(1)
        self._incidents = Incidents(timeout=timeout)

    def reduce(self, records):
        incidents = self._incidents
        for record in records:
            label = one(record.get("bs_label"))
            if label is None:
                continue
            self._saw_labels = True
            if label == "none":
                continue
            try:
                time = epoch(record.get("_time"))
                if time is None:
                    raise ValueError("no usable _time")
                closed = incidents.feed(acl_event(record), {"bs_label": label}, time)
            except Exception:  # no usable _time, or a record the core cannot take: skip and count it
                self._skipped += 1
                continue
            for incident in closed:
                yield row(incident)
        if self._finished or self.protocol_version == 1:
            for incident in incidents.finish():
                yield row(incident)
            self._report()

    def _report(self):
        if not self._saw_labels:
            self.write_warning("aclincidents found no bs_label field: run it after backscatter "
                               "(... | aclparse | backscatter | aclincidents)")
        if self._skipped:
            self.write_warning(f"aclincidents skipped {self._skipped} labelled event(s) without a readable "
                               "_time or that it could not read")
        self._skipped = 0


if __name__ == "__main__":
    widen_pipes()
    fewer_collections()
    dispatch(AclIncidentsCommand, sys.argv, sys.stdin, sys.stdout, __name__)
