#!/usr/bin/env python
"""Labelled ACL traffic for measuring the backscatter classifier: raw syslog lines with true labels.

    python bench/traffic.py [--seed 7] [--hours 6] [--scale 1.0] > traffic.tsv   (label TAB line)

Scenarios (each a generator of (epoch, raw line, true label)), placed at random times over the
span so they overlap, at varied rates, on IOS routers (IPACCESSLOGP/DP, device clocks in UTC, EST
or CET, with and without year) and ASAs (106015, 106023, 106001, 106016):

- Blaster inside: RSTs from 127.0.0.1:80 to ports 1000-1999 of random addresses of the infected
  host's own /16 (one of ours), in hourly bursts (the seed's pattern); Blaster outside: the same
  for a /16 that is not ours, through a transit router; the 255.255.255.255:80 SYN variant;
- generic backscatter: a SYN-flood victim's port 80/443 (a real public address) answering
  random spoofed addresses and ephemeral ports (RST, SYN/ACK), and a router's ICMP errors;
- scans: vertical (ports of one host), horizontal (one port over many hosts), slow ones
  (one probe every 20-40 s), from a service source port (nmap -g 53), Welchia-style ICMP echo
  sweeps; one scan runs on the router that logs Blaster, at the same time, through the same interface;
- loopback, link-local, multicast and reserved sources that are not answers; ASA spoof drops;
- ordinary traffic: clients to servers, permitted replies, a few denied connections, stray late
  RSTs and ICMP, late session packets an ASA no longer tracks (106015 FIN ACK, PSH ACK);
  non-ACL noise (link, config and login messages).

Truth is the scenario's label; it does not depend on the classifier's thresholds except where
the domain sets them (a scan here probes at least 20 targets, a flood answers for at least 3
minutes at 0.1 packets/s or more: CAIDA's 25 packets over 60 s). Hard negatives: a peer-to-peer
client reaching many peers on their own high ports, a web proxy reaching many servers on 443.
"""
import argparse
import datetime
import random
import sys

BASE = datetime.datetime(2026, 11, 24, 8, 0, 0, tzinfo=datetime.timezone.utc).timestamp()
OURS = ["10.20", "10.21", "172.16", "192.168"]        # our /16s
THEIRS = ["203.0", "198.18", "100.64", "45.33"]      # /16s elsewhere (transit)
MACS = ["000b.bf55.4c70", "0019.e8a1.0f33", "0050.56c0.0008", "001a.2b3c.4d5e", "c8d7.1900.aa01"]
ZONES = {"UTC": 0, "EST": -5, "CET": 1}


class Device:
    """How one device writes its lines: IOS (zone, year or not) or ASA."""

    def __init__(self, rnd: random.Random, name: str, kind: str, zone: str = "UTC", year: bool = False):
        self.rnd, self.name, self.kind, self.zone, self.year = rnd, name, kind, zone, year
        self.seq = rnd.randrange(1000, 900000)

    def stamp(self, t: float) -> str:
        local = datetime.datetime.fromtimestamp(t + ZONES[self.zone] * 3600, datetime.timezone.utc)
        ms = int((t % 1) * 1000)
        if self.year:
            return f"{local:%b} {local.day} {local.year} {local:%H:%M:%S}.{ms:03d} {self.zone}"
        return f"{local:%b} {local.day:2d} {local:%H:%M:%S}.{ms:03d} {self.zone}"

    def relay(self, t: float) -> str:
        utc = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
        return f"{utc:%b} {utc.day:2d} {utc:%H:%M:%S}"

    def ios(self, t, action, proto, src, sport, dst, dport, intf="", mac="", packets=1, icmp=None):
        self.seq += 1
        where = f" ({intf} {mac})" if intf and mac else (f" ({intf} )" if intf else "")
        if icmp is not None:
            body = (f"%SEC-6-IPACCESSLOGDP: list 101 {action} icmp {src}{where} -> {dst} "
                    f"({icmp[0]}/{icmp[1]}), {packets} packet{'s' if packets > 1 else ''}")
        else:
            body = (f"%SEC-6-IPACCESSLOGP: list inbound {action} {proto} {src}({sport}){where} -> "
                    f"{dst}({dport}), {packets} packet{'s' if packets > 1 else ''}")
        return f"{self.relay(t)} {self.name} {self.seq}: {self.stamp(t)}: {body}"

    def asa(self, t, body):
        utc = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
        return f"{utc:%b} {utc.day:2d} {utc:%H:%M:%S} {self.name} : {body}"


