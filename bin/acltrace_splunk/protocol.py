"""The Search Command Protocol v2 (chunked): what every acltrace search command speaks to splunkd.

splunkd starts ``bin/<command>.py`` (commands.conf: ``chunked = true``) and talks to it in chunks over
its standard input and output, each chunk::

    chunked 1.0,<metadata length>,<body length>\\n<metadata: one JSON object><body: CSV>

lengths in bytes, the body UTF-8. First ``getinfo``: metadata only (``action``, ``preview``,
``searchinfo``: the command's ``args``, ``dispatch_dir``, ``session_key``, ``splunkd_uri``, ``app``,
...). The command takes its options from the args and answers what it is: ``type`` (``streaming``:
may run on the indexers; ``stateful``: streaming, once, on the search head; ``events``;
``reporting``: transforming), ``generating: false``, ``required_fields`` where it names them, and
``inspector.messages`` (``[["WARN", "text"], ...]``; levels DEBUG, INFO, WARN, ERROR). An option it
cannot take is an ERROR message there, and the process exits (status 1). Then ``execute`` chunks:
records as CSV, every field with a ``__mv_<field>`` twin column that holds a multivalue field's
values as ``$one$;$two$`` (``$$`` for a literal ``$``; the field itself has them one per line).
splunkd waits for the reply to each (``{"finished": bool, "inspector": {...}}`` and a CSV body)
before it sends the next; the last has ``"finished": true``, and its reply ends the session.

Leniency. Metadata keys we do not know are ignored; so are blank lines between chunks and whitespace
around the header's numbers; an empty body is no records; a session that starts with ``execute``
(no ``getinfo``: a replay, say) runs with the default options and still ends at ``finished``. A
command's unexpected exception is an ERROR message and exit status 1, its traceback on stderr
(splunkd's search.log), never on stdout, which only ever carries chunks (a stray ``print``
goes to stderr).

A command is a ``Command``: it gets each chunk's body as one str (decoded once, bad bytes as U+FFFD
as splunklib does) and returns the reply's CSV as one str, which is encoded once and written as it
is; as a list of its pieces (aclparse's records' own text and its cells: no dict per record, and no
join of the whole reply), encoded a few thousand pieces at a time; or as a binary file copied from
disk (backscatter's whole search, in its last reply, when it spilled to disk).
``RecordCommand`` is the same over records as dicts (``read_records``, ``write_records``), for the
commands whose records are few or whose work dwarfs their reading. The loop also owns the garbage
collector's schedule (``Command.collect``) and the pipes' size (``pipes``).
"""
import csv
import gc
import io
import json
import os
import re
import shutil
import sys
import traceback
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from types import SimpleNamespace
from typing import Any, BinaryIO, Callable, NamedTuple, Optional, Union

from acltrace.gcpolicy import fewer_collections
from acltrace_splunk.csvscan import nul_stand_in
from acltrace_splunk.pipes import widen_pipes

# A cell may be as big as an event (TRUNCATE = 0 allows any size); csv's default limit is 128 KiB.
csv.field_size_limit(2**31 - 1)

_HEADER = re.compile(rb"[ \t]*chunked[ \t]+1\.0[ \t]*,[ \t]*(\d+)[ \t]*,[ \t]*(\d+)[ \t]*\r?\n")
_MAX_HEADER = 1024                  # bytes: a header line is ~30


class ProtocolError(Exception):
    """The input is not SCP v2 chunks."""


class CommandError(Exception):
    """A command cannot run as asked (an option's value, say): its text is the ERROR message."""


class Dialect(csv.Dialect):
    """splunkd's CSV. Lines end "\\r\\n" when we write: then csv quotes a cell holding a bare "\\r"."""

    delimiter = ","
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL
    strict = False


# -- chunks -----------------------------------------------------------------------------------------

class Chunk(NamedTuple):
    metadata: dict
    body: bytes


def read_chunk(stream) -> Optional[Chunk]:
    """The next chunk of a binary ``stream``, or None at its end."""
    line = stream.readline(_MAX_HEADER)
    while line and not line.strip():            # blank lines between chunks
        line = stream.readline(_MAX_HEADER)
    if not line:
        return None
    match = _HEADER.fullmatch(line)
    if match is None:
        raise ProtocolError(f"not a chunk header: {line[:80]!r}")
    metadata = _read_exactly(stream, int(match.group(1)))
    body = _read_exactly(stream, int(match.group(2)))
    try:
        metadata = json.loads(metadata.decode("utf-8")) if metadata.strip() else {}
    except ValueError as error:                  # UnicodeDecodeError is one
        raise ProtocolError(f"chunk metadata is not JSON: {error}") from None
    if not isinstance(metadata, dict):
        raise ProtocolError("chunk metadata is not a JSON object")
    return Chunk(metadata, body)


