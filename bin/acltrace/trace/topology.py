"""Trace a MAC to the switch port where it plugs in, or say it is a router hop (docs/DESIGN.md section 5).

``Topology(mac_rows, neighbor_rows, arp_rows)`` indexes the three lookups once (malformed rows are
skipped and counted in ``skipped``; ports and interfaces in canonical form, so a show capture's and
an SNMP poll's names of one port are one port); ``Topology.trace(mac, dvc, src_interface, now, src_ip)``
answers per event and is cached. The rules:

- a port is an uplink when it has a CDP/LLDP neighbour that is a switch or a router or does not say
  (a phone, station or access point leaves the port an edge, whatever bridge it also says; CDP's
  Cisco APs say Trans-Bridge, their AIR- platform tells them), is a LAG
  or peer-link, or carries the MAC of another known switch or router (a switch's CPU entry, or the MAC
  ARP gives for a neighbour's address; a phone's own MAC leaves its port an edge);
- the trail crosses each uplink sighting to the neighbour's sighting of the MAC (across a LAG whose
  neighbour rows name member ports: to any adjacent switch that has seen the MAC), never twice
  through one switch;
- verdicts, the first that applies:
  ``router_hop``: ARP on the logging device's interface gives the MAC for a neighbour's management
  address, or for an address behind the router that is the neighbour there, or (given the packet's
  ``src_ip``, when no MAC table has the MAC) for an address other than the source and not in its /16
  (a spoofing host's source is; 127.0.0.1 and link-local say nothing): the next hop that forwarded it;
  the MAC is a router neighbour's own; the trail ends on a port facing a router; no MAC table has it
  and its OUI is a router vendor's (weak: said so in the reason);
  ``ambiguous``: on several live edge ports (last seen within ``window``, default 1 h, of the newest
  edge sighting), or on one edge port with ``many_macs`` (default 8) or more MACs: a hub or
  unmanaged switch (not an access point's port: its clients); ``edge_port``; ``uplink_only``: the edge
  switch is not in the data; ``not_found``.
"""
import ipaddress
import time
from dataclasses import dataclass
from typing import NamedTuple, Optional

from acltrace.addresses import mac_colon
from acltrace.logs.device_time import in_calendar
from acltrace.memo import remember
from acltrace.tables.capabilities import capability_words, roles
from acltrace.tables.ifnames import canonical, is_lag
from acltrace.tables.rows import ARP, MAC, NEIGHBOR, display_name, name_key, row_time, text
from acltrace.trace.vendors import mac_vendor, router_vendor

WINDOW = 3600.0
MANY_MACS = 8
CACHE_SIZE = 65536
_SELF_PORTS = frozenset({"cpu", "router", "switch", "sup-eth1", "self"})   # a switch's own MACs
_NETWORK = frozenset({"router", "switch"})
_ROUTER = frozenset({"router"})
_AIRONET = "air-"     # Cisco access points' CDP platform: AIR-CAP3502I, cisco AIR-AP1852I-E-K9


class Sighting(NamedTuple):
    """One MAC-table entry of the traced MAC."""

    switch: str
    key: str
    port: str
    vlan: str
    first_seen: Optional[float]
    last_seen: Optional[float]

    @property
    def hop(self) -> str:
        return f"{self.switch} {self.port}"


class _Link(NamedTuple):
    port: str        # the neighbour's port
    protocol: str    # 'CDP', 'LLDP' or ''


@dataclass(frozen=True)
class Trace:
    """Where a MAC leads: ``path`` is the hops walked, ``router`` {name, ip} for a router hop."""

    mac: str
    verdict: str
    reason: str
    switch: str = ""
    port: str = ""
    vlan: str = ""
    last_seen: Optional[float] = None
    path: tuple = ()
    router: Optional[dict] = None
    candidates: tuple = ()

    def as_dict(self) -> dict:
        """verdict, switch, port, vlan, last_seen, path (as 'sw port -> sw port') and reason."""
        return {"verdict": self.verdict, "switch": self.switch, "port": self.port, "vlan": self.vlan,
                "last_seen": self.last_seen, "path": " -> ".join(self.path), "reason": self.reason}

    def fields(self) -> dict:
        """The Splunk fields trace_* and mac_vendor, as text."""
        out = {f"trace_{k}": "" if v is None else str(v) for k, v in self.as_dict().items()}
        out["mac_vendor"] = mac_vendor(self.mac)
        return out