def addr(rnd, net16):
    return f"{net16}.{rnd.randrange(0, 256)}.{rnd.randrange(1, 255)}"


def public(rnd):
    return f"{rnd.choice([45, 62, 81, 91, 103, 185, 193, 212])}.{rnd.randrange(256)}.{rnd.randrange(256)}." \
           f"{rnd.randrange(1, 255)}"


def ticks(rnd, start, duration, rate):
    """Poisson arrivals at ``rate`` per second over [start, start + duration)."""
    t = start
    while True:
        t += rnd.expovariate(rate)
        if t >= start + duration:
            return
        yield t


# --- scenarios ------------------------------------------------------------------------------

def blaster(rnd, dev, start, net16, intf, mac, bursts, asa=False):
    """Hourly bursts of Blaster RSTs (the seed: 4-6 times a day an hour apart)."""
    for b in range(bursts):
        s = start + b * 3600 + rnd.uniform(-300, 300)
        for t in ticks(rnd, s, rnd.uniform(60, 900), rnd.choice([0.05, 0.5, 5, 40])):
            dst, dport = addr(rnd, net16), rnd.randrange(1000, 2000)
            if asa:
                line = dev.asa(t, f"%ASA-6-106015: Deny TCP (no connection) from 127.0.0.1/80 to {dst}/{dport} "
                                  f"flags RST  on interface {intf}")
            else:
                line = dev.ios(t, "denied", "tcp", "127.0.0.1", 80, dst, dport, intf, mac)
            yield t, line, "blaster_backscatter"


def blaster_broadcast(rnd, dev, start, net16, intf, mac):
    """windowsupdate.com unresolved: SYNs to 255.255.255.255:80 from spoofed sources of the host's /16."""
    for t in ticks(rnd, start, rnd.uniform(120, 1200), rnd.uniform(0.2, 20)):
        yield t, dev.ios(t, "denied", "tcp", addr(rnd, net16), rnd.randrange(1000, 2000), "255.255.255.255",
                         80, intf, mac), "blaster_backscatter"


def syn_flood_backscatter(rnd, dev, start, victim, port, intf, mac, nets):
    """A victim's answers to a spoofed-source SYN flood, the part that lands in our space."""
    flags = rnd.choice(["RST ACK", "SYN ACK"])
    for t in ticks(rnd, start, rnd.uniform(180, 3600), rnd.choice([0.1, 0.3, 1.0, 30.0])):
        dst, dport = addr(rnd, rnd.choice(nets)), rnd.randrange(1024, 65536)
        if dev.kind == "asa":
            line = dev.asa(t, f"%ASA-6-106015: Deny TCP (no connection) from {victim}/{port} to {dst}/{dport} "
                              f"flags {flags}  on interface {intf}")
        else:
            line = dev.ios(t, "denied", "tcp", victim, port, dst, dport, intf, mac)
        yield t, line, "backscatter"


def icmp_backscatter(rnd, dev, start, router, intf, mac):
    """A router's unreachables / time-exceeded sent to spoofed sources."""
    for t in ticks(rnd, start, rnd.uniform(180, 1800), rnd.uniform(0.2, 5)):
        kind = rnd.choice([(3, 1), (3, 3), (11, 0)])
        yield t, dev.ios(t, "denied", "icmp", router, None, addr(rnd, rnd.choice(OURS)), None, intf, mac,
                         icmp=kind), "backscatter"