def _read_exactly(stream, size: int) -> bytes:
    data = stream.read(size) if size else b""
    if len(data) != size:
        raise ProtocolError(f"the input ended {size - len(data)} bytes into a chunk")
    return data


_PIECES = 4096                # pieces of a reply encoded at once (a few MB of a large reply)


def write_chunk(stream, metadata: dict, body: Union[str, list, BinaryIO] = "") -> None:
    """Write one chunk to a binary ``stream`` and flush it. ``body``: CSV text, a list of its pieces
    (a large reply: encoded a few thousand at a time, never joined whole), or a binary file of it
    (copied from its start, then closed: a reply larger than memory)."""
    meta = json.dumps(metadata, separators=(",", ":")).encode("utf-8")
    if isinstance(body, str):
        data = body.encode("utf-8", "replace")
        stream.write(b"chunked 1.0,%d,%d\n%s" % (len(meta), len(data), meta))
        if data:
            stream.write(data)                   # the body as it is: no copy of tens of MB
    elif isinstance(body, list):
        size = sum(len(piece) if piece.isascii() else len(piece.encode("utf-8", "replace")) for piece in body)
        stream.write(b"chunked 1.0,%d,%d\n%s" % (len(meta), size, meta))
        for start in range(0, len(body), _PIECES):
            stream.write("".join(body[start:start + _PIECES]).encode("utf-8", "replace"))
    else:
        with body:
            size = body.seek(0, os.SEEK_END)
            body.seek(0)
            stream.write(b"chunked 1.0,%d,%d\n%s" % (len(meta), size, meta))
            shutil.copyfileobj(body, stream, 2**20)
    stream.flush()


# -- records ----------------------------------------------------------------------------------------

def read_rows(text: str) -> Iterator[list]:
    """The rows of CSV ``text`` as csv.reader reads them, the header first: on any Python (NULs are
    swapped for a character the text lacks while csv reads it: Python < 3.11 refuses them) and for
    cells of any size."""
    if not text:
        return iter(())
    stand_in = nul_stand_in(text)
    if stand_in is not None:
        text = text.replace("\0", stand_in)
    # one line (a record's own text, say) needs no file; lines are split at "\n", "\r" and "\r\n"
    lines = io.StringIO(text, newline="") if "\n" in text or "\r" in text else (text,)
    rows = csv.reader(lines, Dialect)
    if stand_in is None:
        return rows
    return ([cell.replace(stand_in, "\0") for cell in row] for row in rows)


def read_rows_with_text(text: str) -> Iterator[tuple]:
    """(cells, the record's CSV text as it came, line end included) for each row of ``text``, the
    header first; as ``read_rows`` reads them. The text is the lines (split at "\\n") the row spans:
    several when a value holds line breaks, as multivalue fields do."""
    lines = io.StringIO(text).readlines()
    stand_in = nul_stand_in(text)
    source = lines if stand_in is None else [line.replace("\0", stand_in) for line in lines]
    rows = csv.reader(source, Dialect)
    done = 0
    for row in rows:
        end = rows.line_num
        if stand_in is not None:
            row = [cell.replace(stand_in, "\0") for cell in row]
        yield row, "".join(lines[done:end])
        done = end


MV_PREFIX = "__mv_"
_MV_VALUE = re.compile(r"\$((?:[^$]|\$\$)*)\$")


def decode_mv(text: str) -> list:
    """The values of a ``__mv_`` cell: ``$a$;$b$$c$`` -> ``["a", "b$c"]``."""
    return [value.replace("$$", "$") for value in _MV_VALUE.findall(text)]


def encode_mv(values: Iterable[str]) -> str:
    """A ``__mv_`` cell for ``values``."""
    return ";".join("$" + value.replace("$", "$$") + "$" for value in values)


def read_records(text: str) -> Iterator[dict]:
    """The records of a CSV body as dicts, field -> str, or -> list of str for a multivalue field
    (one whose ``__mv_`` twin is filled); the twin columns themselves are not fields. A row shorter
    than the header lacks the fields it does not reach."""
    rows = read_rows(text)
    header = next(rows, None)
    if not header:
        return
    twins = [(i, name[len(MV_PREFIX):]) for i, name in enumerate(header) if name.startswith(MV_PREFIX)]
    if not twins:
        for row in rows:
            yield dict(zip(header, row))
        return
    plain = [(i, name) for i, name in enumerate(header) if not name.startswith(MV_PREFIX)]
    for row in rows:
        width = len(row)
        record = {name: row[i] for i, name in plain if i < width}
        for i, name in twins:
            if i < width and row[i]:
                record[name] = decode_mv(row[i])
        yield record


