"""mactrace's record path: each event with a MAC traced to its switch port through the trace's tables.

The walk is ``acltrace.trace.topology.Topology``, read once per process (``acltrace_splunk.lookups``):
from the KV store by default (``tables=kvstore``: splunkd's REST API, with the ``splunkd_uri`` and
``session_key`` of the search's getinfo; the command then runs on the search head, where the KV store
is), or from the CSV files of the app's lookups folder (``tables=csv``: distributable, the knowledge
bundle brings them to the indexers). An event with a MAC in ``mac_field`` gets the script's
``TRACE_FIELDS``; the trace starts at the device and interface that logged the MAC (``dvc_field``,
``interface_field``) when the event names them. A missing or malformed table gives one warning (in the
getinfo reply); tables that cannot be read at all (the KV store down) give one warning and every event
passes through untraced; an event whose trace fails passes through without trace fields, and one
warning at the end counts them.
"""
from acltrace_splunk import lookups
from acltrace_splunk.protocol import RecordCommand
from acltrace_splunk.records import one

TABLES = ("kvstore", "csv")


class MacTrace(RecordCommand):
    name = "mactrace"

    def __init__(self, options, searchinfo, lookups_folder, trace_fields):
        super().__init__(options, searchinfo)
        self.lookups_folder = lookups_folder
        self.trace_fields = tuple(trace_fields)
        self.loaded = None
        self.failures = 0
        # the CSV files come with the knowledge bundle (distributable); the KV store is the search head's
        self.type = "streaming" if options.tables == "csv" else "stateful"

    def prepare(self):
        if self.options.tables == "csv":
            self.loaded = lookups.load_csv(self.lookups_folder)
        else:
            self.loaded = lookups.load_kvstore(str(self.searchinfo.get("splunkd_uri") or ""),
                                               str(self.searchinfo.get("session_key") or ""))
        untraced = "" if self.loaded.usable else "; events pass through untraced"
        for problem in self.loaded.problems:
            self.warn(f"mactrace: {problem}{untraced}")

    def process(self, records, finished):
        topology = self.loaded.topology if self.loaded.usable else None
        mac_field, dvc_field, interface_field = (self.options.mac_field, self.options.dvc_field,
                                                 self.options.interface_field)
        for record in records:
            fields = {}
            mac = one(record.get(mac_field))
            if mac and topology is not None:
                try:
                    fields = topology.trace(mac, one(record.get(dvc_field)), one(record.get(interface_field)),
                                            src_ip=one(record.get("src_ip"))).fields()
                except Exception:  # a bad value must not fail the search: the event goes on untraced
                    self.failures += 1
            for name in self.trace_fields:
                record[name] = fields.get(name, "")
            yield record
        if finished and self.failures:
            self.warn(f"mactrace could not trace {self.failures} event(s); they passed through "
                      "without trace fields")
            self.failures = 0
