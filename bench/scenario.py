#!/usr/bin/env python
"""A labelled New Year's Eve night of ACL logs, every backscatter/scan/spoof class with its truth.

    python bench/scenario.py [--seed 7] [--hours 8] [--scale 1.0] [--order file|newest|shuffled] > scenario.tsv

writes ``label TAB raw line``; ``generate(seed, hours, scale)`` gives (true epoch, raw, label, class)
in file order (bench/accuracy.py can import it), ``ordered(rows, order, seed)`` reorders them.
Deterministic per seed; about 12,000-20,000 lines at scale 1.

The night runs from 2026-12-31 20:00 to 2027-01-01 04:00 UTC (``hours`` around midnight), through a
syslog relay that writes the true UTC time, year-less (``Dec 31 23:59:58 edge-r1 12345: ``), then
the device's own stamp:

- ``edge-r1``: IOS, clock in sync, year-less, UTC (``Dec 31 23:59:58.123 UTC:``); GigabitEthernet0/0
  faces the Internet (public sources, our public space 198.51.100.0/24 and 192.0.2.0/24 behind it),
  GigabitEthernet0/1 carries our private 10.20/16 and 10.21/16 (edge-r2 likewise);
- ``edge-r2``: IOS, clock 7 minutes slow and unsynced (``*Dec 31 23:52:10.001:``), year-less;
- ``fw1``: ASA, stamps with its own year (``Dec 31 2026 23:59:59: %ASA-...``); during the evening an
  admin turns on ``logging device-id hostname`` and it writes ``Jan 01 2027 00:00:01 fw1 : %ASA-...``.

Classes (truth label): blaster (blaster_backscatter: IOS RSTs from 127.0.0.1:80 to ports 1000-1999 of
the infected host's /16 in hourly bursts, ASA 106015 RST and SYN ACK, the 255.255.255.255:80 SYN
flood, ICMP 3/1 and 3/3 from 127.0.0.1), backscatter_victim, carpet_bombing and established_synack
(backscatter), summary_flow (none: one flow's 5-minute summaries), vertical_scan, horizontal_scan,
slow_scan, distributed_scan, permitted_scan, ipv6_scan and welchia_sweep (scan), martian and
private_on_internet (spoofed_source), ordinary (none) and bad_input (none: uptime stamps, a clock
reset to 1993, a clock in 2030, truncated and garbage lines).

Truth depends only on the thresholds stated: a scan probes >= 20 targets (a distributed one comes
from >= 200 sources), a flood answers >= 25 times over >= 60 s to >= 10 addresses, carpet bombing
comes from >= 100 victims. Actors are distinct addresses, so no two classes share a source.
"""
import argparse
import datetime
import random
import sys

MIDNIGHT = datetime.datetime(2027, 1, 1, tzinfo=datetime.timezone.utc).timestamp()
EDGE_R2_SLOW = 420.0                      # edge-r2's clock runs 7 minutes behind
OUR_PUBLIC = ["198.51.100", "192.0.2"]    # our public /24s, behind edge-r1 Gi0/0 and fw1 outside
OUR_PRIVATE = ["10.20", "10.21"]          # our private /16s, inside
INTERNET_IF, UPSTREAM_MAC = "GigabitEthernet0/0", "0019.e8a1.0f33"
MACS = ["000b.bf55.4c70", "0050.56c0.0008", "001a.2b3c.4d5e", "c8d7.1900.aa01", "3c08.f6e2.11b0"]
V6_OURS, V6_THEIRS = "2001:DB8:2", "2001:DB8:BAD"
CLASSES = {
    "blaster": "blaster_backscatter", "backscatter_victim": "backscatter", "carpet_bombing": "backscatter",
    "established_synack": "backscatter", "summary_flow": "none", "vertical_scan": "scan",
    "horizontal_scan": "scan", "slow_scan": "scan", "distributed_scan": "scan", "permitted_scan": "scan",
    "ipv6_scan": "scan", "welchia_sweep": "scan", "martian": "spoofed_source",
    "private_on_internet": "spoofed_source", "ordinary": "none", "bad_input": "none",
}


