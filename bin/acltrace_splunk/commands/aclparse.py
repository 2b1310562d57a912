"""aclparse's record path: every record of a chunk back, in order, with the ACL fields of its ``field``.

An ACL event gains the ``acltrace.logs.fields.FIELDS`` columns its message carries (replacing
same-named columns, e.g. a ``src_ip`` props already extracted), and ``dvc`` is the record's ``host``
where the message names no device (an IOS line without ``logging origin-id``); any other event passes
through untouched. The domain work is one call to ``acltrace.logs.parser.parse_event`` per record.

A dict per record and every value re-encoded would cost more than parsing the event, so the records
stay text: the ``field`` column is found once per chunk, one ``csvscan`` regex pass over the body
gives each record's CSV text and that one cell (no list of cells per record), the parser runs on the
cell, and the record goes out as its own text (``__mv_`` twins and all) with our cells appended; only
a record whose existing columns change goes through ``csv.reader`` and ``csv.writer``. A chunk the
regex does not read whole (a ragged record, say) is read with ``csv.reader``
instead, to the same effect (``protocol.read_rows_with_text``).

One bad record never fails the search: it passes through unchanged, and failures are counted and
reported once, as a single warning in the last chunk's reply. A chunk we cannot read at all comes
back as it came.
"""
import csv

from acltrace.logs.fields import FIELDS
from acltrace.logs.parser import parse_event
from acltrace_splunk.csvscan import body_header, scan
from acltrace_splunk.protocol import FEWER_COLLECTIONS, Command, Dialect, read_rows, read_rows_with_text


class _Appender:
    """A file for csv.writer that appends what it writes to a list."""

    __slots__ = ("write",)

    def __init__(self, append):
        self.write = append


