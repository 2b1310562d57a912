"""backscatter's record path: each record of the stream labelled by ``acltrace.triage.classifier``.

Every event gets three columns (the script's ``LABEL_FIELDS``: the label, its reason, the
confidence), read from its aclparse fields and ``_time``; an event without ACL fields gets
``bs_label=none``. The command is *stateful* (SCP v2: streaming, once, on the search head), because
scans and generic backscatter are counted over a window of the whole stream.

Ordering and buffering. The classifier holds an event until the stream has moved one window (plus a
bucket) past it, because its label depends on what comes after it as much as before; it runs with
``keep_order=True``: events leave in the order they came (newest-first from Splunk, as ``head``,
``dedup``, ``transaction`` and the events view expect). A chunk's reply carries the events that
became final while it was read, so replies lag the input by about one window's worth of events, and
the last (``finished``) chunk's reply carries all the rest. Memory is the classifier's bound, not
the length of the search.

Records. An event without a readable ``_time`` takes the time of the event before it (Splunk's
neighbour in time); events before the first readable time wait for it (results with no ``_time`` at
all are read at the end, as one moment). One bad record never fails the search: it passes through
without labels, and failures are reported once, as a warning in the last chunk. Every reply chunk
carries the label columns and every column seen so far (a held event may come out in a later chunk
than it came in).

Record path: one ``csvscan`` regex pass per chunk reads only the ``_time`` of each record and the
aclparse cells the classifier reads (``READS``), plain ones or, where splunkd quotes every value,
quoted ones; the record is handed to the classifier as (its
chunk's header, its CSV text) and sent out as that text, padded to the reply's columns, plus the
label cells; a record whose header is not the start of the reply's (or that carries label columns
already) is re-written by column name. A body the regex does not read whole (or, among plain
cells, one with a quoted cell among those read, such as a multivalue field's) goes through ``csv.reader``.
"""
from acltrace.triage.classifier import READS, Classifier
from acltrace_splunk.csvscan import body_header, csv_cell, first_quoted, scan
from acltrace_splunk.protocol import BETWEEN_CHUNKS, Command, CommandError, read_rows
from acltrace_splunk.records import epoch, seconds

MAX_WINDOW = 86400.0
_READ = frozenset(("_time", *READS))   # the only cells the record path reads


class _Unlabelled:
    """A record the classifier could not take, fed as an event with no fields: it comes out in
    its place, without labels."""

    __slots__ = ("record",)

    def __init__(self, record):
        self.record = record


def _quoted_event(names, groups):
    """The event of a record's ``scan`` groups (its text, then a quoted and a plain group per cell
    of ``names``): a quoted value unescaped, a multivalue one's first line."""
    event = dict(zip(names, map(max, groups[1::2], groups[2::2])))   # the group that is not empty
    for name, value in event.items():
        if '"' in value or "\n" in value:
            event[name] = value.replace('""', '"').split("\n", 1)[0]
    return event


def _csv_line(values):
    return ",".join(map(csv_cell, values))