def vertical_scan(rnd, dev, start, scanner, target, intf, mac, rate):
    ports = rnd.sample(range(1, 10000), rnd.randrange(20, 400))
    sport = rnd.randrange(32768, 61000)
    t = start
    for port in ports:
        t += rnd.expovariate(rate)
        action = "permitted" if port in (22, 80, 443) else "denied"
        if dev.kind == "asa":
            line = dev.asa(t, f"%ASA-4-106023: Deny tcp src outside:{scanner}/{sport} dst inside:{target}/{port} "
                              f"by access-group \"outside_in\" [0x0, 0x0]")
        else:
            line = dev.ios(t, action, "tcp", scanner, sport, target, port, intf, mac)
        yield t, line, "scan"


def horizontal_scan(rnd, dev, start, scanner, net16, port, intf, mac, rate, proto="tcp"):
    t = start
    for _ in range(rnd.randrange(20, 500)):
        t += rnd.expovariate(rate)
        yield t, dev.ios(t, "denied", proto, scanner, rnd.randrange(1024, 65536), addr(rnd, net16), port,
                         intf, mac), "scan"


def source_port_scan(rnd, dev, start, scanner, target, intf, mac):
    """nmap -g 53/80: a vertical scan of high ports from a service source port (looks like answers)."""
    sport = rnd.choice([53, 80, 88])
    t = start
    for port in rnd.sample(range(1024, 65536), rnd.randrange(20, 200)):
        t += rnd.expovariate(rnd.choice([0.5, 10.0]))
        yield t, dev.ios(t, "denied", "tcp", scanner, sport, target, port, intf, mac), "scan"


def peer_to_peer(rnd, dev, start, client, intf):
    """Ordinary: a file-sharing client reaching many peers, each on its own high port (not a scan)."""
    for t in ticks(rnd, start, rnd.uniform(600, 3600), rnd.uniform(0.05, 1.0)):
        action = "denied" if rnd.random() < 0.6 else "permitted"
        yield t, dev.ios(t, action, rnd.choice(["tcp", "udp"]), client, rnd.randrange(49152, 65536), public(rnd),
                         rnd.randrange(1025, 65536), intf), "none"


def web_proxy(rnd, dev, start, proxy, intf):
    """Ordinary: a proxy reaching many web servers on 443, permitted (not a horizontal scan)."""
    for t in ticks(rnd, start, rnd.uniform(600, 3600), rnd.uniform(0.2, 3.0)):
        yield t, dev.ios(t, "permitted", "tcp", proxy, rnd.randrange(49152, 65536), public(rnd), 443, intf,
                         packets=rnd.randrange(1, 30)), "none"


def welchia_sweep(rnd, dev, start, infected, net16, intf, mac):
    """ICMP echo (92 bytes) to consecutive addresses, Welchia/Nachi's way of finding hosts."""
    t, third = start, rnd.randrange(256)
    for host in range(rnd.randrange(1, 50), rnd.randrange(120, 255)):
        t += rnd.expovariate(rnd.choice([2.0, 20.0]))
        yield t, dev.ios(t, "denied", "icmp", infected, None, f"{net16}.{third}.{host}", None, intf, mac,
                         icmp=(8, 0)), "scan"


def martian_sources(rnd, dev, asa, start):
    """Loopback / link-local / multicast / reserved sources that are not answers; ASA spoof drops."""
    for t in ticks(rnd, start, 6 * 3600, 0.01):
        kind = rnd.randrange(5)
        if kind == 0:
            line = dev.ios(t, "denied", "tcp", "127.0.0.1", rnd.randrange(1024, 65536), addr(rnd, "10.20"),
                           rnd.choice([80, 443, 445, 22]), "Ethernet0/1", rnd.choice(MACS))
        elif kind == 1:
            line = dev.ios(t, "denied", "udp", f"169.254.{rnd.randrange(256)}.{rnd.randrange(1, 255)}",
                           rnd.randrange(1024, 65536), addr(rnd, "10.21"), 53, "Ethernet0/2", rnd.choice(MACS))
        elif kind == 2:
            line = dev.ios(t, "denied", "udp", f"224.0.0.{rnd.randrange(1, 255)}", 5353, addr(rnd, "10.21"), 5353,
                           "Ethernet0/2", rnd.choice(MACS))
        elif kind == 3:
            line = dev.ios(t, "denied", "tcp", f"0.0.0.{rnd.randrange(1, 255)}", rnd.randrange(1024, 65536),
                           addr(rnd, "10.20"), 25, "Ethernet0/1", rnd.choice(MACS))
        else:
            src = rnd.choice(["127.0.0.1", public(rnd), addr(rnd, "10.20")])
            line = asa.asa(t, f"%ASA-2-106016: Deny IP spoof from ({src}) to {addr(rnd, '10.21')} on interface outside")
        yield t, line, "spoofed_source"