class Topology:
    """The MAC, neighbour and ARP rows indexed for tracing."""

    def __init__(self, mac_rows=(), neighbor_rows=(), arp_rows=(), window: float = WINDOW,
                 many_macs: int = MANY_MACS):
        self.window = window
        self.many_macs = many_macs
        self.skipped = {MAC: 0, NEIGHBOR: 0, ARP: 0}
        self._names: dict = {}        # device key -> name as shown
        self._sightings: dict = {}    # mac -> {(key, port): Sighting}
        self._port_macs: dict = {}    # (key, port) -> MACs seen there
        self._tables: set = set()     # keys of switches whose MAC table is in the data
        self._links: dict = {}        # (key, port lowercased) -> {neighbour key: _Link}
        self._adjacent: dict = {}     # key -> neighbour keys on any port
        self._roles: dict = {}        # key -> roles its neighbours' rows give it
        self._access_points: set = set()   # keys of neighbours that say wlan-ap
        self._address: dict = {}      # key -> management IP
        self._by_address: dict = {}   # management IP -> key
        self._arp: dict = {}          # mac -> [(ip, device key, interface)]
        self._owner: dict = {}        # a known device's own MAC -> its key
        self._carries: dict = {}      # (key, port) -> keys of the devices whose MACs it carries
        self._cache: dict = {}
        for rows, add, kind in ((mac_rows, self._add_mac, MAC), (neighbor_rows, self._add_neighbor, NEIGHBOR),
                                (arp_rows, self._add_arp, ARP)):
            for row in rows:
                if not (isinstance(row, dict) and add(row)):
                    self.skipped[kind] += 1
        self._find_device_macs()

    def _add_mac(self, row: dict) -> bool:
        mac, switch, port = mac_colon(row.get("mac")), text(row, "switch"), canonical(text(row, "port"))
        if not (mac and switch and port):
            return False
        key = name_key(switch)
        self._names.setdefault(key, display_name(switch))
        self._tables.add(key)
        if port.lower() in _SELF_PORTS:
            if not int(mac[1], 16) & 1:     # not a group address
                self._owner.setdefault(mac, key)
            return True
        s = Sighting(self._names[key], key, port, text(row, "vlan"), row_time(row.get("first_seen")),
                     row_time(row.get("last_seen")))
        seen = self._sightings.setdefault(mac, {})
        old = seen.get((key, port))
        if old is None or (s.last_seen or 0) >= (old.last_seen or 0):
            seen[key, port] = s
        self._port_macs.setdefault((key, port), set()).add(mac)
        return True

    def _add_neighbor(self, row: dict) -> bool:
        switch, port, neighbor = text(row, "switch"), canonical(text(row, "port")), text(row, "neighbor")
        if not (switch and port and neighbor):
            return False
        key, nkey = name_key(switch), name_key(neighbor)
        self._names.setdefault(key, display_name(switch))
        self._names.setdefault(nkey, display_name(neighbor))
        protocol, ip = text(row, "protocol").upper(), text(row, "neighbor_ip")
        nport = canonical(text(row, "neighbor_port"))
        capabilities = text(row, "capabilities")
        found = roles(capabilities, protocol)
        if "wlan-ap" in capability_words(capabilities, protocol).split() or _AIRONET in text(row, "platform").lower():
            self._access_points.add(nkey)
            found = found - {"switch"} | {"host"}     # CDP of Cisco APs says Trans-Bridge, not WLAN
        self._roles[nkey] = self._roles.get(nkey, frozenset()) | found
        if ip:
            self._address.setdefault(nkey, ip)
            self._by_address.setdefault(ip, nkey)
        self._links.setdefault((key, port.lower()), {})[nkey] = _Link(nport, protocol)
        if nport:   # the other side of the link, in case that switch's own rows are missing
            self._links.setdefault((nkey, nport.lower()), {}).setdefault(key, _Link(port, protocol))
        self._adjacent.setdefault(key, set()).add(nkey)
        self._adjacent.setdefault(nkey, set()).add(key)
        return True

    def _add_arp(self, row: dict) -> bool:
        ip, mac, device = text(row, "ip"), mac_colon(row.get("mac")), text(row, "device")
        if not (ip and mac):
            return False
        dkey = name_key(device) if device else ""
        if device:
            self._names.setdefault(dkey, display_name(device))
        self._arp.setdefault(mac, []).append((ip, dkey, canonical(text(row, "interface"))))
        return True

    def _find_device_macs(self) -> None:
        for mac, entries in self._arp.items():
            for ip, _, _ in entries:
                if ip in self._by_address:
                    self._owner.setdefault(mac, self._by_address[ip])
        for mac, owner in self._owner.items():
            for key, port in self._sightings.get(mac, ()):
                if key != owner:
                    self._carries.setdefault((key, port), set()).add(owner)

    def _name(self, key: str) -> str:
        return self._names.get(key, key)

    def _who(self, key: str) -> str:
        ip = self._address.get(key)
        return f"{self._name(key)} ({ip})" if ip else self._name(key)

    def _is_router(self, key: str) -> bool:
        return "router" in self._roles.get(key, ())

    def _pure_router(self, key: str) -> bool:
        return self._roles.get(key, frozenset()) & _NETWORK == _ROUTER

    def _network(self, key: str) -> bool:
        """A switch or router, or a device that does not say what it is."""
        return not self._roles.get(key) or bool(self._roles[key] & _NETWORK)

    def _uplink(self, key: str, port: str) -> tuple:
        """(is an uplink, keys of the devices it leads to)."""
        links = self._links.get((key, port.lower()), {})
        nxt = [k for k in links if self._network(k)]
        nxt += sorted(k for k in self._carries.get((key, port), ()) if k not in nxt and self._network(k))
        return bool(nxt) or is_lag(port), nxt

    def trace(self, mac: str, dvc: Optional[str] = None, src_interface: Optional[str] = None,
              now: Optional[float] = None, src_ip: Optional[str] = None) -> Trace:
        """Trace ``mac`` seen by ``dvc`` on ``src_interface``; with ``now`` (the event's time), sightings
        that began more than ``window`` after it are set aside (the MAC got there later); with ``src_ip``
        (the packet's source address), ARP on the logging interface that gives the MAC for another
        address names the next-hop router."""
        key = (mac, dvc, src_interface, now, src_ip)
        hit = self._cache.get(key)
        if hit is None:
            hit = remember(self._cache, key, self._trace(mac, dvc or "", canonical(src_interface or ""),
                                                         row_time(now), _address(src_ip)), CACHE_SIZE)
        return hit

    def _trace(self, mac: str, dvc: str, intf: str, now: Optional[float], src: Optional[object]) -> Trace:
        m = mac_colon(mac)
        if not m:
            return Trace(str(mac or ""), "not_found", f"not a MAC address: {mac!r}")
        hop = self._logging_router(m, dvc, intf, src)
        if hop:
            return hop
        seen = list(self._sightings.get(m, {}).values())
        if now is not None:
            seen = [s for s in seen if s.first_seen is None or s.first_seen <= now + self.window]
        start = self._logging_hop(dvc, intf)
        owner = self._owner.get(m)
        if owner and self._is_router(owner):
            return self._router_mac(m, owner, seen, start)
        if seen:
            return self._follow(m, _Trail(self, seen), start)
        return self._unseen(m)

    def _logging_hop(self, dvc: str, intf: str) -> Optional[tuple]:
        """('dvc interface', keys of the neighbours there) for the logging device, when known."""
        if not (dvc and intf):
            return None
        dkey = self._by_address.get(dvc) or name_key(dvc)
        links = self._links.get((dkey, intf.lower()))
        return (f"{self._name(dkey)} {intf}", set(links)) if links else None

    def _logging_router(self, m: str, dvc: str, intf: str, src: Optional[object]) -> Optional[Trace]:
        """A router hop by ARP on the logging device's interface."""
        if not (dvc and intf):
            return None
        dkey = self._by_address.get(dvc) or name_key(dvc)
        links = self._links.get((dkey, intf.lower()), {})
        at = f"{self._name(dkey)} {intf}"
        here = [ip for ip, device, interface in self._arp.get(m, ())
                if device == dkey and interface.lower() == intf.lower()]
        is_source = src is not None and any(_address(ip) == src for ip in here)
        for ip in here:
            nkey = self._by_address.get(ip)
            if nkey:
                why = f"the {_protocol(links.get(nkey))} {self._name(nkey)}'s address"
            elif any(self._pure_router(k) for k in links):
                nkey = next(k for k in links if self._pure_router(k))
                why = f"behind the {_protocol(links[nkey])} {self._name(nkey)}, a router"
            elif not is_source and m not in self._sightings and _forwarded(src, ip):
                return Trace(m, "router_hop", f"router hop: ARP on {at} gives this MAC for {ip}, not the packet's "
                             f"source {src}: the next-hop router that forwarded it", self._name(dkey), intf,
                             path=(at,), router={"name": "", "ip": ip})
            else:
                continue
            link = links.get(nkey)
            path = (at, f"{self._name(nkey)} {link.port}") if link and link.port else (at,)
            return Trace(m, "router_hop", f"router hop: ARP on {at} gives this MAC for {ip}, {why}",
                         self._name(dkey), intf, path=path, router={"name": self._name(nkey), "ip": ip})
        return None

    def _router_mac(self, m: str, owner: str, seen: list, start: Optional[tuple]) -> Trace:
        reason = f"router hop: the MAC belongs to {self._who(owner)}, a neighbour with router capability"
        router = {"name": self._name(owner), "ip": self._address.get(owner, "")}
        if not seen:
            return Trace(m, "router_hop", reason, router=router)
        hops, _ = _Trail(self, seen).walk(start)
        s = hops[-1]
        return Trace(m, "router_hop", f"{reason}; seen on {s.hop}", s.switch, s.port, s.vlan, s.last_seen,
                     _path(hops, start), router)

    def _follow(self, m: str, trail: "_Trail", start: Optional[tuple]) -> Trace:
        times = [s.last_seen for s in trail.edges if s.last_seen is not None]
        since = max(times) - self.window if times else 0
        live = [s for s in trail.edges if s.last_seen is None or s.last_seen >= since]
        if not live:
            return self._uplinks_only(m, trail, start)
        s = live[0]
        path = _path(trail.chain_to(s, start), start)
        vlan = f" vlan {s.vlan}" if s.vlan else ""
        if len(live) > 1:
            hops = ", ".join(e.hop for e in live)
            return Trace(m, "ambiguous", f"live on {len(live)} edge ports within {_span(self.window)}: {hops}"
                         " (flapping, moved or duplicate MAC)", last_seen=s.last_seen, path=path,
                         candidates=tuple(e.hop for e in live))
        links = self._links.get((s.key, s.port.lower()), {})
        count = len(self._port_macs[s.key, s.port])
        if count >= self.many_macs and not self._access_points.intersection(links):   # an AP's clients
            return Trace(m, "ambiguous", f"{s.hop}{vlan} has {count} MACs: a hub or unmanaged switch is behind it"
                         f"{_last(s)}", s.switch, s.port, s.vlan, s.last_seen, path, candidates=(s.hop,))
        behind = "".join(f", behind {_protocol(link)} {self._name(k)}" for k, link in links.items())
        earlier = ", ".join(e.hop for e in trail.edges if e not in live)
        reason = f"edge port {s.hop}{vlan}{_last(s)}{behind}" + (f"; earlier on {earlier}" if earlier else "")
        return Trace(m, "edge_port", reason, s.switch, s.port, s.vlan, s.last_seen, path)

    def _uplinks_only(self, m: str, trail: "_Trail", start: Optional[tuple]) -> Trace:
        hops, looped = trail.walk(start)
        s = hops[-1]
        nxt = trail.uplink[s][1]
        if looped:
            tail = f"the trail loops back to {trail.next(s).switch}"
        elif not nxt:
            tail = f"the trail ends at {s.hop}, a LAG with no neighbour in the data"
        elif self._pure_router(nxt[0]):
            return Trace(m, "router_hop", f"router hop: seen on {s.hop}, which faces router {self._who(nxt[0])}",
                         s.switch, s.port, s.vlan, s.last_seen, _path(hops, start),
                         {"name": self._name(nxt[0]), "ip": self._address.get(nxt[0], "")})
        else:
            table = "has no entry for it" if nxt[0] in self._tables else "is not in the data"
            tail = f"the trail ends at {s.hop} towards {self._name(nxt[0])}, whose MAC table {table}"
        return Trace(m, "uplink_only", f"seen only on uplinks; {tail}", s.switch, s.port, s.vlan, s.last_seen,
                     _path(hops, start))

    def _unseen(self, m: str) -> Trace:
        arp = self._arp.get(m, [])
        where = "".join(f"; ARP: {ip} on {self._name(d)} {i}".rstrip() for ip, d, i in arp[:3])
        vendor = mac_vendor(m)
        if router_vendor(vendor):
            return Trace(m, "router_hop", f"router hop (weak, by vendor only): no MAC table has it and its OUI is "
                         f"registered to {vendor}, a router/firewall vendor{where}",
                         router={"name": "", "ip": arp[0][0] if arp else ""})
        return Trace(m, "not_found", f"no MAC table has it{where}" if arp else "no MAC table or ARP entry has it")