class Device:
    """How one device stamps its lines: IOS (year-less, maybe slow and unsynced) or ASA (with year)."""

    def __init__(self, rnd: random.Random, name: str, kind: str, slow: float = 0.0, synced: bool = True,
                 zone: str = ""):
        self.name, self.kind, self.slow, self.synced, self.zone = name, kind, slow, synced, zone
        self.seq = rnd.randrange(10000, 900000)
        self.device_id_from = float("inf")     # ASA: from then on `logging device-id hostname`

    def stamp(self, t: float) -> str:
        local = t - self.slow
        d = datetime.datetime.fromtimestamp(local, datetime.timezone.utc)
        if self.kind == "asa":
            return f"{d:%b %d %Y %H:%M:%S}"
        mark = "" if self.synced else "*"
        zone = f" {self.zone}" if self.zone else ""
        return f"{mark}{d:%b} {d.day:2d} {d:%H:%M:%S}.{int((local % 1) * 1000):03d}{zone}"

    def render(self, t: float, body: str, stamp: str = None) -> str:
        """The line as the relay stores it; ``stamp`` replaces the device's own (a broken clock)."""
        stamp = self.stamp(t) if stamp is None else stamp
        if self.kind == "asa":
            named = f" {self.name} " if t >= self.device_id_from else ""
            return f"{relay(t)} {self.name} : {stamp}{named}: {body}"
        self.seq += 1
        return f"{relay(t)} {self.name} {self.seq:06d}: {stamp}: {body}"


def relay(t: float) -> str:
    d = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
    return f"{d:%b} {d.day:2d} {d:%H:%M:%S}"


def ios(action, proto, src, sport, dst, dport, intf="", mac="", packets=1, icmp=None, acl="inbound"):
    where = f" ({intf} {mac})" if intf and mac else (f" ({intf} )" if intf else "")
    count = f"{packets} packet{'s' if packets != 1 else ''}"
    if icmp is not None:
        return f"%SEC-6-IPACCESSLOGDP: list {acl} {action} icmp {src}{where} -> {dst} ({icmp[0]}/{icmp[1]}), {count}"
    return f"%SEC-6-IPACCESSLOGP: list {acl} {action} {proto} {src}({sport}){where} -> {dst}({dport}), {count}"


def ios6(action, proto, src, sport, dst, dport, ace, icmp=None):
    if icmp is not None:
        return (f"%IPV6_ACL-6-ACCESSLOGDP: list V6IN/{ace} {action} icmpv6 {src} -> {dst} "
                f"({icmp[0]}/{icmp[1]}), 1 packet")
    return f"%IPV6_ACL-6-ACCESSLOGP: list V6IN/{ace} {action} {proto} {src}({sport}) -> {dst}({dport}), 1 packet"


def asa_noconn(src, sport, dst, dport, flags, intf):
    return (f"%ASA-6-106015: Deny TCP (no connection) from {src}/{sport} to {dst}/{dport} flags {flags}  "
            f"on interface {intf}")


def asa_deny(proto, src_if, src, sport, dst_if, dst, dport, group):
    return (f"%ASA-4-106023: Deny {proto} src {src_if}:{src}/{sport} dst {dst_if}:{dst}/{dport} by access-group "
            f"\"{group}\" [0x0, 0x0]")


class Actors:
    """Distinct addresses: no two scenarios (or roles) share one by chance."""

    def __init__(self, rnd: random.Random):
        self.rnd, self.used = rnd, set()

    def _fresh(self, make):
        while True:
            a = make()
            if a not in self.used:
                self.used.add(a)
                return a

    def public(self) -> str:
        r = self.rnd
        return self._fresh(lambda: f"{r.choice([5, 31, 45, 62, 81, 91, 103, 109, 185, 193, 212, 217])}."
                                   f"{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}")

    def inside(self, net16=None) -> str:
        r = self.rnd
        return self._fresh(lambda: f"{net16 or r.choice(OUR_PRIVATE)}.{r.randrange(256)}.{r.randrange(1, 255)}")

    def ours(self, net24=None) -> str:
        r = self.rnd
        return self._fresh(lambda: f"{net24 or r.choice(OUR_PUBLIC)}.{r.randrange(1, 255)}")


def in16(rnd, net16):
    return f"{net16}.{rnd.randrange(256)}.{rnd.randrange(1, 255)}"


def in24(rnd, net24):
    return f"{net24}.{rnd.randrange(1, 255)}"


def eph(rnd):
    return rnd.randrange(32768, 61000)


def spread(rnd, start, duration, n):
    """``n`` times over [start, start + duration), oldest first."""
    return sorted(start + rnd.uniform(0, duration) for _ in range(n))


def ticks(rnd, start, duration, rate):
    """Poisson arrivals at ``rate`` per second over [start, start + duration)."""
    t = start
    while True:
        t += rnd.expovariate(rate)
        if t >= start + duration:
            return
        yield t


# --- scenarios: each yields (true time, device, body[, stamp]) --------------------------------

