"""showtables' record path: device tables as rows, from terminal captures or JSON rows.

An event's ``_raw`` is either a capture section (``core-sw1#show mac address-table`` and its output,
as the ``acltrace:show`` sourcetype breaks them; ``acltrace.tables.show.parse_capture``, TextFSM and
ntc-templates) or a JSON row of ``acltrace:mac``, ``acltrace:arp`` or ``acltrace:neighbor``
(``acltrace.tables.files.read_rows``). Each table row is one record with the script's ``COLUMNS``
(empty where its kind has no such value), ``_time`` and ``host`` of its event; a capture with no
prompt takes ``host`` as its device. A value that a spreadsheet would read as a formula starts with
``'`` (``acltrace.safe_output.no_formula``): the lookup builders write these rows to the lookup files.

A section that cannot be read (an unknown command, a table no template reads, junk) gives no rows;
one warning at the end counts such problems and quotes the first. Events of which none holds a
table (syslog events, an empty ``_raw``) get one warning that says so instead of no answer.
"""
from acltrace.safe_output import no_formula
from acltrace.tables.files import looks_like_rows, read_rows
from acltrace.tables.show import parse_capture
from acltrace_splunk.protocol import RecordCommand
from acltrace_splunk.records import one


class ShowTables(RecordCommand):
    name = "showtables"
    type = "streaming"

    def __init__(self, options, searchinfo, columns, kinds):
        super().__init__(options, searchinfo)
        self.columns = tuple(columns)
        self.kinds = tuple(kinds)            # the kind option's words, each a list of ``Tables``
        self.problems = []
        self.events = 0          # events read, and the table rows of any kind they held
        self.found = 0

    def process(self, records, finished):
        kind, platform = self.options.kind, self.options.platform
        wanted = [kind] if kind else list(self.kinds)
        for record in records:
            raw = one(record.get("_raw")) or ""
            host = one(record.get("host"))
            if looks_like_rows(raw):             # not a Junos capture that starts with {master:0}
                tables, source = read_rows(raw), "snmp"
            else:
                tables, source = parse_capture(raw, platform, host), "show"
            self.problems += tables.problems
            self.events += 1
            self.found += sum(len(getattr(tables, name)) for name in self.kinds)
            for name in wanted:
                for table_row in getattr(tables, name):
                    out = dict.fromkeys(self.columns, "")
                    # the lookup builders write these rows to CSV files: no cell may be a formula
                    out.update((k, no_formula(v)) for k, v in table_row.items() if k in out)
                    out.update(kind=name, source=table_row.get("source") or source,
                               _time=record.get("_time"), host=host)
                    yield out
        if finished and self.events and not self.found:
            example = f"; e.g. {self.problems[0]}" if self.problems else ""
            self.warn(f"showtables found no device table in the {self.events} event(s) it was given: it reads "
                      f"acltrace:show captures and acltrace:mac, acltrace:arp and acltrace:neighbor rows{example}")
        elif finished and self.problems:
            self.warn(f"showtables could not read {len(self.problems)} part(s) of the captures, "
                      f"e.g. {self.problems[0]}")
        if finished:
            self.problems, self.events, self.found = [], 0, 0