def _cell(value) -> Optional[str]:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def write_records(records: Iterable[dict]) -> str:
    """The CSV body of ``records`` (dicts as ``read_records`` gives them; numbers and booleans as
    text, None empty): a column per field any record has, in order of first appearance, and a
    ``__mv_`` twin for each field that holds more than one value in some record. Empty for no records."""
    records = list(records)
    if not records:
        return ""
    names = list(dict.fromkeys(chain.from_iterable(records)))
    multi = {name for record in records for name, value in record.items()
             if isinstance(value, (list, tuple)) and len(value) > 1}
    twins = [name for name in names if name in multi]
    out = io.StringIO()
    writerow = csv.writer(out, Dialect).writerow
    writerow(names + [MV_PREFIX + name for name in twins])
    for record in records:
        row = []
        mv = {}
        for name in names:
            value = record.get(name)
            if isinstance(value, (list, tuple)):
                values = [_cell(v) or "" for v in value]
                if len(values) > 1:
                    mv[name] = encode_mv(values)
                value = "\n".join(values)
            row.append(_cell(value))
        writerow(row + [mv.get(name) for name in twins])
    return out.getvalue()


# -- options ----------------------------------------------------------------------------------------

class Option(NamedTuple):
    """A command option, ``name=value`` in the search: ``validate`` turns the text into the value or
    raises ValueError (then the search stops with ``Illegal value: name=value``)."""

    name: str
    default: Any = None
    validate: Optional[Callable[[str], Any]] = None
    doc: str = ""


_FIELDNAME = re.compile(r"[_.a-zA-Z-][_.a-zA-Z0-9-]*")


def fieldname(text: str) -> str:
    """A field name: letters, digits, ``_``, ``.``, ``-``, not starting with a digit."""
    if _FIELDNAME.fullmatch(text) is None:
        raise ValueError(f"not a field name: {text!r}")
    return text


def one_of(*choices: str) -> Callable[[str], str]:
    """A validator that takes only ``choices``."""
    def validate(text: str) -> str:
        if text not in choices:
            raise ValueError(f"not one of {', '.join(choices)}: {text!r}")
        return text
    return validate


def parse_args(options: Sequence[Option], args: Iterable[Any]) -> tuple:
    """(the option values by name, error messages) for a command's ``args`` as splunkd gives them
    (``name=value`` words; a word without ``=`` is a field name, which our commands do not take and
    ignore)."""
    known = {option.name: option for option in options}
    values = {option.name: option.default for option in options}
    errors = []
    for arg in args:
        name, sep, text = str(arg).partition("=")
        if not sep:
            continue
        option = known.get(name)
        if option is None:
            errors.append(f"Unrecognized option: {name}={text}")
            continue
        try:
            values[name] = option.validate(text) if option.validate else text
        except ValueError:
            errors.append(f"Illegal value: {name}={text}")
    return values, errors


# -- commands ---------------------------------------------------------------------------------------

FEWER_COLLECTIONS = "fewer collections"
BETWEEN_CHUNKS = "between chunks"
COLLECT_AFTER_BYTES = 256 * 2**20


class Command:
    """A search command: its getinfo settings (class attributes), ``prepare`` and ``execute``.

    ``collect`` is its garbage collector's schedule: None (Python's), ``FEWER_COLLECTIONS``
    (``acltrace.gcpolicy.fewer_collections``: a loop that holds little) or ``BETWEEN_CHUNKS``:
    for a command that holds many objects across chunks (backscatter's aggregates), where a collection
    walks all of them and finds nothing to free: no automatic collection, and a full one after the
    reply to the chunk that brings the bodies read since the last one to ``COLLECT_AFTER_BYTES``
    (~500,000 wide records; a safety net for a stray cycle, an exception's traceback say), while
    splunkd reads the reply.
    """

    name = "command"
    type = "streaming"                       # streaming, stateful, events or reporting
    required_fields: Optional[Sequence[str]] = None
    run_in_preview: Optional[bool] = None    # said only when set
    collect: Optional[str] = None

    def __init__(self, options: SimpleNamespace, searchinfo: dict):
        self.options = options
        self.searchinfo = searchinfo
        self.messages: list = []

    def getinfo(self) -> dict:
        info = {"type": self.type, "generating": False}
        if self.required_fields is not None:
            info["required_fields"] = list(self.required_fields)
        if self.run_in_preview is not None:
            info["run_in_preview"] = self.run_in_preview
        return info

    def warn(self, text: str) -> None:
        self.messages.append(["WARN", text])

    def info(self, text: str) -> None:
        self.messages.append(["INFO", text])

    def error(self, text: str) -> None:
        self.messages.append(["ERROR", text])

    def prepare(self) -> None:
        """Called once, before the getinfo reply: raise CommandError to refuse the options."""

    def execute(self, body: str, finished: bool) -> Union[str, list, BinaryIO]:
        """The reply's CSV for one execute chunk's CSV ``body`` (``finished``: the last chunk): text,
        a list of its pieces, or a binary file of it, which the loop sends from its start and closes."""
        raise NotImplementedError