def blaster_bursts(rnd, dev, start, net16, intf, mac, bursts, form):
    """Hourly bursts of Blaster's answers; ``form``: ios_rst, asa_rst, asa_synack, icmp, broadcast."""
    for b in range(bursts):
        s = start + b * 3600 + rnd.uniform(-240, 240)
        for t in spread(rnd, s, rnd.uniform(60, 600), rnd.randrange(20, 200)):
            dst, port = in16(rnd, net16), rnd.randrange(1000, 2000)
            if form == "ios_rst":
                body = ios("denied", "tcp", "127.0.0.1", 80, dst, port, intf, mac, acl="inboundACLname")
            elif form == "icmp":
                body = ios("denied", "icmp", "127.0.0.1", None, dst, None, intf, mac, icmp=(3, rnd.choice([1, 3])))
            elif form == "broadcast":      # windowsupdate.com unresolved: the flood itself
                body = ios("denied", "tcp", dst, port, "255.255.255.255", 80, intf, mac)
            else:
                body = asa_noconn("127.0.0.1", 80, dst, port, "RST" if form == "asa_rst" else "SYN ACK", intf)
            yield t, dev, body


def backscatter_victim(rnd, dev, start, victim, port, intf, mac):
    """A SYN-flood victim's answers to spoofed addresses of our space: >= 30 over >= 180 s, >= 10 hosts."""
    flags = rnd.choice(["RST ACK", "SYN ACK"])
    for t in spread(rnd, start, rnd.uniform(180, 2400), rnd.randrange(40, 400)):
        dst, dport = in24(rnd, rnd.choice(OUR_PUBLIC)), rnd.randrange(1024, 65536)
        if dev.kind == "asa":
            yield t, dev, asa_noconn(victim, port, dst, dport, flags, intf)
        else:
            yield t, dev, ios("denied", "tcp", victim, port, dst, dport, intf, mac)


def icmp_backscatter(rnd, dev, start, router, intf, mac):
    """A router's unreachables / time-exceeded sent to spoofed sources in our space."""
    for t in spread(rnd, start, rnd.uniform(180, 1800), rnd.randrange(40, 250)):
        kind = rnd.choice([(3, 1), (3, 3), (3, 13), (11, 0)])
        yield t, dev, ios("denied", "icmp", router, None, in24(rnd, rnd.choice(OUR_PUBLIC)), None, intf, mac,
                          icmp=kind)


def carpet_bombing(rnd, actors, dev, start, net24s, intf, mac):
    """100-300 victims answering once or twice each into one or a few of our /24s, in 10-60 minutes."""
    duration = rnd.uniform(600, 3600)
    for _ in range(rnd.randrange(100, 301)):
        victim, port = actors.public(), rnd.choice([80, 443, 53])
        flags = rnd.choice(["SYN ACK", "RST ACK"])
        for t in spread(rnd, start, duration, rnd.choice([1, 1, 2])):
            dst, dport = in24(rnd, rnd.choice(net24s)), rnd.randrange(1024, 65536)
            if dev.kind == "asa":
                yield t, dev, asa_noconn(victim, port, dst, dport, flags, intf)
            else:
                yield t, dev, ios("denied", "tcp", victim, port, dst, dport, intf, mac)


def established_synack(rnd, dev, start, victim, intf, mac):
    """SYN-ACKs let through by ``permit tcp any any established log``: >= 40 of our addresses."""
    hosts = rnd.sample(range(1, 255), rnd.randrange(40, 120))
    times = spread(rnd, start, rnd.uniform(300, 1800), rnd.randrange(max(60, len(hosts)), 300))
    for i, t in enumerate(times):
        net = OUR_PUBLIC[0]
        dst = f"{net}.{hosts[i % len(hosts)]}"
        yield t, dev, ios("permitted", "tcp", victim, 443, dst, rnd.randrange(1024, 65536), intf, mac)


def summary_flow(rnd, dev, start, server, client, intf, mac, action):
    """One real flow: IOS logs its first packet, then a summary every 5 minutes."""
    sport, cport = rnd.choice([443, 80, 993]), eph(rnd)
    yield start, dev, ios(action, "tcp", server, sport, client, cport, intf, mac)
    for k in range(1, rnd.randrange(13, 40)):
        yield start + k * 300 + rnd.uniform(0, 2), dev, ios(action, "tcp", server, sport, client, cport, intf, mac,
                                                           packets=rnd.randrange(2, 400))


def vertical_scan(rnd, dev, start, scanner, target, intf, mac, rate, sport=None):
    """Ports of one host (``sport``: a fixed service source port, nmap -g 53)."""
    sport = sport or eph(rnd)
    t = start
    for port in rnd.sample(range(1, 10000), rnd.randrange(20, 300)):
        t += rnd.expovariate(rate)
        if dev.kind == "asa":
            yield t, dev, asa_deny("tcp", "outside", scanner, sport, "inside", target, port, "outside_in")
        else:
            yield t, dev, ios("denied", "tcp", scanner, sport, target, port, intf, mac)