def ordinary(rnd, dev, asa, start, hours):
    """Clients and servers: permitted sessions and replies, a few denials, stray late RSTs, noise."""
    clients = [addr(rnd, "10.20") for _ in range(40)]
    servers = [public(rnd) for _ in range(15)]
    for t in ticks(rnd, start, hours * 3600, 2.0):
        c, s = rnd.choice(clients), rnd.choice(servers[:8] if rnd.random() < 0.8 else servers)
        kind = rnd.random()
        if kind < 0.35:
            line = dev.ios(t, "permitted", "tcp", c, rnd.randrange(49152, 65536), s, rnd.choice([80, 443, 22]),
                           "Ethernet0/0", packets=rnd.randrange(1, 40))
        elif kind < 0.55:
            line = dev.ios(t, "permitted", "tcp", s, rnd.choice([80, 443]), c, rnd.randrange(49152, 65536),
                           "Ethernet0/0", packets=rnd.randrange(1, 40))
        elif kind < 0.65:
            line = dev.ios(t, "permitted", "udp", c, rnd.randrange(49152, 65536), "10.0.0.53", 53, "Ethernet0/0")
        elif kind < 0.75:
            i = clients.index(c) % 3
            line = dev.ios(t, "denied", "tcp", c, rnd.randrange(49152, 65536), servers[i], [25, 23, 3389][i],
                           "Ethernet0/0")
        elif kind < 0.82:      # a late answer after the session timed out, from any server
            line = dev.ios(t, "denied", "tcp", rnd.choice(servers), 443, c, rnd.randrange(49152, 65536),
                           "Ethernet0/0", packets=rnd.randrange(1, 3))
        elif kind < 0.88:
            line = asa.asa(t, f"%ASA-4-106023: Deny udp src inside:{c}/137 dst outside:{s}/137 by access-group "
                              f"\"inside_in\" [0x0, 0x0]")
        elif kind < 0.92:
            line = dev.ios(t, "denied", "icmp", s, None, c, None, "Ethernet0/0", icmp=(rnd.choice([0, 3, 11]), 0))
        elif kind < 0.96:      # the ASA forgot the connection: late packets of real sessions
            flags = rnd.choice(["FIN ACK", "PSH ACK", "ACK", "FIN PSH ACK", "ACK", "PSH ACK", "FIN ACK", "ACK",
                                "PSH ACK", "RST ACK"])
            line = asa.asa(t, f"%ASA-6-106015: Deny TCP (no connection) from {s}/443 to {c}/"
                              f"{rnd.randrange(49152, 65536)} flags {flags}  on interface outside")
        else:
            line = dev.asa(t, rnd.choice([
                "%LINK-3-UPDOWN: Interface Ethernet0/1, changed state to up",
                "%SYS-5-CONFIG_I: Configured from console by admin on vty0 (10.20.0.5)",
                "%SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: admin] [Source: 10.20.0.5] [localport: 22]",
                "%ASA-6-302013: Built inbound TCP connection 1 for outside:1.2.3.4/443 (1.2.3.4/443) to "
                "inside:10.20.0.5/5000 (10.20.0.5/5000)"]))
        yield t, line, "none"


