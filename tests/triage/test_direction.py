"""triage.direction: the one reading of a stream's direction, for the classifier (bucket numbers) and
the incidents (times)."""
import math

import pytest

from acltrace.triage.classifier import Classifier
from acltrace.triage.direction import Direction
from acltrace.triage.incidents import Incidents


@pytest.mark.parametrize("order, sign", [("asc", 1), ("desc", -1)])
def test_a_given_order_tracks_the_front_at_once(order, sign):
    direction = Direction(order)
    assert direction.sign == sign and direction.front is None
    times = (10, 12, 11, 14, 14) if sign == 1 else (14, 12, 13, 10, 10)
    assert [direction.reach(t) for t in times] == [True, True, False, True, False]
    assert direction.front == sign * times[-1]          # "further" is "greater" either way


def test_auto_waits_for_the_first_position_further_than_the_tolerance():
    direction = Direction("auto", tolerance=600)
    assert [direction.reach(t) for t in (1000, 1500, 400, 1600, 1700)] == [False, False, False, False, True]
    assert direction.sign == 1 and direction.front == 1700     # the deciding position moves the front
    assert direction.reach(1701) and not direction.reach(100) and direction.front == 1701


def test_auto_newest_first_with_no_tolerance():
    direction = Direction("auto")
    assert not direction.reach(7) and not direction.reach(7)
    assert direction.reach(6) and direction.sign == -1 and direction.front == -6


def test_an_unreadable_position_decides_nothing():
    direction = Direction("auto", tolerance=10)
    direction.reach(100.0)
    assert not direction.reach(math.nan) and direction.sign is None


@pytest.mark.parametrize("make", [Direction, lambda order: Classifier(order=order),
                                  lambda order: Incidents(order=order)])
def test_one_message_for_an_unknown_order(make):
    with pytest.raises(ValueError, match="order must be auto, asc or desc, not 'sideways'"):
        make("sideways")
