"""aclfindings' record path: summary rows in, findings out (``acltrace.triage.findings``).

A reporting command with no map phase: the rows (the summary search's, computed by ``stats`` on
the indexers) come from any time range, in any order, in several chunks; the last reply carries every
finding. Memory is the rows' aggregates, not events. Each finding has the script's ``COLUMNS``:
``_time`` (first_seen), the incident's columns, ``bs_reason`` and ``finding_id`` (the KV store key).

Records. A record with a ``finding_id`` is a finding stored before (the findings search appends the
KV store's recent findings): a finding that continues it keeps its id (``findings.carry_over``). A row
whose counts or times cannot be read is skipped and counted; one warning says how many.
"""
from acltrace.triage.findings import GROUP, STATS, findings
from acltrace_splunk.commands.aclincidents import row
from acltrace_splunk.protocol import FEWER_COLLECTIONS, CommandError, RecordCommand
from acltrace_splunk.records import epoch, one, seconds

MAX_TIMEOUT = 86400.0
_LISTS = ("dest_ip", "dest_port")
STORED = ("finding_id", "label", "dvc", "src_interface", "src_mac", "src_ip", "first_seen", "last_seen")


def summary_row(record):
    """The core's row of a record: one value each, lists for the multivalue ones, times as epoch seconds."""
    out = {name: one(record.get(name)) or "" for name in GROUP}
    for name in _LISTS:
        value = record.get(name)
        out[name] = [v for v in value if v] if isinstance(value, list) else ([value] if value else [])
    first = epoch(record.get("first_time"))
    if first is None:
        first = epoch(record.get("_time"))
    if first is None:
        raise ValueError("no first_time or _time")
    last = epoch(record.get("last_time"))
    out["first_time"], out["last_time"] = first, first if last is None else max(first, last)
    for name in ("events", "packets", "dest_count"):
        out[name] = int(float(one(record.get(name)) or 0))
    if out["events"] < 1:
        raise ValueError("no events")
    return out


def stored_finding(record):
    """The core's row of a stored finding: its id, label, place and times (epoch seconds)."""
    out = {name: one(record.get(name)) or "" for name in STORED}
    first, last = epoch(out["first_seen"]), epoch(out["last_seen"])
    if first is None or last is None or not out["label"]:
        raise ValueError("no label, first_seen or last_seen")
    out["first_seen"], out["last_seen"] = first, last
    return out


class AclFindings(RecordCommand):
    name = "aclfindings"
    type = "reporting"
    required_fields = tuple(dict.fromkeys(("_time", *GROUP, *STATS, *STORED)))   # what it reads, no more
    run_in_preview = False                        # findings are only whole at the end
    collect = FEWER_COLLECTIONS

    def __init__(self, options, searchinfo, columns):
        super().__init__(options, searchinfo)
        self.columns = tuple(columns)
        self.timeout = 300.0
        self.rows = []
        self.stored = []
        self.skipped = 0

    def prepare(self):
        try:
            self.timeout = seconds("timeout", self.options.timeout, MAX_TIMEOUT)
        except ValueError as error:
            raise CommandError(f"aclfindings: {error}") from None

    def process(self, records, finished):
        for record in records:
            try:
                if one(record.get("finding_id")):
                    self.stored.append(stored_finding(record))
                else:
                    self.rows.append(summary_row(record))
            except (TypeError, ValueError):   # a row it cannot read: skip and count it
                self.skipped += 1
        if finished:
            for finding in findings(self.rows, timeout=self.timeout, stored=self.stored):
                yield row(finding, self.columns)
            self.rows, self.stored = [], []
            if self.skipped:
                self.warn(f"aclfindings skipped {self.skipped} row(s) whose counts or times it could not read")
