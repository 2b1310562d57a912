#!/usr/bin/env python
"""How fast is the SNMP collector? Prints figures; asserts nothing.

    python bench/snmp_benchmark.py [--macs 20000] [--vlans 30] [--devices 50] [--agents 2]

A switch with ``--macs`` Q-BRIDGE-MIB entries over ``--vlans`` VLANs (tools/generators/make_snmprec.py) is served
by snmpsim on 127.0.0.1. In the same run, against the same agent:
  snmpbulkwalk   net-snmp (Debian's `snmp`), one walk per table the collector reads for MACs (sysName,
                 ifName, ifDescr, dot1qTpFdbTable, dot1dBasePortIfIndex), max-repetitions as ours
  collector      acltrace.snmp.collect, tables=mac, one device
  concurrent     --devices devices (the same data on that many ports, served by --agents snmpsim
                 processes) polled at once by one collector
The agent is pure Python too, so the figures are end-to-end times, agent included. The collector runs
without its per-device limits (deadline, row cap), so a large --macs is measured whole.
"""
import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "bin"), str(REPO / "tests" / "support"), str(REPO / "tools" / "generators")]

from make_snmprec import qbridge_switch  # noqa: E402
from snmpagent import Agent  # noqa: E402

from acltrace.snmp.collect import Device, collect  # noqa: E402
from acltrace.snmp.walk import MAX_REPETITIONS, Credentials  # noqa: E402

WALKED = ("1.3.6.1.2.1.1.5", "1.3.6.1.2.1.31.1.1.1.1", "1.3.6.1.2.1.2.2.1.2", "1.3.6.1.2.1.17.7.1.2.2.1",
          "1.3.6.1.2.1.17.1.4.1.2")


def net_snmp(port: int) -> float:
    """Seconds for snmpbulkwalk of the collector's MAC tables, one walk per table."""
    started = time.monotonic()
    for oid in WALKED:
        subprocess.run(["snmpbulkwalk", "-v2c", "-cpublic", f"-Cr{MAX_REPETITIONS}", "-t5", "-r1", "-On", "-Oq",
                        f"127.0.0.1:{port}", oid], check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def best(runs: int, measure) -> float:
    return min(measure() for _ in range(runs))


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--macs", type=int, default=20000)
    options.add_argument("--vlans", type=int, default=30)
    options.add_argument("--devices", type=int, default=50)
    options.add_argument("--agents", type=int, default=2, help="snmpsim processes serving the devices")
    options.add_argument("--repeat", type=int, default=3)
    args = options.parse_args()
    if not shutil.which("snmpbulkwalk"):
        print("snmpbulkwalk not found: apt-get install snmp")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        qbridge_switch(data, args.macs, args.vlans)
        per_agent = -(-args.devices // args.agents)
        agents = [Agent(data, Path(tmp) / f"cache{n}", more=per_agent - 1) for n in range(args.agents)]
        try:
            for agent in agents:
                agent.wait(300)
            port = agents[0].port
            v2c = Credentials(community="public")
            walk = best(args.repeat, lambda: net_snmp(port))
            results = []

            def one() -> float:
                started = time.monotonic()
                results[:] = collect([Device("127.0.0.1", port, v2c)], tables=["mac"], timeout=10, deadline=None,
                                     max_rows=None)
                return time.monotonic() - started

            ours = best(args.repeat, one)
            rows = len(results[0].rows)
            ports = [p for agent in agents for p in agent.ports][:args.devices]
            started = time.monotonic()
            many = collect([Device("127.0.0.1", p, v2c) for p in ports], tables=["mac"], timeout=30, retries=2,
                           deadline=None, max_rows=None)
            wall = time.monotonic() - started
        finally:
            for agent in agents:
                agent.stop()
    seconds = sorted(r.status["seconds"] for r in many)
    statuses = sorted({r.status["status"] for r in many})
    print(f"MAC table: {args.macs} entries over {args.vlans} VLANs (Q-BRIDGE-MIB), snmpsim, max-repetitions "
          f"{MAX_REPETITIONS}, best of {args.repeat}")
    print(f"  snmpbulkwalk (net-snmp), the same tables   {walk:8.2f} s")
    print(f"  collector, one device                       {ours:8.2f} s   {rows} rows   {ours / walk:.2f}x net-snmp")
    print(f"  {len(ports)} devices at once ({args.agents} snmpsim processes) {wall:8.2f} s wall   per device: "
          f"median {seconds[len(seconds) // 2]:.2f} s, max {seconds[-1]:.2f} s   statuses {statuses}   "
          f"{sum(len(r.rows) for r in many)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
