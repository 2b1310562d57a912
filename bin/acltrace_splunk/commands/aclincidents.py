"""aclincidents' record path: labelled events in, one row per incident out (``acltrace.triage.incidents``).

A reporting (transforming) command with no map phase and no preop: incidents need every event in one
place. Splunk sends several chunks of events to one run, in any order; each event is counted in its
place's bucket, and the last reply carries every incident. So memory is the incidents' buckets
(places x time), not the events.

Each row has the script's ``COLUMNS`` (empty where an incident has no value): ``_time`` is
``first_seen``, booleans are true/false, ``hours`` (the UTC hours active) is multivalue.

Records. ``_time`` gives the event's time; an event without a readable one is skipped and counted, as
is a record the core fails on. Failures are reported once, as a warning in the last chunk; no
``bs_label`` field at all gets a warning saying to run backscatter first.
"""
from acltrace.logs.fields import FIELDS
from acltrace.triage.incidents import Incidents
from acltrace_splunk.protocol import FEWER_COLLECTIONS, CommandError, RecordCommand
from acltrace_splunk.records import acl_event, epoch, one, seconds

MAX_TIMEOUT = 86400.0
READ = (*FIELDS, "host")        # dvc falls back to host


def row(incident, columns):
    """The Splunk row of an incident: every column, booleans as true/false, hours multivalue."""
    out = {}
    for name in columns:
        value = incident.get("first_seen" if name == "_time" else name)
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif name == "hours" and value is not None:
            value = [f"{hour:02d}" for hour in value]
        out[name] = value
    return out


class AclIncidents(RecordCommand):
    name = "aclincidents"
    type = "reporting"
    # what it reads: splunkd need not extract or send anything else
    required_fields = ("_time", "bs_label", "host", *FIELDS)
    run_in_preview = False                   # incidents are only whole at the end
    collect = FEWER_COLLECTIONS

    def __init__(self, options, searchinfo, columns):
        super().__init__(options, searchinfo)
        self.columns = tuple(columns)
        self.incidents = None
        self.saw_labels = False
        self.skipped = 0

    def prepare(self):
        try:
            timeout = seconds("timeout", self.options.timeout, MAX_TIMEOUT)
        except ValueError as error:
            raise CommandError(f"aclincidents: {error}") from None
        self.incidents = Incidents(timeout=timeout)

    def process(self, records, finished):
        incidents = self.incidents
        columns = self.columns
        for record in records:
            label = one(record.get("bs_label"))
            if label is None:
                continue
            self.saw_labels = True
            if label == "none":
                continue
            try:
                time = epoch(record.get("_time"))
                if time is None:
                    raise ValueError("no usable _time")
                incidents.add(acl_event(record, READ), {"bs_label": label}, time)
            except Exception:  # no usable _time, or a record the core cannot take: skip and count it
                self.skipped += 1
        if finished:
            for incident in incidents.finish():
                yield row(incident, columns)
            self.report()

    def report(self):
        if not self.saw_labels:
            self.warn("aclincidents found no bs_label field: run it after backscatter "
                      "(... | aclparse | backscatter | aclincidents)")
        if self.skipped:
            self.warn(f"aclincidents skipped {self.skipped} labelled event(s) without a readable "
                      "_time or that it could not read")
        self.skipped = 0
