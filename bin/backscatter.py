#!/usr/bin/env python
"""backscatter: label each ACL event blaster_backscatter, backscatter, spoofed_source, scan or none.

    ... | aclparse | backscatter [window=<seconds>]

Adds ``bs_label``, ``bs_reason`` and ``bs_confidence`` (docs/DESIGN.md section 4) to every event, read
from its aclparse fields and ``_time``; an event without ACL fields gets ``bs_label=none``. The
domain work is ``acltrace.triage.classifier.Classifier``; this script only moves records in and out.

Distribution. Scans and generic backscatter are counted over a window of the whole stream: one
indexer's share of the events would undercount them. So the command is ``distributed=False``,
which SCP v2 calls a *stateful* streaming command: it runs once, on the search head, after the
indexers' part of the search (``aclparse`` stays distributed before it).

Ordering and buffering. The classifier holds an event until the stream has moved one window (plus
a bucket) past it, because its label depends on what comes after it as much as before; Splunk sends
newest-first, and the classifier finds the direction itself. It runs with ``keep_order=True``:
events leave in the order they came, so the output stays newest-first, as ``head``, ``dedup``,
``transaction`` and the events view expect (a label one event decides waits behind the held events
before it). A chunk's reply carries the events that became final while it was read, so replies
lag the input by about one window's worth of events, and the last (``finished``) chunk's reply
carries all the rest. Memory is the classifier's bound (events of one window, aggregates per key),
not the length of the search.

Records. An event without a readable ``_time`` takes the time of the event before it (Splunk's
neighbour in time); events before the first readable time wait for it (results with no ``_time``
at all are read at the end, as one moment). One bad record never fails
the search: it passes through without labels, and failures are reported once, as a warning in
the last chunk. Every reply chunk carries the ``bs_`` columns and every column seen so far (a
held event may come out in a later chunk than it came in).

Record path (SCP v2), as in aclparse: ``_execute_chunk_v2`` reads only the ``_time`` of each
record and the aclparse cells the classifier reads (``READS``), in one ``csvscan`` regex pass per
chunk, hands the record to the classifier as (its chunk's header, its CSV text) and sends it out
as that text, padded to the reply's columns, plus the ``bs_`` cells; a record whose header is not
the start of the reply's (or that carries ``bs_`` columns already) is re-written by column name.
A body the regex does not read whole (or one with a quoted cell among those read, such as a
multivalue field's) goes through ``csv.reader``. ``stream`` is the same over splunklib's dict records, for
protocol v1 and a splunklib this path does not recognise.
"""
import csv
import os
import sys
from io import StringIO

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from splunklib.searchcommands import Configuration, Option, StreamingCommand, dispatch  # noqa: E402
from splunklib.searchcommands.internals import CsvDialect  # noqa: E402

from acltrace.gcpolicy import collect_between_chunks  # noqa: E402
from acltrace.triage.classifier import READS, Classifier  # noqa: E402
from acltrace_splunk.csvscan import csv_cell, nul_stand_in, scan  # noqa: E402
from acltrace_splunk.pipes import ReplyBuffer, widen_pipes  # noqa: E402
from acltrace_splunk.records import acl_event, epoch, seconds  # noqa: E402

LABEL_FIELDS = ("bs_label", "bs_reason", "bs_confidence")
MAX_WINDOW = 86400.0
_READ = frozenset(("_time", *READS))   # the only cells the fast path reads
_OURS = frozenset(LABEL_FIELDS + tuple("__mv_" + name for name in LABEL_FIELDS))


class _Unlabelled:
    """A record the classifier could not take, fed as an event with no fields: it comes out in
    its place, without labels."""

    __slots__ = ("record",)

    def __init__(self, record):
        self.record = record


def _read_rows(text):
    """The rows csv.reader reads from ``text`` (NULs allowed on any Python)."""
    stand_in = nul_stand_in(text)
    if stand_in is not None:
        text = text.replace("\0", stand_in)
    rows = csv.reader(StringIO(text, newline=""), dialect=CsvDialect)
    if stand_in is None:
        return list(rows)
    return [[cell.replace(stand_in, "\0") for cell in row] for row in rows]


