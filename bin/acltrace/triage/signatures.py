"""What one ACL event is: Blaster's signature, martian sources, answer and probe shapes.

The facts the classifier (``backscatter``) reads of each event, and the labels one event decides
(``label_one``), in this order:

1. ``blaster_signature``: a TCP answer from the sinkhole 127.0.0.1 port 80 to a destination port
   1000-1999 (IOS ``denied tcp 127.0.0.1(80) -> x(1515), 1 packet``; ASA 106015 ``Deny TCP (no
   connection) from 127.0.0.1/80 ... flags RST``): Blaster's SYN flood against windowsupdate.com,
   resolved to 127.0.0.1, answered by the infected host's own stack -> ``blaster_backscatter``.
2. ``blaster_flood_signature``: SYNs to 255.255.255.255:80 from source ports 1000-1999 (the flood
   itself when windowsupdate.com does not resolve; the sources are spoofed inside the infected
   host's /16) -> ``blaster_backscatter``.
3. ``martian_source`` (127/8, 0/8, 169.254/16, 224/4, 240/4; ::1, ::, ff00::/8) or the device's own
   spoof verdict (ASA 106016): answer-shaped -> ``backscatter`` (a sinkholed or spoofed stack
   answering), otherwise ``spoofed_source``.

Labels are dicts of ``bs_label``, ``bs_reason`` (one line naming the facts that matched) and
``bs_confidence`` (0-1, two decimals).
"""
import ipaddress
from functools import lru_cache
from typing import Optional

from acltrace.logs.device_time import utc
from acltrace.memo import remember

SINKHOLE = "127.0.0.1"                  # where the "sinkhole windowsupdate.com" advice sent Blaster's flood
BLASTER_SOURCE_PORTS = range(1000, 2000)  # Blaster: source port 1000 + rand() % 1000
BLASTER_BROADCAST = "255.255.255.255"   # the flood's target when windowsupdate.com does not resolve