class AclParse(Command):
    name = "aclparse"
    type = "streaming"                       # distributable: it runs on the indexers
    collect = FEWER_COLLECTIONS              # it holds nothing between records

    def __init__(self, options, searchinfo):
        super().__init__(options, searchinfo)
        self.field = options.field
        self.failed_records = 0              # records the parser raised on (reported once, at the end)
        self.failed_chunks = 0               # chunks passed back unprocessed (CSV we could not read)
        self.warned_no_field = False

    def execute(self, body, finished):
        reply = body
        if body:
            failed = self.failed_records
            try:
                reply = self.process_body(body)
            except Exception:  # unreadable CSV, or our bug: this chunk goes back as it came
                self.failed_records = failed
                self.failed_chunks += 1
                reply = body
        if finished:
            self.report()
        return reply

    def process_body(self, body):
        """The reply body, as a list of its pieces (``protocol.write_chunk``), for one chunk's CSV
        ``body``: every record, in order, our columns appended. A record that
        gains nothing (the usual case) or only new columns goes out as its own CSV text plus the
        new cells; only a record whose existing columns change (or a malformed one) is
        re-serialised, through csv.writer."""
        text = self.scan_records(body)
        if text is None:                    # not plain enough for the scanner: read it all as CSV
            text = self.read_records(body)
        return text

    def parse(self, raw):
        """The core's event for ``raw``, or None (not an ACL message, or the parser failed: counted)."""
        try:
            event = parse_event(raw)
            if event is None or isinstance(event, dict):
                return event
            raise TypeError(f"parse_event returned {type(event).__name__}")
        except Exception:  # a parser bug must not fail the search: count it, pass the event on
            self.failed_records += 1
            return None

    def layout(self, header):
        """How the records of ``header`` change, or None (with one warning per search) when
        they lack our ``field``: (its column, the ``host`` column or None, the new columns, (field,
        column, __mv_ twin's column or None) of the columns we replace)."""
        try:
            at = header.index(self.field)
        except ValueError:
            if not self.warned_no_field:
                self.warned_no_field = True
                self.warn(f"no field {self.field} in the events; aclparse added nothing")
            return None
        columns = {name: i for i, name in enumerate(header)}
        # our fields the events don't carry yet: new columns (single-valued: no __mv_ twin)
        added = [name for name in FIELDS if name not in columns]
        replaced = [(name, columns[name], columns.get("__mv_" + name))
                    for name in FIELDS if name in columns]
        return at, columns.get("host"), added, replaced

    def scan_records(self, body):
        """The reply for a body whose header is one line (``csvscan.body_header``: splunkd's quoted names
        too) and whose records are all well-formed (``csvscan.record_regex``: plain or quoted cells),
        or None. One regex pass finds every record's text and its ``field`` cell, with no list of
        cells per record."""
        found = body_header(body)
        if found is None:
            return None
        header, header_end = found
        layout = self.layout(header)
        if layout is None:
            return body
        at, host_at, added, replaced = layout
        read = (at,) if host_at is None or host_at == at else tuple(sorted((at, host_at)))
        records = scan(body, header_end, len(header), read)
        if records is None:
            return None                     # a record the regex does not read: csv.reader will
        cell = 1 + 2 * read.index(at)       # the groups of the field's cell: quoted inside, plain
        host_cell = 1 + 2 * read.index(host_at) if host_at in read else None

        out = []
        put = out.append
        rewrite = self.rewriter(put, header, added, replaced)
        blanks = [""] * len(added)
        no_cells = "," * len(added) + "\n"   # a record's new cells when it gains nothing
        commas = len(added) - 1
        replaced_names = frozenset(name for name, _, _ in replaced)
        parse = parse_event
        failed = 0

        for record in records:               # the record (no line end), then its cells we read
            text, quoted, plain = record[0], record[cell], record[cell + 1]
            try:
                event = parse(quoted.replace('""', '"') if quoted else plain)
                if not (event is None or isinstance(event, dict)):
                    raise TypeError(f"parse_event returned {type(event).__name__}")
            except Exception:  # a parser bug must not fail the search: count it, pass the row on
                failed += 1
                event = None
            if event is not None and host_cell and "dvc" not in event:
                host = record[host_cell].replace('""', '"') or record[host_cell + 1]
                if host:
                    event["dvc"] = host

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
            rewrite(next(read_rows(text)), event)

        self.failed_records += failed
        return out

    def read_records(self, body):
        """The reply for any body csv.reader reads: records as ``scan_records`` gives them, but
        each cut into cells by csv.reader; ragged ones padded or cut to the header."""
        rows = read_rows_with_text(body)
        header = next(rows, (None,))[0]
        if header is None:
            return ""
        layout = self.layout(header)
        if layout is None:
            return body
        at, host_at, added, replaced = layout
        width = len(header)
        no_cells = "," * len(added) + "\n"
        out = []
        put = out.append
        rewrite = self.rewriter(put, header, added, replaced)
        for row, text in rows:
            intact = len(row) == width
            if not intact:                           # ragged row: pad or cut to the header
                row = (row + [""] * width)[:width]
            event = self.parse(row[at])
            if event is not None and host_at is not None and "dvc" not in event and row[host_at]:
                event["dvc"] = row[host_at]
            if event is None and intact:
                put(text.rstrip("\r\n"))
                put(no_cells)
            else:
                rewrite(row, event)
        return out

    @staticmethod
    def rewriter(put, header, added, replaced):
        """Writes the reply's header through ``put`` and returns ``rewrite(row, event)``, which
        writes a record's cells with ``event``'s values set (None: ours left empty)."""
        writerow = csv.writer(_Appender(put), Dialect).writerow
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

    def report(self):
        """The one warning of a search about what failed (sent with the last chunk)."""
        failed = []
        if self.failed_records:
            failed.append(f"{self.failed_records} record(s)")
        if self.failed_chunks:
            failed.append(f"{self.failed_chunks} whole chunk(s) of records")
        if failed:
            self.warn(f"aclparse could not parse {' and '.join(failed)}; "
                      "they were passed through unchanged")
        self.failed_records = self.failed_chunks = 0