def slow_scan(rnd, dev, start, scanner, intf, mac, vertical):
    """One probe every 60-180 s for 2-5 hours: ports of one host, or one port over our hosts."""
    interval = rnd.uniform(60, 180)
    n = int(rnd.uniform(2, 5) * 3600 / interval)
    if vertical:
        target, sport = f"{OUR_PUBLIC[0]}.{rnd.randrange(1, 255)}", eph(rnd)
        probes = [(sport, target, port) for port in rnd.sample(range(1, 10000), n)]
    else:
        port = rnd.choice([22, 23, 445])
        hosts = rnd.sample([f"{net}.{h}" for net in OUR_PUBLIC for h in range(1, 255)], n)
        probes = [(eph(rnd), dst, port) for dst in hosts]
    t = start
    for sport, dst, dport in probes:
        t += interval * rnd.uniform(0.8, 1.2)
        yield t, dev, ios("denied", "tcp", scanner, sport, dst, dport, intf, mac)


def horizontal_scan(rnd, dev, start, scanner, net24s, port, intf, mac, rate):
    t = start
    hosts = [f"{net}.{h}" for net in net24s for h in range(1, 255)]
    for dst in rnd.sample(hosts, rnd.randrange(20, min(400, len(hosts)))):
        t += rnd.expovariate(rate)
        yield t, dev, ios("denied", "tcp", scanner, eph(rnd), dst, port, intf, mac)


def distributed_scan(rnd, actors, dev, start, port, intf, mac):
    """Mirai-like: 200-600 sources, one or two probes each, one service port over our space."""
    duration = rnd.uniform(1800, 5400)
    for _ in range(rnd.randrange(200, 601)):
        src = actors.public()
        for t in spread(rnd, start, duration, rnd.choice([1, 1, 1, 2])):
            dst = in24(rnd, rnd.choice(OUR_PUBLIC))
            if dev.kind == "asa":
                yield t, dev, asa_deny("tcp", "outside", src, eph(rnd), "inside", dst, port, "outside_in")
            else:
                yield t, dev, ios("denied", "tcp", src, eph(rnd), dst, port, intf, mac)


def permitted_scan(rnd, r1, r2, start, scanner, port):
    """One scanner: denied by edge-r1, permitted by edge-r2 for other hosts (both are the scan)."""
    for dev, action, net in ((r1, "denied", OUR_PUBLIC[0]), (r2, "permitted", OUR_PUBLIC[1])):
        t = start + rnd.uniform(0, 120)
        for h in rnd.sample(range(1, 255), rnd.randrange(20, 120)):
            t += rnd.expovariate(rnd.choice([0.5, 2.0]))
            yield t, dev, ios(action, "tcp", scanner, eph(rnd), f"{net}.{h}", port, INTERNET_IF, UPSTREAM_MAC)


def ipv6_scan(rnd, dev, start, n):
    """IPv6 TCP vertical and horizontal scans and ICMPv6 echo sweeps, IOS IPv6 ACL form."""
    scanner = f"{V6_THEIRS}:{n + 1:X}::{rnd.randrange(2, 0xffff):X}"
    t = start
    kind = n % 3
    if kind == 0:
        target = f"{V6_OURS}::{rnd.randrange(0x10, 0xff):X}"
        sport = eph(rnd)
        for port in rnd.sample(range(1, 10000), rnd.randrange(20, 200)):
            t += rnd.expovariate(rnd.choice([1.0, 10.0]))
            yield t, dev, ios6("denied", "tcp", scanner, sport, target, port, 20)
    elif kind == 1:
        port = rnd.choice([22, 23, 80, 445, 3389])
        for h in rnd.sample(range(0x10, 0x400), rnd.randrange(20, 200)):
            t += rnd.expovariate(rnd.choice([1.0, 10.0]))
            yield t, dev, ios6("denied", "tcp", scanner, eph(rnd), f"{V6_OURS}::{h:X}", port, 20)
    else:
        first = rnd.randrange(1, 0x100)
        for h in range(first, first + rnd.randrange(20, 200)):
            t += rnd.expovariate(rnd.choice([2.0, 20.0]))
            yield t, dev, ios6("denied", None, scanner, None, f"{V6_OURS}::{h:X}", None, 30, icmp=(128, 0))


def welchia_sweep(rnd, dev, start, infected, net16, intf, mac):
    """ICMP echo to consecutive addresses, Welchia/Nachi's way of finding hosts."""
    t, third = start, rnd.randrange(256)
    for host in range(rnd.randrange(1, 50), rnd.randrange(120, 255)):
        t += rnd.expovariate(rnd.choice([2.0, 20.0]))
        yield t, dev, ios("denied", "icmp", infected, None, f"{net16}.{third}.{host}", None, intf, mac, icmp=(8, 0))