def _csv_line(values):
    return ",".join(map(csv_cell, values))


def _label_cells(labels):
    """The ``bs_`` cells of a record (only the reason may need quoting)."""
    return f"{labels['bs_label']},{csv_cell(labels['bs_reason'])},{labels['bs_confidence']}"


@collect_between_chunks
@Configuration(distributed=False)
class BackscatterCommand(StreamingCommand):
    """Labels ACL events as Blaster backscatter, backscatter, spoofed source, scan or none, with a reason.

    ##Syntax

    backscatter [window=<seconds>]

    ##Description

    Reads the aclparse fields and _time of each event and adds bs_label, bs_reason and
    bs_confidence. Scans and generic backscatter are counted over +/- window seconds (default 300).
    """

    window = Option(
        doc="""
        **Syntax:** **window=***<seconds>*
        **Description:** Seconds either side of an event over which scans and backscatter floods are
        counted; more than 0, at most 86400. Default: 300.""",
        default="300")

    def __init__(self):
        super().__init__()
        self._classifier = None
        self._untimed = []       # records before the first readable _time
        self._last_time = None
        self._failures = 0
        self._columns = []       # fast path: every column seen so far but ours, in order of first appearance
        self._seen = set(_OURS)  # ... and ours, which the labels replace

    def prepare(self):
        try:
            window = seconds("window", self.window, MAX_WINDOW)
        except ValueError as error:
            self.write_error(f"backscatter: {error}")
            sys.exit(1)
        self._classifier = Classifier(window=window, keep_order=True)

    def stream(self, records):
        first = True
        for record in records:
            if first:                       # every column of this chunk goes out in every later chunk
                self._record_writer.custom_fields.update(record.keys())
                self._record_writer.custom_fields.update(LABEL_FIELDS)
                first = False
            for held, labels in self._take(record, self._event(record), epoch(record.get("_time"))):
                for name in LABEL_FIELDS:
                    self.add_field(held, name, labels.get(name) if labels else None)
                yield held
        if self._finished or self.protocol_version == 1:   # v1: one call sees every record
            for held, labels in self._end():
                for name in LABEL_FIELDS:
                    self.add_field(held, name, labels.get(name) if labels else None)
                yield held

    # -- what both record paths share: records in, (record, labels or None) out -------------------

    def _event(self, record):
        """The core's event for a dict record, or None when it cannot be read."""
        try:
            return acl_event(record, READS)
        except Exception:  # a bad record must not fail the search: it goes on without labels
            return None

    def _take(self, record, event, time):
        """Feed one record (``event``: the core's event or None, ``time``: its _time in epoch
        seconds or None) and return the (record, labels) pairs that became final."""
        if time is None:
            time = self._last_time
            if time is None:
                self._untimed.append((record, event))
                return []
        else:
            self._last_time = time
        out = []
        for waiting in self._untimed:
            out += self._feed(*waiting, time)
        self._untimed.clear()
        out += self._feed(record, event, time)
        return self._unwrapped(out)

    def _end(self):
        """The rest of the (record, labels) pairs, at the end of the search."""
        out = []
        for record, event in self._untimed:     # no readable _time in the whole stream: read them together
            out += self._feed(record, event, 0.0)
        self._untimed.clear()
        out += self._classifier.finish()
        out = self._unwrapped(out)
        self._report()
        return out

    def _feed(self, record, event, time):
        """The classifier's (record, labels) pairs for one record; a record it cannot take goes in
        as an event with no fields (it keeps its place) and comes out unlabelled."""
        try:
            if event is None:
                raise ValueError("unreadable record")
            return self._classifier.feed(event, time, record)
        except Exception:  # a bad record must not fail the search: it goes on without labels
            self._failures += 1
            return self._classifier.feed({}, time, _Unlabelled(record))

    def _unwrapped(self, pairs):
        """``pairs`` with the records fed as stand-ins unwrapped and their labels dropped."""
        if not self._failures:
            return pairs
        return [(item.record, None) if type(item) is _Unlabelled else (item, labels) for item, labels in pairs]

    # -- the fast record path (SCP v2), in the manner of aclparse's ------------------------------

    def _execute_chunk_v2(self, process, chunk):
        """Process one ``execute`` chunk: overrides splunklib's dict-per-record loop.

        A record is read for its ``_time`` and the cells the classifier reads only (``csvscan``), held as its CSV
        text, and sent out as that text plus the ``bs_`` cells. We fill the record writer's buffer
        (a new ``ReplyBuffer`` each chunk, as aclparse does); splunklib sends it with the chunk's messages.
        """
        writer = self._record_writer
        if not isinstance(getattr(writer, "_buffer", None), StringIO):
            return super()._execute_chunk_v2(process, chunk)  # a splunklib we don't know
        writer._buffer = buffer = ReplyBuffer()
        out = []
        body = chunk[1]
        if body:
            columns, rows = self._rows(body)
            for name in columns:                    # the reply's columns: every one seen so far
                if name not in self._seen:
                    self._seen.add(name)
                    self._columns.append(name)
            feed = self._classifier.feed
            for text, event in rows:
                time = epoch(event.pop("_time", None))
                record = (columns, text)
                if time is None or self._untimed:
                    out += self._take(record, event, time)
                    continue
                self._last_time = time
                try:
                    out += feed(event, time, record)
                except Exception:  # a bad record must not fail the search: it goes on without labels
                    out += self._feed(record, None, time)
            out = self._unwrapped(out)
        if self._finished:
            out += self._end()
        if out:
            buffer.write(self._reply(out))

    def _rows(self, body):
        """A body's header (a tuple) and an iterable of its records as (CSV text, the core's event
        with the record's ``_time`` added; empty cells are empty values). A multivalue cell gives
        its first line, as ``one`` does."""
        header_end = body.find("\n") + 1 or len(body)
        first = body[:header_end].rstrip("\r\n")
        if '"' not in first:                        # splunkd's header: plain names
            columns = tuple(first.split(","))
            order = [i for i, name in enumerate(columns) if name in _READ]
            # the cells we read all plain (a quoted one, such as a multivalue field's, is rare)
            records = scan(body, header_end, len(columns), order, plain=True)
            if records is not None:
                names = [columns[i] for i in order]
                # each event made as the classifier takes it, still in the CPU's cache (~0.4 us a record)
                return columns, ((groups[0], dict(zip(names, groups[1:]))) for groups in records)
        # anything else: csv.reader, each record re-written as CSV (ragged ones padded or cut)
        table = _read_rows(body)
        if not table:
            return (), []
        columns = tuple(table[0])
        width = len(columns)
        rows = []
        for row in table[1:]:
            row = (row + [""] * width)[:width]
            rows.append((_csv_line(row), {name: cell.split("\n", 1)[0]
                                          for name, cell in zip(columns, row) if cell and name in _READ}))
        return columns, rows

    def _reply(self, pairs):
        """The reply body for (record, labels) pairs: the columns seen so far and the labels."""
        columns = self._columns
        lines = [_csv_line(columns + list(LABEL_FIELDS)) + "\n"]
        put = lines.append
        last = pad = None                           # a record's header (records come chunk by chunk), its padding
        for (header, text), labels in pairs:
            cells = _label_cells(labels) if labels else ",,"
            if header is not last:
                last, pad = header, self._padding(header)
            if pad is not None:                     # its columns come first: pad, then the labels
                put(text)                           # (pieces, not one f-string: that copies the text again)
                put(pad)
                put(",")
                put(cells)
                put("\n")
                continue
            values = dict(zip(header, next(iter(_read_rows(text)), [])))
            put(_csv_line([values.get(name, "") for name in columns]) + f",{cells}\n")
        return "".join(lines)

    def _padding(self, header):
        """The commas that align a record of ``header`` to the reply's columns, or None when its
        columns are not their first ones (it is re-written by name)."""
        n = len(header)
        if tuple(self._columns[:n]) != header:
            return None
        return "," * (len(self._columns) - n)

    def _report(self):
        if self._failures:
            self.write_warning(f"backscatter could not label {self._failures} record(s); "
                               "they were passed through without bs_ fields")
        self._failures = 0


if __name__ == "__main__":
    widen_pipes()
    dispatch(BackscatterCommand, sys.argv, sys.stdin, sys.stdout, __name__)
