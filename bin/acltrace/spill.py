"""Events waiting between two passes: in memory up to a stated limit, then on disk.

Batches (lists of tuples, dicts, text and numbers: what marshal carries) are kept as they are until
their sizes, as the caller counts them, pass ``memory`` bytes; from then on every batch goes to an
unnamed file (in ``folder``) as its length and its ``marshal.dumps``, read back whole with one
``read`` (``marshal.load`` on a file reads it a few bytes at a time). ``batches`` gives them back in
order; the file goes with ``close``.
"""
import marshal
import struct
import tempfile
from collections.abc import Iterator
from typing import Optional

_LENGTH = struct.Struct("<Q")
MEMORY = 256 * 2**20          # bytes of batches kept in memory before the spill goes to disk


class Spill:
    def __init__(self, folder: Optional[str] = None, memory: Optional[int] = None):
        self.folder = folder
        self.memory = MEMORY if memory is None else memory
        self.held = 0                 # bytes counted of the batches in memory
        self._batches: list = []
        self._file = None

    @property
    def on_disk(self) -> bool:
        return self._file is not None

    def write(self, batch: list, size: int) -> None:
        """Keep ``batch`` (``size``: about its bytes); past ``memory``, everything goes to disk."""
        if self._file is None:
            self.held += size
            self._batches.append(batch)
            if self.held <= self.memory:
                return
            self._file = tempfile.TemporaryFile(dir=self.folder)
            held, self._batches = self._batches, []
            for batch in held:
                self._dump(batch)
            return
        self._dump(batch)

    def _dump(self, batch: list) -> None:
        data = marshal.dumps(batch)
        self._file.write(_LENGTH.pack(len(data)))
        self._file.write(data)

    def batches(self) -> Iterator[list]:
        """The batches written, in order."""
        if self._file is None:
            yield from self._batches
            return
        read = self._file.read
        self._file.seek(0)
        while True:
            head = read(_LENGTH.size)
            if not head:
                return
            yield marshal.loads(read(_LENGTH.unpack(head)[0]))

    def close(self) -> None:
        self._batches = []
        if self._file is not None:
            self._file.close()

    def __enter__(self) -> "Spill":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
