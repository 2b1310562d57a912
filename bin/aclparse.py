#!/usr/bin/env python
"""aclparse: add the Cisco ACL log fields (docs/DESIGN.md section 2) to the events that carry them.

    ... | aclparse [field=_raw]

A streaming, distributable SCP v2 command (commands.conf: ``chunked = true``). Every event
comes back, in order: an ACL event gains the ``acltrace.logs.fields.FIELDS`` columns its message
carries (replacing same-named columns, e.g. a ``src_ip`` props already extracted); any other
event passes through untouched. The domain work is one call to ``acltrace.logs.parser.parse_event``.

Record path. splunklib turns every record into an OrderedDict, decodes ``__mv_`` columns and
re-encodes every value on the way out; that costs more than parsing the event. So this command
keeps splunklib for everything around the records (getinfo, options, metadata, messages,
``finished``) and overrides one method, ``_execute_chunk_v2``: the ``field`` column is found
once per chunk, one regex pass over the body gives each record's CSV text and that one cell (no
list of cells per record), the parser runs on the cell, and the record goes out as its own text
(``__mv_`` twins and all) with our cells appended; only a record whose existing columns change
goes through ``csv.reader`` and ``csv.writer``. A chunk the regex does not read whole (a ragged
record, say) is read with ``csv.reader`` instead, to the same effect.
``stream`` has the same behaviour over splunklib's dict records; it serves protocol v1 and a
splunklib whose internals this fast path does not recognise.

One bad record never fails the search: it passes through unchanged, and failures are counted
and reported once, as a single warning in the last chunk.
"""
import csv
import os
import sys
from io import StringIO

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from splunklib.searchcommands import (  # noqa: E402
    Configuration,
    Option,
    StreamingCommand,
    dispatch,
    validators,
)
from splunklib.searchcommands.internals import CsvDialect  # noqa: E402

from acltrace.gcpolicy import fewer_collections  # noqa: E402
from acltrace.logs.fields import FIELDS  # noqa: E402
from acltrace.logs.parser import parse_event  # noqa: E402
from acltrace_splunk.csvscan import nul_stand_in, scan  # noqa: E402
from acltrace_splunk.pipes import ReplyBuffer, widen_pipes  # noqa: E402


class _Appender:
    """A file for csv.writer that appends what it writes to a list."""

    __slots__ = ("write",)

    def __init__(self, append):
        self.write = append


