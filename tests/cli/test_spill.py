"""spill: the events waiting between the two passes, in memory up to a limit, then on disk."""
import pytest

from acltrace.spill import Spill


def batches(n, size=3):
    return [[(f"line {b}.{i}", {"src_ip": f"10.0.{b}.{i}"}, 1700000000.5 + i, (("victim", "10.0.0.1"), "x"))
             for i in range(size)] for b in range(n)]


@pytest.mark.parametrize("memory", [10**9, 0, 50])
def test_batches_come_back_in_order_whether_held_or_on_disk(tmp_path, memory):
    """Held (a large limit), on disk from the first batch (0), or moved to disk part way (50 bytes)."""
    want = batches(7)
    with Spill(str(tmp_path), memory=memory) as spill:
        for batch in want:
            spill.write(batch, 20)
        assert spill.on_disk == (memory < 7 * 20)
        assert list(spill.batches()) == want
        assert list(spill.batches()) == want          # read again from the start
    assert list(tmp_path.iterdir()) == []             # the file had no name


def test_an_empty_spill_gives_nothing():
    with Spill() as spill:
        assert list(spill.batches()) == []
