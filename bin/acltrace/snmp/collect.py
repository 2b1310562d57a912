"""The SNMP collector: MAC, ARP and neighbour tables of many devices, polled concurrently, as JSON rows.

    results = collect([Device("10.0.0.2", credentials=Credentials(community="..."))], tables={"mac"})

Each device gives a ``Result``: its rows (the ``acltrace:mac``, ``acltrace:arp`` and ``acltrace:neighbor``
schema, with ``kind``, the poll's ``time`` and ``source`` ``snmp``) and its status record
(``acltrace:collector``: ``{"kind": "status", "device", "host", "status", "seconds", "rows", "time"}``,
plus ``error`` when the status is not ``ok``).

Per device, in order: sysName (the rows' switch/device name), ifName/ifDescr, then
- mac: per VLAN on Cisco (vtpVlanState lists VLANs: community ``name@VLAN`` or v3 context ``vlan-N``),
  else Q-BRIDGE-MIB dot1qTpFdbTable, else BRIDGE-MIB dot1dTpFdbTable;
- arp: ipNetToPhysicalTable, else ipNetToMediaTable;
- neighbors: CISCO-CDP-MIB cdpCacheTable and LLDP-MIB lldpRemTable.

Status: ``ok``; ``error`` when the device gave nothing (no answer, bad credentials: no rows);
``partial`` when a walk was cut off (timeout or agent error part way): the device is asked nothing
more, the rows read so far are kept, and every row it gave carries ``"partial": true``, because
the poll is not the whole table.
Each request has its own timeout and retries; devices are polled concurrently on one asyncio loop,
so a slow or dead device costs its own time only.
"""
import asyncio
import time
from dataclasses import dataclass, field
from typing import Optional

from pysnmp.hlapi.v3arch.asyncio import SnmpEngine

from acltrace.snmp import mib
from acltrace.snmp.walk import Agent, Credentials, SnmpError
from acltrace.tables.rows import ARP, MAC, NEIGHBOR

# The tables a poll can read, as --tables and inputs.conf's tables= name them (the neighbour table as its
# lookup, acltrace_neighbors); READERS gives the kind of row each is.
TABLES = ("mac", "arp", "neighbors")
DEFAULT_PORT = 161


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


def collect(devices: list, tables=TABLES, timeout: float = 2.0, retries: int = 1,
            concurrency: int = 64) -> list:
    """Poll ``devices`` (at most ``concurrency`` at once); one ``Result`` each, in the order given."""
    return asyncio.run(collect_async(devices, tables, timeout, retries, concurrency))


async def collect_async(devices: list, tables=TABLES, timeout: float = 2.0, retries: int = 1,
                        concurrency: int = 64) -> list:
    engine = SnmpEngine()
    slots = asyncio.Semaphore(concurrency)

    async def one(device: Device) -> Result:
        async with slots:
            return await poll(engine, device, tables, timeout, retries)

    try:
        return list(await asyncio.gather(*(one(device) for device in devices)))
    finally:
        engine.close_dispatcher()


async def poll(engine: SnmpEngine, device: Device, tables=TABLES, timeout: float = 2.0,
               retries: int = 1) -> Result:
    """One device's rows and status; never raises for what the device does."""
    now, started = int(time.time()), time.monotonic()
    rows: list = []
    name, status, error = device.host, "ok", ""
    try:
        device.credentials.check()
        agent = await Agent.open(engine, device.host, device.port, device.credentials, timeout, retries)
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
    found = await agent.columns(mib.QFDB_PORT, mib.QFDB_STATUS)
    if found[mib.QFDB_PORT]:
        found.update(await agent.columns(mib.BASE_PORT_IFINDEX, mib.VLAN_FDB_ID))
        return mib.qbridge_macs(found, ifnames, switch)
    found = await agent.columns(mib.BASE_PORT_IFINDEX, mib.FDB_PORT, mib.FDB_STATUS)
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
