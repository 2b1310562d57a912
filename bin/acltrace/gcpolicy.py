"""The garbage collector's schedule for our long-running loops.

Parsing and labelling allocate many small objects that live for a while (held events, per-key
aggregates) and form no reference cycles. CPython's default schedule (a collection every 700 net
allocations, the older generations every 10 of those) then spends about half of the classifier's
time walking the objects it holds. Two schedules, measured by bench/benchmark.py:

- ``fewer_collections``: the youngest generation every ``YOUNG_THRESHOLD`` allocations instead of
  700 (a loop with no natural pause: the CLI, aclparse, which holds nothing);
- ``collect_between_chunks``: a search command that holds state (backscatter's window) never
  collects in the middle of a chunk, and collects everything after the chunk that brings the input
  read since the last collection to ``COLLECT_AFTER_BYTES``. On backscatter's path such a
  collection finds nothing to free (its records and events form no cycles) yet walks every object
  held, ~1 us per record of a chunk; so it is only a safety net for a stray cycle (an exception's
  traceback, splunklib's own), run once per ~500,000 wide records.
"""
import gc
from functools import wraps

YOUNG_THRESHOLD = 50_000
COLLECT_AFTER_BYTES = 256 * 2**20


def fewer_collections() -> None:
    """Collect the youngest generation every ``YOUNG_THRESHOLD`` allocations instead of 700."""
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, older, oldest)


def collect_between_chunks(command_class):
    """Class decorator for a splunklib search command: no automatic collection; a full one after
    the chunk (``_execute_chunk_v2``, splunklib's per-chunk step) that brings the bodies read
    since the last one to ``COLLECT_AFTER_BYTES``."""
    step = command_class._execute_chunk_v2
    read = 0

    @wraps(step)
    def _execute_chunk_v2(self, process, chunk):
        nonlocal read
        gc.disable()
        try:
            return step(self, process, chunk)
        finally:
            read += len(chunk[1] or "")
            if read >= COLLECT_AFTER_BYTES:
                read = 0
                gc.collect()

    command_class._execute_chunk_v2 = _execute_chunk_v2
    return command_class