class _Trail:
    """The traced MAC's sightings, newest first, and where each uplink sighting leads."""

    def __init__(self, topo: Topology, seen: list):
        self.topo = topo
        self.seen = sorted(seen, key=lambda s: s.last_seen or 0, reverse=True)
        self.uplink = {s: topo._uplink(s.key, s.port) for s in self.seen}
        self.edges = [s for s in self.seen if not self.uplink[s][0]]
        self.by_switch: dict = {}
        for s in self.seen:
            self.by_switch.setdefault(s.key, []).append(s)
        self.pred: dict = {}
        for s in self.seen:
            t = self.next(s)
            if t is not None:
                self.pred.setdefault(t, s)

    def next(self, s: Sighting) -> Optional[Sighting]:
        """The neighbour's sighting this uplink sighting leads to (an edge one first, then the newest)."""
        up, nxt = self.uplink[s]
        if not up:
            return None
        keys = [k for k in nxt or sorted(self.topo._adjacent.get(s.key, ())) if k != s.key and k in self.by_switch]
        found = [t for k in keys for t in self.by_switch[k]]
        return max(found, key=lambda t: (not self.uplink[t][0], t.last_seen or 0)) if found else None

    def chain_to(self, s: Sighting, start: Optional[tuple]) -> list:
        """The hops leading to ``s``, from the logging device's neighbour when it is on the way."""
        chain, switches = [s], {s.key}       # built backwards, then turned: linear along a long chain
        while chain[-1] in self.pred and self.pred[chain[-1]].key not in switches and not _starts(chain[-1], start):
            chain.append(self.pred[chain[-1]])
            switches.add(chain[-1].key)
        chain.reverse()
        return chain

    def walk(self, start: Optional[tuple]) -> tuple:
        """(the longest trail from a sighting nothing leads to, whether it loops)."""
        roots = [s for s in self.seen if _starts(s, start)] or [s for s in self.seen if s not in self.pred]
        best: tuple = ([], False)
        for root in roots or self.seen[:1]:
            hops, switches = [root], {root.key}
            t = self.next(root)
            while t is not None and t.key not in switches:
                hops.append(t)
                switches.add(t.key)
                t = self.next(t)
            if len(hops) > len(best[0]):
                best = (hops, t is not None)
        return best