MARTIAN_SOURCES = tuple((ipaddress.ip_network(net), what) for net, what in (
    ("127.0.0.0/8", "loopback"),
    ("0.0.0.0/8", "'this network' (unspecified)"),
    ("169.254.0.0/16", "link-local"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved/broadcast"),
    ("::1/128", "loopback"),
    ("::/128", "unspecified"),
    ("ff00::/8", "multicast"),
))

ICMP_ANSWERS = {"0": "echo reply", "3": "destination unreachable", "4": "source quench",
                "5": "redirect", "11": "time exceeded", "12": "parameter problem"}
ICMP6_ANSWERS = {"1": "destination unreachable", "2": "packet too big", "3": "time exceeded",
                 "4": "parameter problem", "129": "echo reply"}
ICMP_REQUESTS = {"8": "echo", "13": "timestamp", "15": "information", "17": "address mask", "128": "echo"}
# Services above 1023 that answer from a fixed port (a reply from them is answer-shaped).
HIGH_SERVICE_PORTS = frozenset((1433, 1521, 1723, 3306, 3389, 5060, 5432, 5900, 6667, 8000, 8080, 8443, 8888))

# --- facts about one event -------------------------------------------------------------------

def as_int(value) -> Optional[int]:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def is_ephemeral(port: Optional[int]) -> bool:
    """A client-side port: 1024 and up (Windows XP used 1025-5000; IANA's own range starts at 49152)."""
    return port is not None and port >= 1024 and port not in HIGH_SERVICE_PORTS


def is_service_port(port: Optional[int]) -> bool:
    """A server's fixed port: well known (< 1024) or a common service above it (``HIGH_SERVICE_PORTS``)."""
    return port is not None and (0 < port < 1024 or port in HIGH_SERVICE_PORTS)


_ICMP = ("icmp", "icmp6", "icmpv6", "ipv6-icmp", "1", "58")     # the transports of ICMP


def is_icmp(ev: dict) -> bool:
    return ev.get("transport") in _ICMP


_MARTIAN_V4 = {"127": "loopback", "0": "'this network' (unspecified)"}
_MARTIAN_V4.update(dict.fromkeys(map(str, range(224, 240)), "multicast"))
_MARTIAN_V4.update(dict.fromkeys(map(str, range(240, 256)), "reserved/broadcast"))


def martian_source(ip: str) -> Optional[str]:
    """What kind of address ``ip`` is when it can never be a packet's real source, else None.

    IPv4 is read from its first octets (once per event, so no ``ipaddress`` object). IPv6 through
    ``MARTIAN_SOURCES``, but only when its first group can start one (0 for ::1 and ::, ffXX for
    ff00::/8): an ``ipaddress`` object costs ~10 us, and most addresses are seen once."""
    if ":" not in ip:
        first, _, rest = ip.partition(".")
        if first == "169":
            return "link-local" if rest.startswith("254.") else None
        return _MARTIAN_V4.get(first) if rest else None
    group = ip.partition(":")[0]
    if not group.strip("0") or (len(group) == 4 and group[:2].lower() == "ff"):
        return _martian_v6(ip)
    return None


@lru_cache(maxsize=4096)
def _martian_v6(ip: str) -> Optional[str]:
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return None
    for net, what in MARTIAN_SOURCES:
        if addr.version == net.version and addr in net:
            return what
    return None


_PRIVATE_V4 = {"10": "private (RFC 1918)", "192": "private (RFC 1918)", "172": "private (RFC 1918)",
               "100": "shared address space (RFC 6598)"}


def private_source(ip: str) -> Optional[str]:
    """What kind of address ``ip`` is when it is private (RFC 1918) or shared (100.64/10), else None."""
    first, _, rest = ip.partition(".")
    kind = _PRIVATE_V4.get(first)
    if kind is None or not rest:
        return None
    second = as_int(rest.partition(".")[0])
    if second is None:
        return None
    if (first == "192" and second != 168) or (first == "172" and not 16 <= second <= 31) \
            or (first == "100" and not 64 <= second <= 127):
        return None
    return kind


def blaster_signature(ev: dict) -> Optional[str]:
    """The reason when ``ev`` is Blaster's RST from the 127.0.0.1:80 sinkhole to a spoofed port 1000-1999."""
    if ev.get("src_ip") != SINKHOLE or ev.get("transport") != "tcp" or ev.get("src_port") != "80":
        return None
    port = as_int(ev.get("dest_port"))
    if port not in BLASTER_SOURCE_PORTS:
        return None
    flags = ev.get("tcp_flag", "").upper()
    if "RST" in flags:
        what = "RST"
    elif "SYN" in flags and "ACK" in flags:
        what = "SYN/ACK (the infected host listens on port 80)"
    elif flags:
        return None
    else:
        what = "TCP (its RST)"
    return (f"{what} from 127.0.0.1:80 to port {port} (Blaster's 1000-1999){_of_host(ev)}: "
            f"Blaster's SYN flood answered by the infected host's own stack (windowsupdate.com sinkholed "
            f"to 127.0.0.1); the destination is a spoofed address of the infected host's /16, not a scan")


def _of_host(ev: dict) -> str:
    """' of 10.20.7.42 in 10.20.0.0/16', ' of my.host' or '', from the destination the event names."""
    dest = ev.get("dest_ip") or ev.get("dest_host")
    if not dest:
        return ""
    net = slash16(dest)
    return f" of {dest} in {net}" if net else f" of {dest}"


_TRIGGER_DAYS: dict = {}      # whole days since 1970 (UTC) -> blaster_calendar of their times (a cache)


def blaster_calendar(epoch: float) -> bool:
    """The original Blaster's DoS starts at boot on day 16 or later of a month, or any day
    September-December, by the infected host's own clock. False for a time no calendar date holds
    (years 1 to 9999 UTC)."""
    if type(epoch) is float:
        day, second = divmod(epoch, 86400.0)
        if 0.001 < second < 86399.999:          # utc's rounding to the microsecond stays in this day
            trigger = _TRIGGER_DAYS.get(day)
            if trigger is None:
                trigger = remember(_TRIGGER_DAYS, day, _trigger_day(epoch), 4096)
            return trigger
    return _trigger_day(epoch)


def _trigger_day(epoch: float) -> bool:
    day = utc(epoch)
    return day is not None and (day.day > 15 or day.month >= 9)


OFF_CALENDAR = ("; the date is outside the original Blaster's trigger (day 16 or later, or September-December): "
                "a variant of the worm, or the infected host's clock is off")


def blaster_icmp_signature(ev: dict) -> Optional[str]:
    """The reason when ``ev`` is an ICMP error from the 127.0.0.1 sinkhole: Blaster's SYNs answered
    with ICMP (a host firewall or a filtered port 80) instead of a RST."""
    if ev.get("src_ip") != SINKHOLE or not is_icmp(ev) or ev.get("icmp_type") not in ("3", "11", "12"):
        return None
    what = ICMP_ANSWERS[ev["icmp_type"]]
    to = _of_host(ev).replace(" of ", " to ", 1)
    return (f"ICMP {what} from 127.0.0.1{to}: Blaster's SYN flood against windowsupdate.com (sinkholed to "
            f"127.0.0.1) answered with ICMP by the infected host; the destination is a spoofed address of "
            f"its /16")


def blaster_flood_signature(ev: dict) -> Optional[str]:
    """The reason when ``ev`` is Blaster's own SYN to 255.255.255.255:80 (windowsupdate.com unresolved)."""
    if ev.get("dest_ip") != BLASTER_BROADCAST or ev.get("transport") != "tcp" or ev.get("dest_port") != "80":
        return None
    port = as_int(ev.get("src_port"))
    if port not in BLASTER_SOURCE_PORTS:
        return None
    src = ev.get("src_ip") or ""
    net = slash16(src)
    return (f"TCP to 255.255.255.255:80 from port {port} (1000-1999){f' of {src}' if src else ''}: Blaster's "
            f"SYN flood when windowsupdate.com does not resolve; sources are spoofed inside the infected host's "
            f"{net or '/16'}")


def late_session_packet(ev: dict) -> Optional[str]:
    """The flags when ``ev`` is a mid-session TCP packet (ACK, PSH ACK, FIN ACK; no SYN, no RST), else None.

    A stateful device logs these after it has forgotten the connection (ASA 106015 "no connection"
    from a busy server to a client): late packets of a real session, neither answers to spoofed
    SYNs (those are SYN/ACK or RST) nor probes.
    """
    flags = ev.get("tcp_flag", "").upper()
    if ev.get("transport") == "tcp" and flags and "SYN" not in flags and "RST" not in flags \
            and ("ACK" in flags or "FIN" in flags or "PSH" in flags):
        return flags
    return None


def shape(ev: dict) -> Optional[tuple]:
    """(answer, probe) of ``ev``, its fields read once: the answer it looks like ('RST', 'SYN/ACK', 'TCP'
    or 'UDP' from a service port to an ephemeral one, 'ICMP' error or echo reply; else None) and the
    (protocol, port or ICMP type) it asks for when it is a request (else None); None for a
    ``late_session_packet``, which is neither."""
    transport = ev.get("transport")
    if transport == "tcp" or transport == "udp":
        port = ev.get("dest_port")
        probe = (transport, port) if port else None
        flags = ev.get("tcp_flag") if transport == "tcp" else None
        if not flags:
            return ("TCP" if transport == "tcp" else "UDP") if _service_reply(ev) else None, probe
        flags = flags.upper()
        if "RST" in flags:
            return "RST", probe
        if "SYN" in flags:
            return "SYN/ACK" if "ACK" in flags else None, probe
        return None if late_session_packet(ev) else (None, probe)
    if transport in _ICMP:
        itype = ev.get("icmp_type")
        answers = ICMP6_ANSWERS if ev.get("protocol_version") == "6" else ICMP_ANSWERS
        return "ICMP" if itype in answers else None, ("icmp", itype) if itype in ICMP_REQUESTS else None
    return None, None


def answer_shape(ev: dict) -> Optional[str]:
    """How ``ev`` looks like an answer (RST, SYN/ACK, a service's reply, an ICMP error), else None."""
    found = shape(ev)
    answer = found[0] if found else None
    if answer is None:
        return None
    if answer == "ICMP":
        itype = ev["icmp_type"]
        answers = ICMP6_ANSWERS if ev.get("protocol_version") == "6" else ICMP_ANSWERS
        return f"ICMP {answers[itype]} (type {itype})"
    sport = as_int(ev.get("src_port"))
    if answer == "RST" or answer == "SYN/ACK":
        return f"{answer} from port {sport}" if sport is not None else answer
    return f"{answer} from service port {sport} to ephemeral port {as_int(ev.get('dest_port'))}"


def _service_reply(ev: dict) -> bool:
    """A reply from a service port to an ephemeral port (no flags logged)."""
    return is_service_port(as_int(ev.get("src_port"))) and is_ephemeral(as_int(ev.get("dest_port")))


def slash16(ip: str) -> str:
    """'10.20.7.42' -> '10.20.0.0/16' (the spoofed /16 of Blaster); '' for other addresses (IPv6, and
    host names such as 'my.public.ip.x', whose dotted parts are no octets)."""
    parts = ip.split(".")
    if len(parts) == 4 and parts[0].isdigit() and parts[1].isdigit() and parts[3].isdigit():
        return f"{parts[0]}.{parts[1]}.0.0/16"
    return ""


def endpoint(ip: str, port=None) -> str:
    """'10.1.2.3:80', '[2001:db8::1]:80' (IPv6 in brackets, so the port reads apart), 'port 80' without
    an address, the address alone without a port, '' with neither."""
    if not ip:
        return f"port {port}" if port not in (None, "") else ""
    if port in (None, ""):
        return ip
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def answer_to(answer: str, dest: Optional[str]) -> str:
    """'RST from port 80 to 10.1.2.3', 'TCP from service port 80 to ephemeral port 40000 of 10.1.2.3': an
    answer (``answer_shape``) and where it went, the answer alone without a destination."""
    if not dest:
        return answer
    return f"{answer}{' of ' if 'ephemeral port' in answer else ' to '}{dest}"


_CONFIDENCE_TEXT: dict = {}   # confidence -> its two decimals, for the first 1024 values seen


def make_labels(label: str, reason: str, confidence: float) -> dict:
    text = _CONFIDENCE_TEXT.get(confidence)
    if text is None:
        text = f"{confidence:.2f}"
        if len(_CONFIDENCE_TEXT) < 1024:
            _CONFIDENCE_TEXT[confidence] = text
    return {"bs_label": label, "bs_reason": reason, "bs_confidence": text}


def label_one(ev: Optional[dict], time: Optional[float] = None) -> Optional[dict]:
    """The labels one event decides (Blaster, martian sources, not an ACL event), or None to ask the window.
    A Blaster event whose ``time`` (epoch seconds; None: not known) is outside the original worm's trigger
    days (``blaster_calendar``) says so, with less confidence."""
    src = ev.get("src_ip") if ev else None
    if not src:
        return make_labels("none", "not an ACL event with a source address", 1.0)
    if src == SINKHOLE or ev.get("dest_ip") == BLASTER_BROADCAST:     # where Blaster's signatures come from or go
        reason = blaster_signature(ev)
        if reason:
            single = ev.get("packets") in (None, "", "1") or "RST" in ev.get("tcp_flag", "")
            return _blaster(reason, 0.97 if single else 0.9, time)
        reason = blaster_flood_signature(ev)
        if reason:
            return _blaster(reason, 0.9, time)
        reason = blaster_icmp_signature(ev)
        if reason:
            return _blaster(reason, 0.75, time)
    martian = martian_source(src)
    device_says_spoof = ev.get("reason") == "spoof"
    if martian or device_says_spoof:
        answer = answer_shape(ev)
        if answer and martian:
            dest = ev.get("dest_ip") or ev.get("dest_host")
            article = "an" if martian[0] in "aeiou" else "a"
            return make_labels("backscatter", f"{answer_to(answer, dest)}; the source {src} is {article} {martian} "
                               f"address: an answer from a stack reached through a sinkhole or a spoofed address", 0.8)
        if martian:
            return make_labels("spoofed_source", f"{martian} source {src} cannot come from the wire "
                               f"and the packet is not an answer: spoofed or misrouted", 0.9)
        return make_labels("spoofed_source", f"the device dropped it as spoofed (reverse path check) "
                           f"from {src}", 0.95)
    return None


def _blaster(reason: str, confidence: float, time: Optional[float]) -> dict:
    if time is not None and not blaster_calendar(time):
        return make_labels("blaster_backscatter", reason + OFF_CALENDAR, round(confidence - 0.15, 2))
    return make_labels("blaster_backscatter", reason, confidence)


def traffic(ev: dict) -> str:
    """'denied tcp to 10.1.2.3:22', 'Deny icmp type 8 to 10.0.0.5', 'deny ip': what the event shows."""
    dest = ev.get("dest_ip") or ev.get("dest_host") or ""
    port = ev.get("dest_port")
    what = ev.get("transport") or "ip"
    action = (ev.get("vendor_action") or "logged").lower()      # ASA's and NX-OS's "Deny" mid-sentence
    if port:
        return f"{action} {what} to {endpoint(dest, port)}"
    if ev.get("icmp_type"):
        return f"{action} {what} type {ev['icmp_type']}{' to ' + dest if dest else ''}"
    return f"{action} {what}{' to ' + dest if dest else ''}"


def no_shape(ev: dict) -> dict:
    flags = late_session_packet(ev)
    if flags:
        dest = endpoint(ev.get("dest_ip") or ev.get("dest_host") or "", ev.get("dest_port"))
        return make_labels("none", f"TCP {flags} from {endpoint(ev['src_ip'], ev.get('src_port'))}"
                           f"{' to ' + dest if dest else ''}: a late packet of a connection the device no "
                           f"longer tracks, not an answer to spoofed traffic and not a probe", 0.9)
    if not ev.get("dest_ip"):
        named = "names its destination by host name, not address" if ev.get("dest_host") else \
            "names no destination address"
        return make_labels("none", f"{traffic(ev)}: the line {named}, so it is not counted with other events; "
                           f"alone it is neither Blaster nor a martian source", 0.9)
    answer = answer_shape(ev)
    if answer and ev.get("action") == "allowed":
        return make_labels("none", f"{answer} permitted by the device: a reply within a connection it knows", 0.85)
    if answer:
        return make_labels("none", f"{answer_to(answer, ev.get('dest_ip'))}, denied: a stray answer, not a flood's "
                           f"backscatter", 0.6)
    return make_labels("none", f"{traffic(ev)}: neither an answer to spoofed traffic nor a probe of a "
                       f"scan (no ports or ICMP request to count)", 0.9)