def martian(rnd, r1, r2, fw, start, duration):
    """Loopback / link-local / multicast / 'this network' / reserved sources that are not answers;
    ASA 106016 spoof drops."""
    for t in ticks(rnd, start, duration, 0.012):
        kind = rnd.randrange(6)
        dev = rnd.choice([r1, r2])
        mac = rnd.choice(MACS)
        if kind == 0:
            body = ios("denied", "tcp", "127.0.0.1", eph(rnd), in16(rnd, "10.20"), rnd.choice([443, 445, 22, 8080]),
                       "GigabitEthernet0/1", mac)
        elif kind == 1:
            body = ios("denied", "udp", f"169.254.{rnd.randrange(256)}.{rnd.randrange(1, 255)}", eph(rnd),
                       in16(rnd, "10.21"), 53, "GigabitEthernet0/1", mac)
        elif kind == 2:
            body = ios("denied", "udp", f"224.0.0.{rnd.randrange(1, 255)}", 5353, in16(rnd, "10.21"), 5353,
                       "GigabitEthernet0/1", mac)
        elif kind == 3:
            body = ios("denied", "tcp", f"0.0.0.{rnd.randrange(1, 255)}", eph(rnd), in24(rnd, OUR_PUBLIC[0]), 25,
                       INTERNET_IF, UPSTREAM_MAC)
        elif kind == 4:
            body = ios("denied", "udp", f"240.{rnd.randrange(256)}.{rnd.randrange(256)}.{rnd.randrange(1, 255)}",
                       eph(rnd), in24(rnd, OUR_PUBLIC[1]), rnd.choice([123, 161, 1900]), INTERNET_IF, UPSTREAM_MAC)
        else:
            dev = fw
            src = rnd.choice(["127.0.0.1", in16(rnd, "10.20"), in24(rnd, OUR_PUBLIC[0])])
            body = f"%ASA-2-106016: Deny IP spoof from ({src}) to {in24(rnd, OUR_PUBLIC[1])} on interface outside"
        yield t, dev, body


def private_on_internet(rnd, actors, dev, start, duration):
    """Private / shared-space sources on the Internet-facing interface, a few an hour, denied."""
    def source():
        r = rnd
        return actors._fresh(lambda: r.choice([
            f"10.{r.randrange(30, 250)}.{r.randrange(256)}.{r.randrange(1, 255)}",
            f"172.{r.randrange(16, 32)}.{r.randrange(256)}.{r.randrange(1, 255)}",
            f"192.168.{r.randrange(256)}.{r.randrange(1, 255)}",
            f"100.{r.randrange(64, 128)}.{r.randrange(256)}.{r.randrange(1, 255)}"]))
    src = source()
    for t in ticks(rnd, start, duration, rnd.uniform(4, 7) / 3600):
        if rnd.random() < 0.6:
            src = source()
        if rnd.random() < 0.6:
            proto, sport, dport = "tcp", eph(rnd), rnd.choice([22, 23, 80, 445, 3389, 8080])
        else:
            proto, sport, dport = rnd.choice(["tcp", "udp"]), rnd.randrange(1, 65536), rnd.randrange(1, 65536)
        yield t, dev, ios("denied", proto, src, sport, in24(rnd, rnd.choice(OUR_PUBLIC)), dport, INTERNET_IF,
                          UPSTREAM_MAC)


NOISE = [
    "%LINK-3-UPDOWN: Interface GigabitEthernet0/2, changed state to up",
    "%LINEPROTO-5-UPDOWN: Line protocol on Interface GigabitEthernet0/2, changed state to down",
    "%SYS-5-CONFIG_I: Configured from console by admin on vty0 (10.20.0.5)",
    "%SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: admin] [Source: 10.20.0.5] [localport: 22]",
]
ASA_NOISE = [
    "%ASA-6-302013: Built inbound TCP connection 1181 for outside:81.2.69.160/443 (81.2.69.160/443) to "
    "inside:10.20.0.5/51000 (10.20.0.5/51000)",
    "%ASA-5-111008: User 'admin' executed the 'write memory' command.",
    "%ASA-6-305011: Built dynamic TCP translation from inside:10.21.3.4/50112 to outside:198.51.100.1/50112",
]