@Configuration(distributed=True)
class AclParseCommand(StreamingCommand):
    """Extracts ACL fields (action, rule, src_ip, dest_port, ...) from Cisco IOS, IOS XE,
    NX-OS, ASA/PIX/FWSM/FTD access-list log messages.

    ##Syntax

    aclparse [field=<field>]

    ##Description

    Parses the text of ``field`` (default ``_raw``) of each event. ACL events gain the fields
    the message carries; other events pass through unchanged.
    """

    field = Option(
        doc="""
        **Syntax:** **field=***<fieldname>*
        **Description:** The field that holds the log message. Default: _raw.""",
        default="_raw",
        validate=validators.Fieldname(),
    )

    def __init__(self):
        super().__init__()
        self._failed_records = 0     # records the parser raised on (reported once, at the end)
        self._failed_chunks = 0      # chunks passed back unprocessed (CSV we could not read)
        self._warned_no_field = False

    # -- the reference behaviour, over splunklib's dict records ---------------------------------

    def stream(self, records):
        field = self.field
        for record in records:
            raw = record.get(field)
            if isinstance(raw, list):        # a multivalue field: what splunkd shows as its text
                raw = "\n".join(raw)
            event = self._parse(raw) if raw is not None else None
            for name in FIELDS:
                value = event.get(name) if event else None
                # an ACL event's value replaces a same-named column; otherwise the column stays
                self.add_field(record, name, record.get(name) if value is None else value)
            yield record
        if self._finished or self.protocol_version == 1:  # v1: one call sees every record
            self._report()

    def _parse(self, raw):
        try:
            event = parse_event(raw)
            if event is None or isinstance(event, dict):
                return event
            raise TypeError(f"parse_event returned {type(event).__name__}")
        except Exception:  # a parser bug must not fail the search: count it, pass the event on
            self._failed_records += 1
            return None

    # -- the fast record path (SCP v2) ----------------------------------------------------------

    def _execute_chunk_v2(self, process, chunk):
        """Process one ``execute`` chunk: overrides splunklib's dict-per-record loop.

        splunklib's ``_execute_v2`` reads the chunk (body decoded as UTF-8 with replacement
        characters) and, after this returns, sends the record writer's buffer with the chunk's
        messages and ``finished`` flag; we only fill that buffer. We give it a new one each
        chunk (``commandpipes.ReplyBuffer``: the reply's text goes out without being copied).
        """
        writer = self._record_writer
        if not isinstance(getattr(writer, "_buffer", None), StringIO):
            return super()._execute_chunk_v2(process, chunk)  # a splunklib we don't know
        writer._buffer = buffer = ReplyBuffer()
        body = chunk[1]
        if body:
            failed = self._failed_records
            try:
                buffer.write(self._process_body(body))
            except Exception:  # unreadable CSV, or our bug: this chunk goes back as it came
                self._failed_records = failed
                self._failed_chunks += 1
                buffer.write(body)
        if self._finished:
            self._report()

    def _process_body(self, body):
        """The reply body for one chunk's CSV ``body``: every record, in order, our columns
        appended. A record that gains nothing (the usual case) or only new columns goes out as
        its own CSV text plus the new cells; only a record whose existing columns change (or a
        malformed one) is re-serialised, through csv.writer."""
        stand_in = nul_stand_in(body)
        if stand_in is not None:
            body = body.replace("\0", stand_in)
        text = self._scan_records(body)
        if text is None:                    # not plain enough for the scanner: read it all as CSV
            text = self._read_records(body)
        return text if stand_in is None else text.replace(stand_in, "\0")

    def _layout(self, header):
        """How the records of ``header`` change, or None (with one warning per search) when
        they lack our ``field``: (its column, the new columns, (field, column, __mv_ twin's
        column or None) of the columns we replace)."""
        try:
            at = header.index(self.field)
        except ValueError:
            if not self._warned_no_field:
                self._warned_no_field = True
                self.write_warning(
                    f"no field {self.field} in the events; aclparse added nothing")
            return None
        columns = {name: i for i, name in enumerate(header)}
        # our fields the events don't carry yet: new columns (single-valued: no __mv_ twin)
        added = [name for name in FIELDS if name not in columns]
        replaced = [(name, columns[name], columns.get("__mv_" + name))
                    for name in FIELDS if name in columns]
        return at, added, replaced

    def _scan_records(self, body):
        """The reply for a body whose header has no quoted name and whose records are all
        well-formed (``csvscan.record_regex``), or None. One regex pass finds every record's text and
        its ``field`` cell, with no list of cells per record."""
        header_end = body.find("\n") + 1 or len(body)
        if '"' in body[:header_end]:
            return None
        header = next(csv.reader([body[:header_end]], dialect=CsvDialect), None)
        if not header:
            return None
        layout = self._layout(header)
        if layout is None:
            return body
        at, added, replaced = layout
        records = scan(body, header_end, len(header), (at,))
        if records is None:
            return None                     # a record the regex does not read: csv.reader will

        out = []
        put = out.append
        rewrite = self._rewriter(put, header, added, replaced)
        blanks = [""] * len(added)
        no_cells = "," * len(added) + "\n"   # a record's new cells when it gains nothing
        commas = len(added) - 1
        replaced_names = frozenset(name for name, _, _ in replaced)
        parse = parse_event
        failed = 0

        for text, quoted, plain in records:   # the record (no line end), its field's cell
            try:
                event = parse(quoted.replace('""', '"') if quoted else plain)
                if not (event is None or isinstance(event, dict)):
                    raise TypeError(f"parse_event returned {type(event).__name__}")
            except Exception:  # a parser bug must not fail the search: count it, pass the row on
                failed += 1
                event = None

            if event is None:
                put(text)
                put(no_cells)
                continue
            if added and replaced_names.isdisjoint(event):
                try:
                    cells = ",".join(map(event.get, added, blanks))
                except TypeError:                    # a value that is not a str
                    cells = '"'
                if cells.count(",") == commas and not (
                        '"' in cells or "\n" in cells or "\r" in cells):
                    put(text)
                    put(",")
                    put(cells)
                    put("\n")
                    continue
            rewrite(next(csv.reader([text], dialect=CsvDialect)), event)

        self._failed_records += failed
        return "".join(out)

    def _read_records(self, body):
        """The reply for any body csv.reader reads: records as ``_scan_records`` gives them,
        but each cut into cells by csv.reader; ragged ones padded or cut to the header."""
        # The body's lines, ends kept (split at "\n" only). csv.reader reads them one record at
        # a time and its line_num tells which lines the record spans (several when a value holds
        # newlines, as multivalue fields do), so the record's CSV text can go out as it came.
        lines = StringIO(body).readlines()
        rows = csv.reader(lines, dialect=CsvDialect)
        header = next(rows, None)
        if header is None:
            return ""
        layout = self._layout(header)
        if layout is None:
            return body
        at, added, replaced = layout
        width = len(header)
        no_cells = "," * len(added) + "\n"
        out = []
        put = out.append
        rewrite = self._rewriter(put, header, added, replaced)
        done = rows.line_num                         # lines read so far
        for row in rows:
            end = rows.line_num
            text = "".join(lines[done:end])
            done = end
            intact = len(row) == width
            if not intact:                           # ragged row: pad or cut to the header
                row = (row + [""] * width)[:width]
            event = self._parse(row[at])
            if event is None and intact:
                put(text.rstrip("\r\n"))
                put(no_cells)
            else:
                rewrite(row, event)
        return "".join(out)

    @staticmethod
    def _rewriter(put, header, added, replaced):
        """Writes the reply's header through ``put`` and returns ``rewrite(row, event)``, which
        writes a record's cells with ``event``'s values set (None: ours left empty)."""
        writerow = csv.writer(_Appender(put), dialect=CsvDialect).writerow
        writerow(header + added)
        blanks = [""] * len(added)

        def rewrite(row, event):
            if event is None:
                row += blanks
            else:
                row += map(event.get, added, blanks)
                for name, i, mv in replaced:
                    value = event.get(name)
                    if value is not None:           # ours replaces; absent keeps the original
                        row[i] = value
                        if mv is not None:
                            row[mv] = ""
            writerow(row)

        return rewrite

    def _report(self):
        """The one warning of a search about what failed (sent with the last chunk)."""
        failed = []
        if self._failed_records:
            failed.append(f"{self._failed_records} record(s)")
        if self._failed_chunks:
            failed.append(f"{self._failed_chunks} whole chunk(s) of records")
        if failed:
            self.write_warning(
                f"aclparse could not parse {' and '.join(failed)}; "
                "they were passed through unchanged")
        self._failed_records = self._failed_chunks = 0


if __name__ == "__main__":
    fewer_collections()
    widen_pipes()
    dispatch(AclParseCommand, sys.argv, sys.stdin, sys.stdout, __name__)