def _forwarded(src: Optional[object], ip: str) -> bool:
    """Whether a packet from ``src`` came through the host ARP gives its MAC for, at ``ip``: ``src`` is an
    address a router forwards from, outside ``ip``'s /16 (a host that spoofs its source says 127.0.0.1 or
    stays in its own /16, as Blaster does)."""
    if not isinstance(src, (ipaddress.IPv4Address, ipaddress.IPv6Address)) or (
            src.is_loopback or src.is_unspecified or src.is_multicast or src.is_link_local):
        return False
    there = _address(ip)
    return not (src.version == 4 and isinstance(there, ipaddress.IPv4Address) and int(src) >> 16 == int(there) >> 16)


def _address(value: object) -> Optional[object]:
    """An IP address to compare (``::1`` and ``0::1`` are one), the text itself when it is none; None
    for no value."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return text


def _starts(s: Sighting, start: Optional[tuple]) -> bool:
    return bool(start) and s.key in start[1]


def _path(hops: list, start: Optional[tuple]) -> tuple:
    path = tuple(s.hop for s in hops)
    return (start[0], *path) if hops and _starts(hops[0], start) else path


def _protocol(link: Optional[_Link]) -> str:
    return f"{link.protocol} neighbour" if link and link.protocol else "neighbour"


def _last(s: Sighting) -> str:
    """', last seen <UTC time>'; nothing when the time is unknown (``row_time`` keeps none a calendar
    cannot hold, and a Sighting made by hand is checked the same way)."""
    if not (s.last_seen and in_calendar(s.last_seen) and s.last_seen >= 0):
        return ""
    return time.strftime(", last seen %Y-%m-%dT%H:%M:%SZ", time.gmtime(s.last_seen))


def _span(seconds: float) -> str:
    if seconds % 3600 == 0:
        return f"{seconds / 3600:g} h"
    return f"{seconds / 60:g} min" if seconds % 60 == 0 else f"{seconds:g} s"
