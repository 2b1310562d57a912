"""The trace's lookup files as mactrace reads them: hostile or odd files lose a row, never the table."""
import csv
import os
import subprocess
import sys

from conftest import BIN

from acltrace_splunk import lookups

HEADER = lookups.COLUMNS["acltrace_mac_table"]


def _mac_rows(n, start=0):
    return [(f"02:00:00:00:{(i >> 8) & 255:02x}:{i & 255:02x}", "acc-sw1", f"Gi1/0/{i % 48 + 1}", "10", "dynamic",
             "1700000000", "1700003600", "show") for i in range(start, start + n)]


def _write(folder, rows, prefix=b""):
    with open(folder / "acltrace_mac_table.csv", "wb") as f:
        f.write(prefix)
    with open(folder / "acltrace_mac_table.csv", "a", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)


def test_a_lookup_saved_with_a_byte_order_mark_is_read(tmp_path):
    _write(tmp_path, _mac_rows(3), prefix=b"\xef\xbb\xbf")          # Excel's UTF-8
    loaded = lookups.load_csv(str(tmp_path))
    trace = loaded.topology.trace("02:00:00:00:00:01")
    assert (trace.verdict, trace.switch, trace.port) == ("edge_port", "acc-sw1", "GigabitEthernet1/0/2")
    assert not [p for p in loaded.problems if "acltrace_mac_table" in p and "missing" not in p]


def test_one_huge_cell_or_broken_row_loses_that_row_only(tmp_path):
    rows = _mac_rows(2) + [("02:00:00:00:00:99", "x" * (11 << 20), "Gi1/0/9", "10", "", "", "", "")] + _mac_rows(2, 2)
    _write(tmp_path, rows)
    with open(tmp_path / "acltrace_mac_table.csv", "a", encoding="utf-8") as f:
        f.write('02:00:00:00:00:98,acc-sw1,"Gi1/0/9\n')                   # a quote that never closes
    loaded = lookups.load_csv(str(tmp_path))
    for mac in ("02:00:00:00:00:00", "02:00:00:00:00:03"):
        assert loaded.topology.trace(mac).verdict == "edge_port"
    assert loaded.topology.trace("02:00:00:00:00:99").verdict == "not_found"
    assert any("acltrace_mac_table" in p and "could not be read" in p for p in loaded.problems), loaded.problems


def test_memory_is_the_index_not_the_rows(tmp_path):
    """200,000 MAC rows: the process's peak stays near what the index needs (the rows are not kept)."""
    _write(tmp_path, _mac_rows(200_000))
    script = ("import sys; sys.path[:0] = [sys.argv[1]]; from acltrace_splunk import lookups;"
              "loaded = lookups.load_csv(sys.argv[2]);"
              "print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])")
    peak_kb = int(subprocess.run([sys.executable, "-c", script, str(BIN), str(tmp_path)], capture_output=True,
                                 text=True, check=True, env=dict(os.environ)).stdout)
    assert peak_kb < 200_000, peak_kb            # ~130 MB measured; holding the rows too took ~260 MB


def test_the_kv_store_is_read_in_pages_up_to_a_bound_and_odd_cells_lose_their_row(monkeypatch):
    from fake_splunkd import kvstore, serving
    monkeypatch.setattr(lookups, "PAGE", 4)
    monkeypatch.setattr(lookups, "MAX_ROWS", 10)
    rows = [dict(zip(HEADER, r)) for r in _mac_rows(12)]
    rows[1]["port"] = ["a", "list"]                                     # not text: the row is skipped
    rows[2]["switch"] = "x" * (lookups.MAX_CELL + 1)                    # too big: skipped
    rows[3]["first_seen"] = 1700000000                                  # a number is text to the trace
    for uri in serving(kvstore({"acltrace_mac_table": rows, "acltrace_neighbors": [], "acltrace_arp": []}, "k")):
        loaded = lookups.load_kvstore(uri, "k")
    assert loaded.usable
    assert loaded.topology.trace("02:00:00:00:00:03").verdict == "edge_port"
    assert loaded.topology.trace("02:00:00:00:00:09").verdict == "edge_port"
    assert loaded.topology.trace("02:00:00:00:00:0a").verdict == "not_found"       # past the bound
    assert loaded.topology.trace("02:00:00:00:00:01").verdict == "not_found"
    assert any("only its first 10 rows" in p for p in loaded.problems), loaded.problems
    assert any("2 row(s)" in p for p in loaded.problems), loaded.problems
