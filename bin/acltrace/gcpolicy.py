"""The garbage collector's schedule for our long-running loops.

Parsing and labelling allocate many small objects that live for a while (held events, per-key
aggregates) and form no reference cycles. CPython's default schedule (a collection every 700 net
allocations, the older generations every 10 of those) then spends about half of the classifier's
time walking the objects it holds. Collecting the youngest generation every 50,000 allocations
keeps cycles (an exception's traceback, splunklib's own) collected while costing little.
bench/benchmark.py measures the difference.
"""
import gc

YOUNG_THRESHOLD = 50_000


def fewer_collections() -> None:
    """Collect the youngest generation every ``YOUNG_THRESHOLD`` allocations instead of 700."""
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, older, oldest)
