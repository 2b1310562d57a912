"""The SNMP collector: MAC, ARP and neighbour tables of many devices, polled concurrently, as JSON rows.

    for result in collect_each([Device("10.0.0.2", credentials=Credentials(community="..."))], tables={"mac"}):
        write(result.rows, result.status)

Each device gives a ``Result``: its rows (the ``acltrace:mac``, ``acltrace:arp`` and ``acltrace:neighbor``
schema, with ``kind``, the poll's ``time`` and ``source`` ``snmp``) and its status record
(``acltrace:collector``: ``{"kind": "status", "device", "host", "status", "seconds", "rows", "time"}``,
plus ``error`` when the status is not ``ok``). ``collect_each`` yields each device's result as soon as
that device is done, in the order the devices finish (a slow device holds back no other); ``collect``
returns them all at the end, in the order the devices were given. Within a result, the rows come
table by table (mac, arp, neighbors), each in the order the agent gave them.

Per device, in order: sysName (the rows' switch/device name), ifName/ifDescr, then
- mac: per VLAN on Cisco (vtpVlanState lists VLANs: community ``name@VLAN`` or v3 context ``vlan-N``),
  else Q-BRIDGE-MIB dot1qTpFdbTable, else BRIDGE-MIB dot1dTpFdbTable;
- arp: ipNetToPhysicalTable, else ipNetToMediaTable;
- neighbors: CISCO-CDP-MIB cdpCacheTable and LLDP-MIB lldpRemTable.

Limits per device (``acltrace.snmp.walk.Limits``): a poll ends at the latest ``deadline`` seconds
after it starts (default ``acltrace.snmp.DEFAULT_DEADLINE``, 300), and after ``max_rows`` table rows
read (default ``DEFAULT_MAX_ROWS``, 250,000), whatever the agent keeps sending.

Status: ``ok``; ``error`` when the device gave nothing (no answer, bad credentials: no rows);
``partial`` when the poll was cut off: a walk timed out or got an agent error part way, or the device
reached its deadline or row cap (``error`` says which, with the number). The device is then asked
nothing more, the rows read so far are kept, and every row it gave carries ``"partial": true``,
because the poll is not the whole table.
Each request has its own timeout and retries; devices are polled concurrently on one asyncio loop
(in a thread of its own, so the caller writes one device's results while the others are polled),
so a slow or dead device costs its own time only.
"""
import asyncio
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Optional

from pysnmp.hlapi.v3arch.asyncio import SnmpEngine

from acltrace.snmp import DEFAULT_DEADLINE, DEFAULT_MAX_ROWS, mib
from acltrace.snmp.walk import Agent, Credentials, Limits, SnmpError
from acltrace.tables.rows import ARP, MAC, NEIGHBOR

# The tables a poll can read, as --tables and inputs.conf's tables= name them (the neighbour table as its
# lookup, acltrace_neighbors); READERS gives the kind of row each is.
TABLES = ("mac", "arp", "neighbors")
DEFAULT_PORT = 161
DEFAULT_LIMITS = Limits(DEFAULT_DEADLINE, DEFAULT_MAX_ROWS)


