"""Drive a search command script through the Search Command Protocol v2, as splunkd does.

splunkd runs ``<python> bin/<script>.py`` (no arguments, cwd = the script's directory), then
talks in chunks, each ``chunked 1.0,<metadata length>,<body length>\\n<metadata><body>``:
a JSON metadata object and a CSV body, lengths in bytes. It sends ``getinfo`` (metadata only:
the search, the command's args, the dispatch directory, ...) and reads the command's reply
(its type, ``required_fields``, ``inspector.messages``; an error in the arguments comes back as
an ERROR message, and the command exits). It then sends ``execute`` chunks of records (CSV
with a ``__mv_<field>`` twin column per field, filled for multivalue fields), the last one with
``"finished": true``, and waits for the reply to each before it sends the next.

    result = run_command("aclparse", ["field=_raw"], [[{"_raw": "..."}], [...]])
    result.getinfo["type"], result.records, result.messages, result.returncode

``replay_recording`` feeds a raw recorded splunkd stdin (see tests/data/splunkd_recordings);
``run_chunks`` sends chunks made by hand (``encode_chunk``, or bytes with odd headers).
"""
import csv
import gzip
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Union

REPO = Path(__file__).resolve().parents[2]
BIN = REPO / "bin"

csv.field_size_limit(2**31 - 1)   # records may be large (a 1 MiB _raw); splunkd sets no such limit

_HEADER = re.compile(rb"chunked\s+1\.0\s*,\s*(\d+)\s*,\s*(\d+)\s*\n")

Record = dict[str, Any]          # field -> str, or a list of str for a multivalue field
ChunkInput = Union[Sequence[Record], bytes, str]   # records, or a ready CSV body


class Chunk:
    """One reply chunk of the command; its CSV body is parsed when first looked at."""

    def __init__(self, metadata: dict[str, Any], body: bytes):
        self.metadata = metadata
        self.body = body
        self._parsed: Optional[tuple[list[str], list[dict[str, str]]]] = None

    @property
    def header(self) -> list[str]:
        if self._parsed is None:
            self._parsed = parse_body(self.body)
        return self._parsed[0]

    @property
    def rows(self) -> list[dict[str, str]]:
        if self._parsed is None:
            self._parsed = parse_body(self.body)
        return self._parsed[1]

    def __repr__(self):
        return f"Chunk({self.metadata!r}, <{len(self.body)} bytes>)"

    @property
    def messages(self) -> list[tuple[str, str]]:
        return [tuple(m) for m in (self.metadata.get("inspector") or {}).get("messages", [])]


@dataclass
class Result:
    getinfo: dict[str, Any]              # the getinfo reply's metadata ({} if none came)
    chunks: list[Chunk]                  # the replies to the execute chunks, in order
    returncode: Optional[int]
    stderr: str
    execute_seconds: float = 0.0         # from the first execute chunk sent to the last reply read
    execute_cpu_seconds: float = 0.0     # the child's CPU time over the same span (/proc, 10 ms ticks)
    maxrss_kb: int = 0                   # the child's peak resident set, KiB (VmHWM)
    getinfo_chunk: Optional[Chunk] = None

    @property
    def records(self) -> list[dict[str, str]]:
        return [row for chunk in self.chunks for row in chunk.rows]

    @property
    def messages(self) -> list[tuple[str, str]]:
        """(level, text) of every inspector message, getinfo reply included."""
        found = list(self.getinfo_chunk.messages) if self.getinfo_chunk else []
        for chunk in self.chunks:
            found.extend(chunk.messages)
        return found

    def messages_at(self, level: str) -> list[str]:
        return [text for lvl, text in self.messages if lvl == level]


# -- encoding, as splunkd does ------------------------------------------------------------------

def encode_chunk(metadata: dict[str, Any], body: Union[bytes, str] = b"") -> bytes:
    meta = json.dumps(metadata, separators=(",", ":")).encode("utf-8")
    if isinstance(body, str):
        body = body.encode("utf-8")
    return b"chunked 1.0,%d,%d\n" % (len(meta), len(body)) + meta + body


