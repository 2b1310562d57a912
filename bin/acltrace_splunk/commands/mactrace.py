"""mactrace's record path: each event with a MAC traced to its switch port through the lookups.

The walk is ``acltrace.trace.topology.Topology``, read once per process from the app's lookups
(``acltrace_splunk.lookups``). An event with a MAC in ``mac_field`` gets the script's
``TRACE_FIELDS``; the trace starts at the device and interface that logged the MAC (``dvc_field``,
``interface_field``) when the event names them. A missing or malformed lookup gives one warning
(in the getinfo reply); an event whose trace fails passes through without trace fields, and one
warning at the end counts them.
"""
from acltrace_splunk import lookups
from acltrace_splunk.protocol import RecordCommand
from acltrace_splunk.records import one


class MacTrace(RecordCommand):
    name = "mactrace"
    type = "streaming"                       # the lookups come with the knowledge bundle: distributable

    def __init__(self, options, searchinfo, lookups_folder, trace_fields):
        super().__init__(options, searchinfo)
        self.lookups_folder = lookups_folder
        self.trace_fields = tuple(trace_fields)
        self.loaded = None
        self.failures = 0

    def prepare(self):
        self.loaded = lookups.load(self.lookups_folder)
        for problem in self.loaded.problems:
            self.warn(f"mactrace: {problem}")

    def process(self, records, finished):
        topology = self.loaded.topology
        mac_field, dvc_field, interface_field = (self.options.mac_field, self.options.dvc_field,
                                                 self.options.interface_field)
        for record in records:
            fields = {}
            mac = one(record.get(mac_field))
            if mac:
                try:
                    fields = topology.trace(mac, one(record.get(dvc_field)),
                                            one(record.get(interface_field))).fields()
                except Exception:  # a bad value must not fail the search: the event goes on untraced
                    self.failures += 1
            for name in self.trace_fields:
                record[name] = fields.get(name, "")
            yield record
        if finished and self.failures:
            self.warn(f"mactrace could not trace {self.failures} event(s); they passed through "
                      "without trace fields")
            self.failures = 0
