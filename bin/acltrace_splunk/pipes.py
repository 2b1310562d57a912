"""What the search commands send to splunkd: the pipes, and the buffer a reply is written to."""
import sys
from io import StringIO


def widen_pipes():
    """Give the pipes to and from splunkd 1 MiB buffers instead of Linux's 64 KiB: a chunk of
    tens of MB then crosses in tens of steps, not hundreds, each a wait on the other process
    (bench/benchmark.py: about 0.8 us a wide record for backscatter)."""
    if not sys.platform.startswith("linux"):
        return
    import fcntl
    for stream in (sys.stdin, sys.stdout):
        try:
            fcntl.fcntl(stream.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
        except (OSError, ValueError, AttributeError):  # not a pipe, or over the user's pipe quota
            pass


class ReplyBuffer(StringIO):
    """The record writer's buffer for one chunk's reply, written in one piece.

    splunklib takes the text with ``getvalue()`` (a StringIO written once hands back that very
    string) and then clears the buffer with ``seek(0)`` and ``truncate()``, which would first copy
    the text into a 4-byte-per-character array (about 1 us a wide record); here clearing it all
    just lets the text go."""

    def truncate(self, size=None):
        if self.tell() == 0 and not size:
            self.__init__()
            return 0
        return super().truncate(size)