class RecordCommand(Command):
    """A command over records as dicts (``read_records``): ``process`` yields the reply's records."""

    def execute(self, body: str, finished: bool) -> str:
        return write_records(self.process(read_records(body), finished))

    def process(self, records: Iterator[dict], finished: bool) -> Iterable[dict]:
        raise NotImplementedError


def _reply(finished: Optional[bool], messages: list) -> dict:
    metadata: dict = {} if finished is None else {"finished": finished}
    if messages:
        metadata["inspector"] = {"messages": list(messages)}
        messages.clear()
    return metadata


def _failure(error: BaseException) -> str:
    """The ERROR message of an unexpected exception; its traceback goes to stderr."""
    traceback.print_exception(type(error), error, error.__traceback__, file=sys.stderr)
    frames = traceback.extract_tb(error.__traceback__)
    where = f" ({frames[-1].filename.rsplit('/', 1)[-1]}, line {frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {error}{where}"


def serve(command_class, options: Sequence[Option], stdin, stdout, **settings) -> int:
    """Answer splunkd's chunks from binary ``stdin`` on ``stdout`` with a ``command_class`` made
    with the options' values and ``settings``; the process's exit status."""
    collect = command_class.collect
    if collect == FEWER_COLLECTIONS:
        fewer_collections()
    elif collect == BETWEEN_CHUNKS:
        gc.disable()
    try:
        chunk = read_chunk(stdin)
    except ProtocolError as error:
        write_chunk(stdout, {"finished": True, "inspector": {"messages": [["ERROR", str(error)]]}})
        return 1
    if chunk is None:
        return 0
    searchinfo = chunk.metadata.get("searchinfo")
    searchinfo = searchinfo if isinstance(searchinfo, dict) else {}
    args = searchinfo.get("args")
    values, errors = parse_args(options, args if isinstance(args, list) else [])
    command = command_class(SimpleNamespace(**values), searchinfo, **settings)
    command.messages.extend(["ERROR", text] for text in errors)
    if not errors:
        try:
            command.prepare()
        except CommandError as error:
            errors.append(str(error))
            command.error(str(error))
        except Exception as error:  # any failure is the search's error message
            errors.append(_failure(error))
            command.error(errors[-1])

    read = 0
    while chunk is not None:
        metadata, body = chunk
        action = metadata.get("action")
        if action == "getinfo":
            write_chunk(stdout, {**command.getinfo(), **_reply(None, command.messages)})
            if errors:
                return 1
        else:
            finished = bool(metadata.get("finished"))
            if errors:                           # no getinfo came to carry them
                write_chunk(stdout, _reply(True, command.messages))
                return 1
            reply = ""
            if action == "execute":
                try:
                    reply = command.execute(body.decode("utf-8", "replace"), finished)
                except Exception as error:  # our bug: say so, and stop
                    command.error(_failure(error))
                    write_chunk(stdout, _reply(True, command.messages))
                    return 1
            write_chunk(stdout, _reply(finished, command.messages), reply)
            if finished:
                return 0
            if collect == BETWEEN_CHUNKS:
                read += len(body)
                if read >= COLLECT_AFTER_BYTES:
                    read = 0
                    gc.collect()
        try:
            chunk = read_chunk(stdin)
        except ProtocolError as error:
            command.error(str(error))
            write_chunk(stdout, _reply(True, command.messages))
            return 1
    return 0


def run(command_class, options: Sequence[Option] = (), **settings) -> None:
    """Serve splunkd on this process's standard input and output, then exit: a command script's
    ``__main__``. ``settings`` go to the command's constructor."""
    widen_pipes()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr                  # a stray print must not break a chunk
    try:
        status = serve(command_class, options, stdin, stdout, **settings)
    except (BrokenPipeError, ConnectionResetError):   # splunkd stopped reading (| head 10, say)
        os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())   # nothing to flush at exit
        status = 0
    sys.exit(status)
