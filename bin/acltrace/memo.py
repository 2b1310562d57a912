"""Bounded caches: what a pure function gave, kept for the calls after, in a dict emptied when full (a
cache saves work, it decides nothing, so forgetting costs only time; its size never grows with the
input)."""


def remember(cache: dict, key, value, size: int):
    """Keep ``value`` under ``key`` in ``cache``, which holds at most ``size`` entries, and return it."""
    if len(cache) >= size:
        cache.clear()
    cache[key] = value
    return value
