"""The garbage collector's schedule for our long-running loops.

Parsing and labelling allocate many small objects that live for a while (held events, per-key
aggregates) and form no reference cycles. CPython's default schedule (a collection every 700 net
allocations, the older generations every 10 of those) then spends about half of the classifier's
time walking the objects it holds. ``fewer_collections`` collects the youngest generation every
``YOUNG_THRESHOLD`` allocations instead of 700: for a loop with no natural pause that holds little
(the CLI, aclparse). A search command that holds state across chunks (backscatter's aggregates) collects
only between chunks instead: that is the search command loop's business
(``acltrace_splunk.protocol``, ``BETWEEN_CHUNKS``). Measured by bench/benchmark.py.
"""
import gc

YOUNG_THRESHOLD = 50_000


def fewer_collections() -> None:
    """Collect the youngest generation every ``YOUNG_THRESHOLD`` allocations instead of 700."""
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, older, oldest)
