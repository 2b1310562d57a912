"""Collecting MAC, ARP and neighbour tables over SNMP: the walk, the MIB tables, the collector.

The limits of one device's poll (``acltrace.snmp.collect``) are here, where reading them needs no
pysnmp (the CLI's ``--help``, the input's settings):

- ``DEFAULT_DEADLINE``: the seconds one device's whole poll (every walk of every table) may take: the
  input's default interval, so a device never runs into its own next poll. A 100,000-entry MAC table
  took 111 s from snmpsim (a slow, pure-Python agent; ~900 rows/s on a loaded 2-core machine), so a
  large switch fits with room to spare; an agent slower than ~350 rows/s needs it raised.
- ``DEFAULT_MAX_ROWS``: the table rows read from one device at most: a 100,000-MAC core switch with as
  large an ARP table (and its interfaces, VLANs, neighbours) fits; a device holds at most this many
  rows in memory (measured: ~0.9 kB a row at the peak of a Q-BRIDGE walk, so ~230 MB).

``RANGES``: what each poll setting may be, the same for the CLI's options and the input's settings.
"""
DEFAULT_DEADLINE = 300.0
DEFAULT_MAX_ROWS = 250_000
RANGES = {                        # setting: (type, least, most)
    "timeout": (float, 0.1, 60.0),                   # seconds per request
    "retries": (int, 0, 10),                         # per request
    "device_deadline": (float, 1.0, 86400.0),        # seconds: 1 s to a day
    "max_rows": (int, 1, 10_000_000),                # rows per device
}
