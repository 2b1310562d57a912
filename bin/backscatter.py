#!/usr/bin/env python
"""backscatter: label each ACL event blaster_backscatter, backscatter, spoofed_source, scan or none.

    ... | aclparse | backscatter [window=<seconds>]

Adds ``bs_label``, ``bs_reason`` and ``bs_confidence`` (DESIGN.md section 4) to every event, read
from its aclparse fields and ``_time``; an event without ACL fields gets ``bs_label=none``. The
domain work is ``acltrace.backscatter.Classifier``; this script only moves records in and out.

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
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from splunklib.searchcommands import Configuration, Option, StreamingCommand, dispatch  # noqa: E402

from acltrace.backscatter import Classifier  # noqa: E402
from acltrace.records import acl_event, epoch, seconds  # noqa: E402

LABEL_FIELDS = ("bs_label", "bs_reason", "bs_confidence")
MAX_WINDOW = 86400.0


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
        self._held = {}          # id(event) -> record, in arrival order, until the classifier lets it go
        self._failed = {}        # id -> stand-in event of a record not labelled (kept alive: ids stay unique)
        self._untimed = []       # records before the first readable _time
        self._last_time = None
        self._failures = 0

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
            time = epoch(record.get("_time"))
            if time is None:
                time = self._last_time
                if time is None:
                    self._untimed.append(record)
                    continue
            else:
                self._last_time = time
            out = []
            for waiting in self._untimed:
                out += self._feed(waiting, time)
            self._untimed.clear()
            out += self._feed(record, time)
            yield from self._labelled(out)
        if self._finished or self.protocol_version == 1:   # v1: one call sees every record
            yield from self._labelled(self._finish())
            yield from self._leftovers()
            self._report()

    def _feed(self, record, time):
        event = {}
        try:
            event = acl_event(record)
            self._held[id(event)] = record
            return self._classifier.feed(event, time)
        except Exception:  # a bad record must not fail the search: it goes on without labels
            self._failures += 1
            self._held.pop(id(event), None)
            stand_in = {}   # an event with no fields keeps the record's place in the stream
            self._failed[id(stand_in)] = stand_in
            self._held[id(stand_in)] = record
            try:
                return self._classifier.feed(stand_in, time)
            except Exception:
                return []   # the record goes out at the end (_leftovers)

    def _finish(self):
        out = []
        for record in self._untimed:            # no readable _time in the whole stream: read them together
            out += self._feed(record, 0.0)
        self._untimed.clear()
        try:
            out += self._classifier.finish()
        except Exception:  # the held records go out unlabelled (see _labelled) rather than not at all
            self._failures += len(self._held)
        return out

    def _labelled(self, pairs):
        """The records of (event, labels) pairs, with their labels (none for a failed record)."""
        held = self._held
        for event, labels in pairs:
            record = held.pop(id(event), None)
            if record is None:
                continue
            if self._failed.pop(id(event), None) is not None:
                labels = None
            for name in LABEL_FIELDS:
                self.add_field(record, name, labels.get(name) if labels else None)
            yield record

    def _leftovers(self):
        """At the end: records the classifier lost after a failure, unlabelled, in arrival order."""
        held, self._held = self._held, {}
        self._failed.clear()
        for record in held.values():
            for name in LABEL_FIELDS:
                self.add_field(record, name, None)
            yield record

    def _report(self):
        if self._failures:
            self.write_warning(f"backscatter could not label {self._failures} record(s); "
                               "they were passed through without bs_ fields")
        self._failures = 0


if __name__ == "__main__":
    dispatch(BackscatterCommand, sys.argv, sys.stdin, sys.stdout, __name__)