@dataclass(frozen=True)
class Device:
    host: str
    port: int = DEFAULT_PORT
    credentials: Credentials = field(default_factory=Credentials)

    @property
    def address(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORT else f"{host}:{self.port}"


def parse_address(text: str) -> tuple:
    """``(host, port)`` from ``HOST``, ``HOST:PORT``, ``[V6]`` or ``[V6]:PORT``."""
    text = text.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif text.count(":") == 1:
        host, port = text.split(":")
    else:
        host, port = text, ""
    if not host or (port and not port.isdigit()) or not 0 < int(port or DEFAULT_PORT) < 65536:
        raise ValueError(f"not a HOST[:PORT]: {text!r}")
    return host, int(port or DEFAULT_PORT)


@dataclass
class Result:
    device: Device
    rows: list
    status: dict


def collect(devices: list, tables=TABLES, timeout: float = 2.0, retries: int = 1, concurrency: int = 64,
            deadline: Optional[float] = DEFAULT_DEADLINE, max_rows: Optional[int] = DEFAULT_MAX_ROWS) -> list:
    """Poll ``devices`` (at most ``concurrency`` at once); one ``Result`` each, in the order given."""
    results: list = [None] * len(devices)
    for position, result in _polled(devices, tables, timeout, retries, concurrency, Limits(deadline, max_rows)):
        results[position] = result
    return results


def collect_each(devices: list, tables=TABLES, timeout: float = 2.0, retries: int = 1, concurrency: int = 64,
                 deadline: Optional[float] = DEFAULT_DEADLINE,
                 max_rows: Optional[int] = DEFAULT_MAX_ROWS) -> Iterator[Result]:
    """Poll ``devices`` (at most ``concurrency`` at once); yield each device's ``Result`` as soon as its
    poll ends, in the order they end. Closing the iterator early stops the polls still running."""
    for _, result in _polled(devices, tables, timeout, retries, concurrency, Limits(deadline, max_rows)):
        yield result


_DONE = object()


def _polled(devices: list, tables, timeout: float, retries: int, concurrency: int, limits: Limits) -> Iterator:
    """``(position, Result)`` as each device's poll ends. The polls run on an asyncio loop in a thread of
    their own, so they go on while the caller writes what it was given (the loop never waits for it)."""
    poller = _Poller(list(devices), tables, timeout, retries, concurrency, limits)
    poller.start()
    try:
        while True:
            item = poller.done.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        poller.stop()


class _Poller(threading.Thread):
    def __init__(self, devices: list, tables, timeout: float, retries: int, concurrency: int,
                 limits: Limits) -> None:
        super().__init__(name="acltrace-snmp-poller", daemon=True)
        self.devices, self.tables, self.timeout, self.retries = devices, tables, timeout, retries
        self.concurrency, self.limits = concurrency, limits
        self.done: queue.SimpleQueue = queue.SimpleQueue()
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._task: Optional[asyncio.Task] = None
        self._started = threading.Event()
        self._stopping = False

    def run(self) -> None:
        try:
            asyncio.run(self._main())
            self.done.put(_DONE)
        except asyncio.CancelledError:
            self.done.put(_DONE)
        except BaseException as error:  # a bug, not a device: the caller raises it
            self.done.put(error)
        finally:
            self._started.set()

    async def _main(self) -> None:
        self._loop, self._task = asyncio.get_running_loop(), asyncio.current_task()
        self._started.set()
        if self._stopping:
            return
        engine = SnmpEngine()
        slots = asyncio.Semaphore(self.concurrency)

        async def one(position: int, device: Device) -> None:
            async with slots:
                result = await poll(engine, device, self.tables, self.timeout, self.retries, self.limits)
            self.done.put((position, result))

        try:
            await asyncio.gather(*(one(position, device) for position, device in enumerate(self.devices)))
        finally:
            engine.close_dispatcher()

    def stop(self) -> None:
        """Cancel the polls still running (the caller stopped reading) and wait for the thread."""
        self._stopping = True
        self._started.wait()
        if self.is_alive() and self._loop is not None and self._task is not None:
            try:
                self._loop.call_soon_threadsafe(self._task.cancel)
            except RuntimeError:     # the loop has closed: nothing is running
                pass
        self.join()


async def poll(engine: SnmpEngine, device: Device, tables=TABLES, timeout: float = 2.0,
               retries: int = 1, limits: Limits = DEFAULT_LIMITS) -> Result:
    """One device's rows and status; never raises for what the device does."""
    now, started = int(time.time()), time.monotonic()
    rows: list = []
    name, status, error = device.host, "ok", ""
    try:
        device.credentials.check()
        agent = await Agent.open(engine, device.host, device.port, device.credentials, timeout, retries, limits)
        name = mib.text((await agent.get(mib.SYS_NAME)).get(mib.SYS_NAME)) or device.host
        ifnames = mib.interface_names(await agent.columns(mib.IF_NAME, mib.IF_DESCR))
        for table in TABLES:
            if table in tables:
                kind, read = READERS[table]
                rows += [dict(kind=kind, **row) for row in await read(agent, ifnames, name)]
        if agent.cut:
            status, error = "partial", agent.cut
    except (SnmpError, ValueError) as failure:
        status, error = "error", str(failure)
    for row in rows:
        row.update(time=now, source="snmp")
        if status == "partial":
            row["partial"] = True
    record = {"kind": "status", "device": name, "host": device.address, "status": status,
              "seconds": round(time.monotonic() - started, 3), "rows": len(rows), "time": now}
    if error:
        record["error"] = error
    return Result(device, rows, record)


async def mac_rows(agent: Agent, ifnames: dict, switch: str) -> list:
    vlans = mib.cisco_vlans(await agent.columns(mib.VTP_VLAN_STATE))
    if vlans:
        rows = []
        for vlan in vlans:
            in_vlan = agent.in_vlan(vlan)
            found = await in_vlan.columns(mib.BASE_PORT_IFINDEX, mib.FDB_PORT, mib.FDB_STATUS)
            rows += mib.bridge_macs(found, ifnames, switch, str(vlan))
        return rows
    # The small tables the FDB rows are read through first, so that an FDB walk cut off part way (by
    # the row cap, the deadline) still gives the rows it read.
    found = await agent.columns(mib.BASE_PORT_IFINDEX, mib.VLAN_FDB_ID)
    found.update(await agent.columns(mib.QFDB_PORT, mib.QFDB_STATUS))
    if found[mib.QFDB_PORT]:
        return mib.qbridge_macs(found, ifnames, switch)
    found.update(await agent.columns(mib.FDB_PORT, mib.FDB_STATUS))
    return mib.bridge_macs(found, ifnames, switch)


async def arp_rows(agent: Agent, ifnames: dict, device: str) -> list:
    found = await agent.columns(mib.PHYS_ADDR, mib.PHYS_TYPE)
    if not found[mib.PHYS_ADDR]:
        found = await agent.columns(mib.MEDIA_PHYS, mib.MEDIA_TYPE)
    return mib.arp_entries(found, ifnames, device)


async def neighbor_rows(agent: Agent, ifnames: dict, switch: str) -> list:
    cdp = await agent.columns(mib.CDP_ADDR_TYPE, mib.CDP_ADDR, mib.CDP_DEVICE, mib.CDP_PORT, mib.CDP_PLATFORM,
                              mib.CDP_CAPS)
    lldp = await agent.columns(mib.LLDP_CHASSIS_TYPE, mib.LLDP_CHASSIS, mib.LLDP_PORT_TYPE, mib.LLDP_PORT,
                               mib.LLDP_PORT_DESC, mib.LLDP_SYS_NAME, mib.LLDP_SYS_DESC, mib.LLDP_CAPS)
    if lldp[mib.LLDP_PORT]:
        lldp.update(await agent.columns(mib.LLDP_LOC_ID_TYPE, mib.LLDP_LOC_ID, mib.LLDP_LOC_DESC))
        lldp.update(await agent.columns(mib.LLDP_MAN_ADDR_IF))
    return mib.cdp_neighbors(cdp, ifnames, switch) + mib.lldp_neighbors(lldp, ifnames, switch)


READERS = {"mac": (MAC, mac_rows), "arp": (ARP, arp_rows), "neighbors": (NEIGHBOR, neighbor_rows)}


def status_line(status: dict) -> str:
    """A status record for a person: ``acc-sw1 (10.0.0.2): ok, 120 rows in 0.8 s``."""
    line = f"{status['device']} ({status['host']}): {status['status']}, {status['rows']} rows in {status['seconds']} s"
    return f"{line}: {status['error']}" if status.get("error") else line


def credentials_from(community: Optional[str] = None, user: Optional[str] = None, **v3) -> Credentials:
    """Credentials from options; ValueError when they cannot be used."""
    credentials = Credentials(community=community, user=user, **{k: v for k, v in v3.items() if v is not None})
    credentials.check()
    return credentials
