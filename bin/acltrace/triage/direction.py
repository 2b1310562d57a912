"""Which way a stream of timed events runs, oldest- or newest-first, and how far it has reached.

Splunk gives events newest-first, log files oldest-first; the classifier and the incidents read
either. ``order`` is ``"asc"``, ``"desc"`` or ``"auto"``: under auto the first position more than
``tolerance`` away from the first one decides, and until then the direction is unknown.
"""
from typing import Optional

ORDERS = ("auto", "asc", "desc")


class Direction:
    """``sign``: +1 oldest-first, -1 newest-first, None while auto has not decided; ``front``: the
    furthest position reached, times ``sign`` (so "further" is always "greater"), None until then."""
    __slots__ = ("sign", "front", "_first", "_tolerance")

    def __init__(self, order: str, tolerance: float = 0.0):
        if order not in ORDERS:
            raise ValueError(f"order must be auto, asc or desc, not {order!r}")
        self.sign: Optional[int] = {"asc": 1, "desc": -1}.get(order)
        self.front: Optional[float] = None
        self._first: Optional[float] = None
        self._tolerance = tolerance

    def reach(self, position: float) -> bool:
        """Take the stream's next position (a time, a bucket number); True when it moved ``front``."""
        sign = self.sign
        if sign is None:
            if self._first is None:
                self._first = position
                return False
            if not abs(position - self._first) > self._tolerance:
                return False
            sign = self.sign = 1 if position > self._first else -1
        at = sign * position
        if self.front is None or at > self.front:
            self.front = at
            return True
        return False