class Ordinary:
    """Clients and servers: permitted sessions and replies, a few denials, stray late answers, noise."""

    def __init__(self, rnd, actors):
        self.rnd = rnd
        self.clients = [actors.inside() for _ in range(60)]
        self.servers = [actors.public() for _ in range(20)]
        self.web = [actors.ours(OUR_PUBLIC[0]) for _ in range(2)]     # our web servers

    def line(self, t, r1, r2, fw):
        rnd = self.rnd
        c, s = rnd.choice(self.clients), rnd.choice(self.servers[:8] if rnd.random() < 0.8 else self.servers)
        inside = "GigabitEthernet0/1"
        dev = rnd.choice([r1, r2])
        k = rnd.random()
        if k < 0.25:
            body = ios("permitted", "tcp", c, eph(rnd), s, rnd.choice([80, 443, 22]), inside,
                       packets=rnd.randrange(1, 40))
        elif k < 0.42:
            body = ios("permitted", "tcp", s, rnd.choice([80, 443]), c, eph(rnd), INTERNET_IF, UPSTREAM_MAC,
                       packets=rnd.randrange(1, 40))
        elif k < 0.52:      # the public reaching our web servers: hundreds of public sources, each once
            body = ios("permitted", "tcp", self.fresh_client(), eph(rnd), rnd.choice(self.web), 443, INTERNET_IF,
                       UPSTREAM_MAC, packets=rnd.randrange(1, 20))
            dev = r1
        elif k < 0.58:
            body = ios("permitted", "udp", c, eph(rnd), "10.20.0.53", 53, inside)
        elif k < 0.64:      # each client is denied one service on one server, never more
            i = self.clients.index(c) % 3
            body = ios("denied", "tcp", c, eph(rnd), self.servers[i], [25, 23, 3389][i], inside)
        elif k < 0.69:      # a late answer after the session timed out
            body = ios("denied", "tcp", rnd.choice(self.servers), 443, c, eph(rnd), INTERNET_IF, UPSTREAM_MAC,
                       packets=rnd.randrange(1, 3))
        elif k < 0.75:
            dev, body = fw, asa_deny("udp", "inside", c, 137, "outside", s, 137, "inside_in")
        elif k < 0.79:
            body = ios("denied", "icmp", s, None, c, None, INTERNET_IF, UPSTREAM_MAC,
                       icmp=(rnd.choice([0, 3, 11]), 0))
        elif k < 0.86:      # the ASA forgot the connection: late packets of real sessions
            flags = rnd.choice(["FIN ACK", "PSH ACK", "ACK", "FIN PSH ACK", "RST ACK"])
            dev, body = fw, asa_noconn(s, 443, c, eph(rnd), flags, "outside")
        elif k < 0.90:      # a peer-to-peer client reaching peers on their own high ports
            body = ios(rnd.choice(["denied", "permitted", "permitted"]), rnd.choice(["tcp", "udp"]), self.clients[0],
                       eph(rnd), self.fresh_client(), rnd.randrange(1025, 65536), inside)
        elif k < 0.96:      # a web proxy reaching many servers on 443, permitted
            body = ios("permitted", "tcp", self.clients[1], eph(rnd), self.fresh_client(), 443, inside,
                       packets=rnd.randrange(1, 30))
        elif k < 0.98:
            body = rnd.choice(NOISE)
        else:
            dev, body = fw, rnd.choice(ASA_NOISE)
        return dev, body

    def fresh_client(self):
        r = self.rnd
        return f"{r.choice([24, 37, 46, 68, 73, 86, 98, 151, 176, 188])}.{r.randrange(256)}.{r.randrange(256)}." \
               f"{r.randrange(1, 255)}"


def ordinary(rnd, actors, r1, r2, fw, start, duration, rate):
    gen = Ordinary(rnd, actors)
    for t in ticks(rnd, start, duration, rate):
        dev, body = gen.line(t, r1, r2, fw)
        yield t, dev, body