def records_to_csv(records: Sequence[Record], mv_twins: bool = True) -> str:
    """A CSV body as splunkd writes it: every field (in order of first appearance) followed by
    its ``__mv_`` twins, ``\\n`` line ends; a list value is a multivalue field (the field holds
    the values joined by newlines, the twin ``$v1$;$v2$``)."""
    if not records:
        return ""
    names: list[str] = []
    seen = set()
    for record in records:
        for name in record:
            if name not in seen:
                seen.add(name)
                names.append(name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    twins = ["__mv_" + n for n in names if "__mv_" + n not in seen] if mv_twins else []
    writer.writerow(names + twins)
    for record in records:
        values, mv = [], {}
        for name in names:
            value = record.get(name)
            if isinstance(value, (list, tuple)):
                mv["__mv_" + name] = ";".join("${}$".format(v.replace("$", "$$")) for v in value)
                value = "\n".join(value)
            values.append("" if value is None else str(value))
        writer.writerow(values + [mv.get(t, "") for t in twins])
    return out.getvalue()


def quote_as_splunkd(body: str) -> str:
    """``body`` (CSV) quoted as splunkd 8.0.3 quotes (tests/data/splunkd_recordings): the names that
    start with "_" and every value that is not empty; "\n" line ends."""
    rows = csv.reader(io.StringIO(body, newline=""))
    header = next(rows, None)
    if header is None:
        return ""
    lines = [",".join(f'"{name}"' if name.startswith("_") else name for name in header)]
    lines += [",".join('"' + cell.replace('"', '""') + '"' if cell else "" for cell in row) for row in rows]
    return "\n".join(lines) + "\n"


def parse_body(body: bytes) -> tuple[list[str], list[dict[str, str]]]:
    if not body:
        return [], []
    rows = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    header = next(rows, [])
    return header, [dict(zip(header, row)) for row in rows]


def getinfo_metadata(command: str, args: Sequence[str], dispatch_dir: str,
                     **searchinfo: Any) -> dict[str, Any]:
    info = {
        "args": list(args),
        "raw_args": list(args),
        "dispatch_dir": dispatch_dir,
        "sid": "1700000000.42",
        "app": "acltrace",
        "owner": "admin",
        "username": "admin",
        "splunk_version": "9.3.0",
        "splunkd_uri": "https://127.0.0.1:8089",
        "session_key": "test-session-key",
        "search": "search index=network | " + " ".join([command, *args]),
        "command": command,
        "earliest_time": 0,
        "latest_time": 0,
        "maxresultrows": 50000,
    }
    info.update(searchinfo)
    return {"action": "getinfo", "preview": False, "streaming_command_will_restart": False,
            "searchinfo": info}


# -- the exchange ---------------------------------------------------------------------------------

class Session:
    """One running command: send a chunk, read its reply."""

    def __init__(self, script: Union[str, Path], python: Optional[str] = None,
                 env: Optional[dict[str, str]] = None):
        path = Path(script)
        if not path.suffix:
            path = BIN / (path.name + ".py")
        if not path.is_absolute():
            path = REPO / path
        child_env = {k: v for k, v in os.environ.items()
                     if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
        child_env.update(env or {})
        self._stderr = tempfile.TemporaryFile()   # a file, so a chatty child never blocks
        self.proc = subprocess.Popen(
            [python or sys.executable, str(path)], cwd=str(path.parent), env=child_env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr)
        self.returncode: Optional[int] = None
        self.maxrss_kb = 0

    def exchange(self, data: bytes) -> Optional[Chunk]:
        """Send one chunk and read the reply; None when the command has gone (it exited)."""
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except (BrokenPipeError, ConnectionResetError):
            return None
        return self.read()

    def read(self) -> Optional[Chunk]:
        out = self.proc.stdout
        line = out.readline()
        if not line:
            return None
        match = _HEADER.match(line)
        if match is None:
            raise AssertionError(f"not an SCP v2 chunk header: {line[:200]!r}")
        meta = out.read(int(match.group(1)))
        body = out.read(int(match.group(2)))
        return Chunk(json.loads(meta.decode("utf-8")) if meta else {}, body)

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the child has used so far, from /proc (0.0 without it)."""
        try:
            with open(f"/proc/{self.proc.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return 0.0

    def peak_rss_kb(self) -> int:
        """The child's peak resident set since it exec'd (VmHWM), while it still runs: a
        child's ru_maxrss would count the parent's memory it shared between fork and exec."""
        try:
            with open(f"/proc/{self.proc.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except (OSError, ValueError):
            pass
        return 0

    def close(self, timeout: float = 60) -> str:
        self.maxrss_kb = self.peak_rss_kb()
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        if self.proc.returncode is None:   # else Popen.poll() has reaped it already
            deadline = time.monotonic() + timeout
            while True:
                pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() > deadline:
                    self.proc.kill()
                    pid, status, usage = os.wait4(self.proc.pid, 0)
                    break
                time.sleep(0.005)
            self.proc.returncode = os.waitstatus_to_exitcode(status)
            self.maxrss_kb = self.maxrss_kb or usage.ru_maxrss   # no /proc: the best there is
        self.returncode = self.proc.returncode
        self.proc.stdout.close()
        self._stderr.seek(0)
        stderr = self._stderr.read().decode("utf-8", "replace")
        self._stderr.close()
        return stderr


def run_command(script: Union[str, Path], args: Sequence[str] = (),
                chunks: Iterable[ChunkInput] = (), python: Optional[str] = None,
                mv_twins: bool = True, env: Optional[dict[str, str]] = None,
                **searchinfo: Any) -> Result:
    """Run ``bin/<script>.py`` through getinfo and one execute chunk per item of ``chunks``
    (a list of record dicts, or a ready CSV body), the last one ``finished``.

    An empty ``chunks`` sends one empty ``finished`` chunk, as splunkd does for no results.
    """
    bodies = [c if isinstance(c, (bytes, str)) else records_to_csv(c, mv_twins)
              for c in chunks] or [b""]
    command = Path(script).stem
    with tempfile.TemporaryDirectory(prefix="dispatch-") as dispatch_dir:
        session = Session(script, python, env)
        getinfo = session.exchange(encode_chunk(
            getinfo_metadata(command, args, dispatch_dir, **searchinfo)))
        replies: list[Chunk] = []
        seconds = cpu = 0.0
        if getinfo is not None and session.proc.poll() is None:
            data = [encode_chunk({"action": "execute", "finished": i == len(bodies) - 1}, b)
                    for i, b in enumerate(bodies)]
            cpu = session.cpu_seconds()
            started = time.perf_counter()
            for chunk in data:
                reply = session.exchange(chunk)
                if reply is None:
                    break
                replies.append(reply)
            seconds = time.perf_counter() - started
            cpu = session.cpu_seconds() - cpu
        stderr = session.close()
    return Result(getinfo=getinfo.metadata if getinfo else {}, chunks=replies,
                  returncode=session.returncode, stderr=stderr, execute_seconds=seconds,
                  execute_cpu_seconds=cpu, maxrss_kb=session.maxrss_kb, getinfo_chunk=getinfo)


def run_chunks(script: Union[str, Path], chunks: Sequence[bytes], python: Optional[str] = None,
               env: Optional[dict[str, str]] = None) -> Result:
    """Send ready chunks (``encode_chunk``'s, or bytes made by hand: odd headers, no getinfo, ...)
    one at a time, each after the reply to the one before, then close the command's stdin. A first
    chunk whose action is getinfo has its reply in ``getinfo``, the others in ``chunks``; sending
    stops when the command has gone."""
    first = split_recording(chunks[0].lstrip())[0][0] if chunks else {}
    session = Session(script, python, env)
    replies: list[Chunk] = []
    started = time.perf_counter()
    for data in chunks:
        reply = session.exchange(data)
        if reply is None:
            break
        replies.append(reply)
    seconds = time.perf_counter() - started
    stderr = session.close()
    getinfo = replies.pop(0) if replies and first.get("action") == "getinfo" else None
    return Result(getinfo=getinfo.metadata if getinfo else {}, chunks=replies, returncode=session.returncode,
                  stderr=stderr, execute_seconds=seconds, maxrss_kb=session.maxrss_kb, getinfo_chunk=getinfo)


def split_recording(data: bytes) -> list[tuple[dict[str, Any], bytes, bytes]]:
    """The chunks of a recorded splunkd stdin: (metadata, body, the chunk's exact bytes)."""
    chunks, pos = [], 0
    while pos < len(data):
        match = _HEADER.match(data, pos)
        if match is None:
            raise ValueError(f"no chunk header at byte {pos}: {data[pos:pos + 60]!r}")
        meta_at = match.end()
        body_at = meta_at + int(match.group(1))
        end = body_at + int(match.group(2))
        chunks.append((json.loads(data[meta_at:body_at]), data[body_at:end], data[pos:end]))
        pos = end
    return chunks


def replay_recording(script: Union[str, Path], recording: Union[str, Path],
                     python: Optional[str] = None) -> tuple[Result, list[bytes]]:
    """Feed a recorded splunkd stdin (``.gz`` or plain) chunk by chunk, waiting for each reply.

    The getinfo chunk's ``dispatch_dir`` is pointed at a fresh temporary directory (and its
    ``command`` at the script); execute chunks go byte for byte. Returns the result and the
    recorded execute bodies, to compare records in with records out.
    """
    raw = Path(recording).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    chunks = split_recording(raw)
    (meta, _, _), executes = chunks[0], chunks[1:]
    if meta.get("action") != "getinfo":
        raise ValueError("a recording starts with getinfo")
    with tempfile.TemporaryDirectory(prefix="dispatch-") as dispatch_dir:
        meta["searchinfo"].update(dispatch_dir=dispatch_dir, command=Path(script).stem)
        session = Session(script, python)
        getinfo = session.exchange(encode_chunk(meta))
        replies = []
        started = time.perf_counter()
        if getinfo is not None:
            for _, _, exact in executes:
                reply = session.exchange(exact)
                if reply is None:
                    break
                replies.append(reply)
        seconds = time.perf_counter() - started
        stderr = session.close()
    result = Result(getinfo=getinfo.metadata if getinfo else {}, chunks=replies,
                    returncode=session.returncode, stderr=stderr, execute_seconds=seconds,
                    maxrss_kb=session.maxrss_kb, getinfo_chunk=getinfo)
    return result, [body for _, body, _ in executes]


def assert_ok(result):
    assert result.returncode == 0, result.stderr
    assert not result.messages_at("ERROR"), result.messages
    assert "Traceback" not in result.stderr