class Backscatter(Command):
    name = "backscatter"
    type = "stateful"                        # the window spans the whole stream: on the search head
    collect = BETWEEN_CHUNKS                 # it holds a window of events: collecting walks them all

    def __init__(self, options, searchinfo, label_fields):
        super().__init__(options, searchinfo)
        self.label_fields = tuple(label_fields)
        label, reason, confidence = self.label_fields

        def label_cells(labels):
            """A record's label cells (only the reason may need quoting)."""
            return f"{labels[label]},{csv_cell(labels[reason])},{labels[confidence]}"

        self.label_cells = label_cells
        self.classifier = None
        self.untimed = []        # records before the first readable _time
        self.last_time = None
        self.failures = 0
        self.columns = []        # every column seen so far but ours, in order of first appearance
        self.seen = set(self.label_fields)    # ... and ours (and their __mv_ twins), which the labels replace
        self.seen.update("__mv_" + name for name in self.label_fields)

    def prepare(self):
        try:
            window = seconds("window", self.options.window, MAX_WINDOW)
        except ValueError as error:
            raise CommandError(f"backscatter: {error}") from None
        self.classifier = Classifier(window=window, keep_order=True)

    # -- records in, (record, labels or None) out -----------------------------------------------------

    def take(self, record, event, time):
        """Feed one record (``event``: the core's event or None, ``time``: its _time in epoch
        seconds or None) and return the (record, labels) pairs that became final."""
        if time is None:
            time = self.last_time
            if time is None:
                self.untimed.append((record, event))
                return []
        else:
            self.last_time = time
        out = []
        for waiting in self.untimed:
            out += self.feed(*waiting, time)
        self.untimed.clear()
        out += self.feed(record, event, time)
        return self.unwrapped(out)

    def end(self):
        """The rest of the (record, labels) pairs, at the end of the search."""
        out = []
        for record, event in self.untimed:     # no readable _time in the whole stream: read them together
            out += self.feed(record, event, 0.0)
        self.untimed.clear()
        out += self.classifier.finish()
        out = self.unwrapped(out)
        self.report()
        return out

    def feed(self, record, event, time):
        """The classifier's (record, labels) pairs for one record; a record it cannot take goes in
        as an event with no fields (it keeps its place) and comes out unlabelled."""
        try:
            if event is None:
                raise ValueError("unreadable record")
            return self.classifier.feed(event, time, record)
        except Exception:  # a bad record must not fail the search: it goes on without labels
            self.failures += 1
            return self.classifier.feed({}, time, _Unlabelled(record))

    def unwrapped(self, pairs):
        """``pairs`` with the records fed as stand-ins unwrapped and their labels dropped."""
        if not self.failures:
            return pairs
        return [(item.record, None) if type(item) is _Unlabelled else (item, labels) for item, labels in pairs]

    # -- the chunk ----------------------------------------------------------------------------------

    def execute(self, body, finished):
        """A record is read for its ``_time`` and the cells the classifier reads only, held as its
        CSV text, and sent out as that text plus the label cells."""
        out = []
        if body:
            columns, rows = self.rows(body)
            for name in columns:                    # the reply's columns: every one seen so far
                if name not in self.seen:
                    self.seen.add(name)
                    self.columns.append(name)
            feed = self.classifier.feed
            for text, event in rows:
                time = epoch(event.pop("_time", None))
                record = (columns, text)
                if time is None or self.untimed:
                    out += self.take(record, event, time)
                    continue
                self.last_time = time
                try:
                    out += feed(event, time, record)
                except Exception:  # a bad record must not fail the search: it goes on without labels
                    out += self.feed(record, None, time)
            out = self.unwrapped(out)
        if finished:
            out += self.end()
        return self.reply(out) if out else ""

    def rows(self, body):
        """A body's header (a tuple) and an iterable of its records as (CSV text, the core's event
        with the record's ``_time`` added; empty cells are empty values). A multivalue cell gives
        its first line, as ``records.one`` does."""
        found = body_header(body)
        if found is not None:
            names, header_end = found
            columns = tuple(names)
            order = [i for i, name in enumerate(columns) if name in _READ]
            names = [columns[i] for i in order]
            quoted = first_quoted(body, header_end, len(columns), order)
            if quoted:
                # splunkd quotes every value: each cell read is quoted (or empty)
                records = scan(body, header_end, len(columns), order)
                if records is not None:
                    return columns, ((groups[0], _quoted_event(names, groups)) for groups in records)
            elif quoted is not None:
                # the cells we read all plain (a quoted one, such as a multivalue field's, is rare)
                records = scan(body, header_end, len(columns), order, plain=True)
                if records is not None:
                    # each event made as the classifier takes it, still in the CPU's cache (~0.4 us a record)
                    return columns, ((groups[0], dict(zip(names, groups[1:]))) for groups in records)
        # anything else: csv.reader, each record re-written as CSV (ragged ones padded or cut)
        table = read_rows(body)
        columns = tuple(next(table, ()))
        width = len(columns)
        rows = []
        for row in table:
            row = (row + [""] * width)[:width]
            rows.append((_csv_line(row), {name: cell.split("\n", 1)[0]
                                          for name, cell in zip(columns, row) if cell and name in _READ}))
        return columns, rows

    def reply(self, pairs):
        """The reply body for (record, labels) pairs: the columns seen so far and the labels."""
        columns = self.columns
        label_cells = self.label_cells
        lines = [_csv_line(columns + list(self.label_fields)) + "\n"]
        put = lines.append
        last = pad = None                           # a record's header (records come chunk by chunk), its padding
        for (header, text), labels in pairs:
            cells = label_cells(labels) if labels else ",,"
            if header is not last:
                last, pad = header, self.padding(header)
            if pad is not None:                     # its columns come first: pad, then the labels
                put(text)                           # (pieces, not one f-string: that copies the text again)
                put(pad)
                put(",")
                put(cells)
                put("\n")
                continue
            values = dict(zip(header, next(read_rows(text), [])))
            put(_csv_line([values.get(name, "") for name in columns]) + f",{cells}\n")
        return "".join(lines)

    def padding(self, header):
        """The commas that align a record of ``header`` to the reply's columns, or None when its
        columns are not their first ones (it is re-written by name)."""
        n = len(header)
        if tuple(self.columns[:n]) != header:
            return None
        return "," * (len(self.columns) - n)

    def report(self):
        if self.failures:
            self.warn(f"backscatter could not label {self.failures} record(s); "
                      "they were passed through without bs_ fields")
        self.failures = 0
        early = self.classifier.released_early
        if early:
            self.warn(f"backscatter labelled {early} event(s) before their window had passed (more than "
                      f"{self.classifier.max_held} events in one window); their labels may miss what came "
                      "after them")
            self.classifier.released_early = 0