def bad_input(rnd, actors, r1, r2, fw, start, duration, n):
    """Lines whose time cannot be placed, or that cannot be read; their traffic is ordinary (none)."""
    gen = Ordinary(rnd, actors)
    boot = start + rnd.uniform(0, duration / 2)       # edge-r2 boots without NTP: 1993 / Mar 1 clocks
    for t in spread(rnd, start, duration, n):
        c, s = rnd.choice(gen.clients), rnd.choice(gen.servers)
        body = ios("permitted", "tcp", c, eph(rnd), s, rnd.choice([80, 443]), "GigabitEthernet0/1",
                   packets=rnd.randrange(1, 40))
        up = max(t - boot, 0) + 83
        k = rnd.randrange(7)
        if k == 0:
            yield t, r1, body, f"{rnd.randrange(1, 4)}w{rnd.randrange(0, 7)}d"
        elif k == 1:
            yield t, r1, body, f"{int(up // 3600):02d}:{int(up % 3600 // 60):02d}:{int(up % 60):02d}"
        elif k == 2:
            d = datetime.datetime(1993, 3, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=up)
            yield t, r2, body, f"{d:%b} {d.day:2d} {d.year} {d:%H:%M:%S}"
        elif k == 3:
            d = datetime.datetime(1993, 3, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=up)
            yield t, r2, body, f"*{d:%b} {d.day:2d} {d:%H:%M:%S}.{rnd.randrange(1000):03d}"
        elif k == 4:
            d = datetime.datetime.fromtimestamp(t, datetime.timezone.utc).replace(year=2030)
            yield t, fw, asa_deny("udp", "inside", c, 137, "outside", s, 137, "inside_in"), f"{d:%b %d %Y %H:%M:%S}"
        elif k == 5:                       # truncated by the relay
            line = r1.render(t, body)
            yield t, None, line[:rnd.randrange(30, len(line) - 12)], None
        else:
            yield t, None, rnd.choice([
                f"{relay(t)} edge-r1 {rnd.randrange(10**5, 10**6)}: ",
                f"{relay(t)} fw1 : %ASA-6-",
                "",
                "#@!~ garbage \ufffd\ufffd",
                f"{relay(t)} edge-r2 last message repeated 3 times",
                "-- MARK --",
                f"{relay(t)} edge-r1 %SEC-6-IPACCESSLOGP: list inbound denied tcp",
            ]), None


# --- the night ---------------------------------------------------------------------------------

