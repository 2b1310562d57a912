"""backscatter's record path: each record of the search labelled by ``acltrace.triage.classifier``.

Every event gets three columns (the script's ``LABEL_FIELDS``: the label, its reason, the
confidence), read from its aclparse fields and ``_time``; an event without ACL fields gets
``bs_label=none``.

Two passes, so the labels are the same whatever order the events come in (Splunk sends them
newest-first): while the chunks come, each record is counted in the classifier's aggregates and
spilled, as its CSV text with what the classifier worked out of it (the labels it decided alone, or
its keys, with the cells the classifier reads): in memory up to ``acltrace.spill.MEMORY`` (256 MiB),
beyond it to a file in the search's dispatch directory; at the last (``finished``) chunk the spill
is read back, each record labelled, and the reply (through a second file there when the spill went
to disk) sent as one chunk, records in the order they came.
The command is *stateful* (SCP v2: once, on the search head, after the indexers' part): it needs
every event, but it keeps them as events (the events view, ``head``, ``dedup`` and ``timechart``
still work) where a *reporting* command would turn them into results. The price: nothing comes out
until the search has read its last event (``run_in_preview`` is off). Memory is the aggregates (keys
x buckets), the spill's limit and one chunk at a time; beyond the limit, disk: about the size of
the events, twice, in the dispatch directory, which Splunk deletes with the search.

Records. An event without a readable ``_time`` is labelled by what it shows alone and counted with
no other (one warning says how many). One bad record never fails the search: it passes through
without labels, and failures are reported once, as a warning in the last chunk. The reply carries
every column seen in any chunk, then the label columns.

Record path: one ``csvscan`` regex pass per chunk reads only the ``_time`` of each record and the
aclparse cells the classifier reads (``READS``), plain ones or, where splunkd quotes every value,
quoted ones; the record is spilled as its CSV text and sent out as that text, padded to the reply's
columns, plus the label cells; a record whose header is not the start of the reply's (or that
carries label columns already) is re-written by column name. A body the regex does not read whole
(or, among plain cells, one with a quoted cell among those read, such as a multivalue field's)
goes through ``csv.reader``.
"""
import os
import tempfile

from acltrace.spill import Spill
from acltrace.triage.classifier import READS, Classifier
from acltrace_splunk.csvscan import body_header, csv_cell, first_quoted, scan
from acltrace_splunk.protocol import BETWEEN_CHUNKS, Command, CommandError, read_rows
from acltrace_splunk.records import epoch, seconds

MAX_WINDOW = 86400.0
_READ = frozenset(("_time", *READS))   # the only cells the record path reads


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
    type = "stateful"                        # every event, once, on the search head; events stay events
    run_in_preview = False                   # labels are known only when every event has been counted
    collect = BETWEEN_CHUNKS                 # it holds the aggregates: collecting walks them all

    def __init__(self, options, searchinfo, label_fields):
        super().__init__(options, searchinfo)
        self.label_fields = tuple(label_fields)
        label, reason, confidence = self.label_fields

        def line_end(pad, labels):
            """What follows a record's own cells: ``pad`` (the commas to the reply's columns), then its
            label cells (only the reason may need quoting; empty without labels) and the line end."""
            if labels is None:
                return f"{pad},,,\n"
            return f"{pad},{labels[label]},{csv_cell(labels[reason])},{labels[confidence]}\n"

        self.line_end = line_end
        self.classifier = None
        self.spill = None
        self.failures = 0
        self.columns = []        # every column seen so far but ours, in order of first appearance
        self.seen = set(self.label_fields)    # ... and ours (and their __mv_ twins), which the labels replace
        self.seen.update("__mv_" + name for name in self.label_fields)

    def prepare(self):
        try:
            window = seconds("window", self.options.window, MAX_WINDOW)
        except ValueError as error:
            raise CommandError(f"backscatter: {error}") from None
        self.classifier = Classifier(window=window)

    def _folder(self):
        """The search's dispatch directory (else None: the system's temporary one)."""
        folder = self.searchinfo.get("dispatch_dir")
        return folder if isinstance(folder, str) and os.path.isdir(folder) else None

    # -- the chunk ----------------------------------------------------------------------------------

    def execute(self, body, finished):
        """Count and spill each record of a chunk; at the last, label them all (``labelled``)."""
        if body:
            self.count(body)
        if not finished:
            return ""
        return self.labelled()

    def count(self, body):
        """Pass 1 over one chunk: each record into the aggregates and onto the spill."""
        columns, rows = self.rows(body)
        for name in columns:                    # the reply's columns: every one seen
            if name not in self.seen:
                self.seen.add(name)
                self.columns.append(name)
        add = self.classifier.add
        batch = []
        put = batch.append
        for text, event in rows:
            time = epoch(event.pop("_time", None))
            try:
                known = add(event, time)
            except Exception:  # a bad record must not fail the search: it goes on without labels
                self.failures += 1
                event = known = None
            if event is None or "bs_label" in known:    # no labels, or those add gave alone: no event kept
                put((text, None, None, known))
            else:
                put((text, event, time, known))
        if self.spill is None:
            self.spill = Spill(self._folder())
        self.spill.write([columns, batch], 2 * len(body))      # its text and the cells read, about

    def labelled(self):
        """Pass 2: the spill read back, each record labelled: the reply body as a list of its pieces, or
        a file of it when the spill went to disk."""
        header = _csv_line(self.columns + list(self.label_fields)) + "\n"
        spill, self.spill = self.spill, None
        if spill is None:
            self.report()
            return header
        on_disk = spill.on_disk           # a large search: the reply goes through a file too
        out = tempfile.TemporaryFile(dir=self._folder()) if on_disk else None
        pieces = [header]
        for columns, batch in spill.batches():
            self.lines(columns, batch, pieces.append)
            if on_disk:
                out.write("".join(pieces).encode("utf-8", "replace"))
                pieces = []
        spill.close()
        self.report()
        return out if on_disk else pieces

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

    def lines(self, header, batch, put):
        """``put`` the reply's lines, in pieces, for one chunk's spilled records (``header``: its
        columns), labelled, padded to the columns seen."""
        label = self.classifier.label
        line_end = self.line_end
        pad = self.padding(header)
        for text, event, time, known in batch:
            labels = known if event is None else label(event, time, known)     # no event: its labels, or None
            if pad is not None:                     # its columns come first: its text, then the padding
                put(text)                           # (two pieces, not one string: that copies the text again)
                put(line_end(pad, labels))
            else:                                   # re-written by name
                values = dict(zip(header, next(read_rows(text), [])))
                put(_csv_line([values.get(name, "") for name in self.columns]) + line_end("", labels))

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
        untimed = self.classifier.unplaced
        if untimed:
            self.warn(f"backscatter: {untimed} ACL event(s) without a readable _time were labelled by what "
                      "each shows alone, and counted with no other")
        self.failures = self.classifier.unplaced = 0