def generate(seed: int = 7, hours: float = 6.0, scale: float = 1.0) -> list:
    """(epoch, raw, label) sorted oldest first."""
    rnd = random.Random(seed)
    r1 = Device(rnd, "edge-r1", "ios", "EST")
    r2 = Device(rnd, "transit-r2", "ios", "CET", year=True)
    r3 = Device(rnd, "core-r3", "ios", "UTC", year=True)
    fw = Device(rnd, "fw1", "asa")
    span = hours * 3600

    def at():
        return BASE + rnd.uniform(0, span * 0.8)

    scenarios = []
    for _ in range(max(1, int(3 * scale))):
        scenarios.append(blaster(rnd, r1, at(), rnd.choice(OURS), "Ethernet0/1", rnd.choice(MACS),
                                 rnd.randrange(1, 5)))
        scenarios.append(blaster(rnd, r2, at(), rnd.choice(THEIRS), "GigabitEthernet0/0/1", rnd.choice(MACS),
                                 rnd.randrange(1, 4)))
        scenarios.append(blaster(rnd, fw, at(), rnd.choice(OURS), "inside", "", rnd.randrange(1, 3), asa=True))
        scenarios.append(blaster_broadcast(rnd, r3, at(), rnd.choice(OURS), "Vlan20", rnd.choice(MACS)))
        victim = public(rnd)
        scenarios.append(syn_flood_backscatter(rnd, r1, at(), victim, rnd.choice([80, 443]), "Ethernet0/1",
                                               rnd.choice(MACS), OURS[:1]))
        scenarios.append(syn_flood_backscatter(rnd, fw, at(), public(rnd), rnd.choice([80, 443]), "outside", "",
                                               OURS))
        scenarios.append(icmp_backscatter(rnd, r2, at(), public(rnd), "GigabitEthernet0/0/1", rnd.choice(MACS)))
        scenarios.append(vertical_scan(rnd, r3, at(), public(rnd), addr(rnd, "10.20"), "Gi0/1", rnd.choice(MACS),
                                       rnd.choice([0.04, 1.0, 50.0])))
        scenarios.append(vertical_scan(rnd, fw, at(), public(rnd), addr(rnd, "10.21"), "outside", "", 5.0))
        # the hard case: a scan through the router and interface that log Blaster, at the same time
        scenarios.append(horizontal_scan(rnd, r1, at(), public(rnd), "10.20", rnd.choice([22, 445, 3389, 23]),
                                         "Ethernet0/1", MACS[0], rnd.choice([0.035, 0.5, 20.0])))
        scenarios.append(horizontal_scan(rnd, r3, at(), addr(rnd, "10.21"), rnd.choice(OURS), 1434, "Vlan21",
                                         rnd.choice(MACS), 5.0, proto="udp"))
        scenarios.append(source_port_scan(rnd, r1, at(), public(rnd), addr(rnd, "10.20"), "Ethernet0/1",
                                          rnd.choice(MACS)))
        scenarios.append(vertical_scan(rnd, r2, at(), public(rnd), addr(rnd, "10.21"), "GigabitEthernet0/0/1",
                                       rnd.choice(MACS), rnd.uniform(1 / 40, 1 / 20)))      # slow
        scenarios.append(peer_to_peer(rnd, r3, at(), addr(rnd, "10.20"), "Vlan20"))
        scenarios.append(web_proxy(rnd, r3, at(), addr(rnd, "10.21"), "Vlan21"))
        scenarios.append(welchia_sweep(rnd, r3, at(), addr(rnd, "10.20"), rnd.choice(OURS), "Vlan20",
                                       rnd.choice(MACS)))
    scenarios.append(martian_sources(rnd, r1, fw, BASE))
    scenarios.append(ordinary(rnd, r3, fw, BASE, hours))
    out = [row for sc in scenarios for row in sc]
    out.sort(key=lambda row: row[0])
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--hours", type=float, default=6.0)
    ap.add_argument("--scale", type=float, default=1.0)
    args = ap.parse_args(argv)
    for _t, raw, label in generate(args.seed, args.hours, args.scale):
        sys.stdout.write(f"{label}\t{raw}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