def generate(seed: int = 7, hours: float = 8.0, scale: float = 1.0) -> list:
    """(true epoch, raw, label, class) in file order (the relay's, oldest first)."""
    rnd = random.Random(seed)
    actors = Actors(rnd)
    r1 = Device(rnd, "edge-r1", "ios", zone="UTC")
    r2 = Device(rnd, "edge-r2", "ios", slow=EDGE_R2_SLOW, synced=False)
    fw = Device(rnd, "fw1", "asa")
    span = hours * 3600
    start = MIDNIGHT - span / 2

    def at(lo=0.0, hi=0.85):
        return start + rnd.uniform(lo, hi) * span

    def near_midnight():
        return MIDNIGHT - rnd.uniform(300, 1500)

    fw.device_id_from = start + rnd.uniform(0.2, 0.45) * span
    switch = "%ASA-5-111008: User 'admin' executed the 'logging device-id hostname' command."
    n = max(1, round(scale))
    sc = []                       # (class, generator)
    for i in range(n):
        infected = rnd.choice(MACS)
        sc.append(("blaster", blaster_bursts(rnd, r1, at(0, 0.3), "10.20", "GigabitEthernet0/1", infected,
                                             rnd.randrange(4, 7), "ios_rst")))
        sc.append(("blaster", blaster_bursts(rnd, fw, near_midnight(), "10.21", "inside", "", rnd.randrange(2, 4),
                                             "asa_rst")))
        sc.append(("blaster", blaster_bursts(rnd, fw, at(0.1, 0.7), "10.21", "inside", "", rnd.randrange(1, 3),
                                             "asa_synack")))
        sc.append(("blaster", blaster_bursts(rnd, r2, at(), "10.21", "GigabitEthernet0/1", rnd.choice(MACS),
                                             rnd.randrange(1, 3), "broadcast")))
        sc.append(("blaster", blaster_bursts(rnd, r2, near_midnight(), "10.20", "GigabitEthernet0/1",
                                             rnd.choice(MACS), rnd.randrange(1, 3), "icmp")))
        sc.append(("backscatter_victim", backscatter_victim(rnd, r1, near_midnight(), actors.public(),
                                                            rnd.choice([80, 443]), INTERNET_IF, UPSTREAM_MAC)))
        sc.append(("backscatter_victim", backscatter_victim(rnd, fw, at(), actors.public(), rnd.choice([80, 443]),
                                                            "outside", "")))
        sc.append(("backscatter_victim", icmp_backscatter(rnd, r2, at(), actors.public(), INTERNET_IF,
                                                          UPSTREAM_MAC)))
        sc.append(("carpet_bombing", carpet_bombing(rnd, actors, r1, near_midnight(), [OUR_PUBLIC[0]],
                                                    INTERNET_IF, UPSTREAM_MAC)))
        sc.append(("carpet_bombing", carpet_bombing(rnd, actors, fw, at(), OUR_PUBLIC, "outside", "")))
        sc.append(("established_synack", established_synack(rnd, r1, at(), actors.public(), INTERNET_IF,
                                                            UPSTREAM_MAC)))
        sc.append(("established_synack", established_synack(rnd, r2, near_midnight(), actors.public(),
                                                            INTERNET_IF, UPSTREAM_MAC)))
        for dev, action in ((r1, "denied"), (r2, "permitted"), (r1, "denied")):
            sc.append(("summary_flow", summary_flow(rnd, dev, at(0, 0.6), actors.public(), actors.inside(),
                                                    INTERNET_IF, UPSTREAM_MAC, action)))
        sc.append(("vertical_scan", vertical_scan(rnd, r1, at(), actors.public(), actors.ours(), INTERNET_IF,
                                                  UPSTREAM_MAC, rnd.choice([1.0, 20.0]))))
        sc.append(("vertical_scan", vertical_scan(rnd, fw, near_midnight(), actors.public(), actors.ours(),
                                                  "outside", "", 5.0)))
        sc.append(("vertical_scan", vertical_scan(rnd, r2, at(), actors.public(), actors.ours(), INTERNET_IF,
                                                  UPSTREAM_MAC, 2.0, sport=rnd.choice([53, 80, 88]))))
        sc.append(("horizontal_scan", horizontal_scan(rnd, r1, near_midnight(), actors.public(), OUR_PUBLIC,
                                                      rnd.choice([22, 445, 3389]), INTERNET_IF, UPSTREAM_MAC,
                                                      rnd.choice([0.5, 20.0]))))
        sc.append(("horizontal_scan", horizontal_scan(rnd, r2, at(), actors.public(), OUR_PUBLIC[1:],
                                                      rnd.choice([1433, 5900]), INTERNET_IF, UPSTREAM_MAC, 5.0)))
        sc.append(("slow_scan", slow_scan(rnd, r1, at(0, 0.4), actors.public(), INTERNET_IF, UPSTREAM_MAC, True)))
        sc.append(("slow_scan", slow_scan(rnd, r2, at(0, 0.4), actors.public(), INTERNET_IF, UPSTREAM_MAC, False)))
        sc.append(("distributed_scan", distributed_scan(rnd, actors, r1, near_midnight(), rnd.choice([23, 2323]),
                                                        INTERNET_IF, UPSTREAM_MAC)))
        sc.append(("distributed_scan", distributed_scan(rnd, actors, fw, at(), 5555, "outside", "")))
        sc.append(("permitted_scan", permitted_scan(rnd, r1, r2, near_midnight(), actors.public(),
                                                    rnd.choice([22, 8443, 9200]))))
        for k in range(3):
            sc.append(("ipv6_scan", ipv6_scan(rnd, r1, at(), 3 * i + k)))
        sc.append(("welchia_sweep", welchia_sweep(rnd, r2, at(), actors.inside("10.20"), "10.21",
                                                  "GigabitEthernet0/1", rnd.choice(MACS))))
        sc.append(("welchia_sweep", welchia_sweep(rnd, r1, near_midnight(), actors.inside("10.21"), "10.20",
                                                  "GigabitEthernet0/1", rnd.choice(MACS))))
    sc.append(("ordinary", iter([(fw.device_id_from - 0.001, fw, switch)])))
    sc.append(("martian", martian(rnd, r1, r2, fw, start, span)))
    sc.append(("private_on_internet", private_on_internet(rnd, actors, r1, start, span)))
    sc.append(("ordinary", ordinary(rnd, actors, r1, r2, fw, start, span, 0.33 * scale)))
    sc.append(("bad_input", bad_input(rnd, actors, r1, r2, fw, start, span, max(30, int(span / 150 * scale)))))

    events = []
    for cls, gen in sc:
        for ev in gen:
            t, dev, body = ev[:3]
            events.append((t, len(events), dev, body, ev[3] if len(ev) > 3 else None, cls))
    events.sort(key=lambda e: (e[0], e[1]))
    out = []
    for t, _k, dev, body, stamp, cls in events:       # sequence numbers in file order
        raw = body if dev is None else dev.render(t, body, stamp)
        out.append((t, raw, CLASSES[cls], cls))
    return out


def ordered(rows: list, order: str = "file", seed: int = 7) -> list:
    """The rows in file order, newest first (Splunk's), or shuffled (deterministic per seed)."""
    if order == "file":
        return list(rows)
    if order == "newest":
        return list(reversed(rows))
    if order == "shuffled":
        out = list(rows)
        random.Random(seed).shuffle(out)
        return out
    raise ValueError(f"order must be file, newest or shuffled, not {order!r}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--hours", type=float, default=8.0)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--order", choices=("file", "newest", "shuffled"), default="file")
    args = ap.parse_args(argv)
    for _t, raw, label, _cls in ordered(generate(args.seed, args.hours, args.scale), args.order, args.seed):
        sys.stdout.write(f"{label}\t{raw}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
