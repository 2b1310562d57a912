"""The pipes between splunkd and a search command (``protocol.run`` widens them before the first chunk)."""
import sys


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
