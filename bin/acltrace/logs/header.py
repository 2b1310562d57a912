"""The text before a Cisco mnemonic: who logged it, when, and its sequence number.

Cisco lines arrive in many wrappings (see tests/data/peer_cases): an optional syslog
priority, an optional relay header (timestamp + host, BSD or ISO, or an RFC 5424
frame), counters and a host name the device adds itself (``service sequence-numbers``,
``logging origin-id``), then the device's own timestamp (``*``/``.`` clock marks,
year, milliseconds, time zone, or an uptime such as ``2y10w``), then ``%MNEMONIC:``.

``parse_header(prefix)`` reads that prefix right to left: first the device
timestamp just before the mnemonic, then the tokens before it. The last host-like
token names the device (a host name the device adds wins over the relay's).
Limits: a host name of 2-5 letters written right after a timestamp with a colon
(``Oct 6 03:32:02 gmt:``) is read as a time zone, which is what it almost always is.
"""
import re
from typing import Optional

from acltrace.addresses import ip_version, is_hostname
from acltrace.memo import remember

# The grammar of header timestamps; tools/generators/gen_search_time_confs.py builds the conf regexes from
# the same pieces (they are plain regex, the same in Python and PCRE).
MON = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
CLOCK = r"\d{1,2}:\d\d:\d\d(?:\.\d+)?"
DATE_TIME = (
    rf"(?:\d{{4}} +{MON} +\d{{1,2}}|{MON} +\d{{1,2}}(?: +\d{{4}})?) +{CLOCK}"
)
ISO = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?"
TZ = r"(?:UTC|GMT)?[+-]\d{1,2}(?::?\d\d)?|[A-Za-z]{2,5}"
UPTIME = r"\d+[ywdh]\d+[wdhm](?:\d+[hms])?|\d\d:\d\d:\d\d(?:\.\d+)?"

# The device's own timestamp, right before the mnemonic (after optional process tag). A zone word
# follows a BSD stamp only: after an RFC 3339 stamp ("...T12:17:46Z asa :") it is the host name.
_TIME = rf"{DATE_TIME}(?: (?:{TZ}))?|{ISO}|{UPTIME}"
_DEVICE_TIME = re.compile(rf"(?:^|(?<=[\s:>]))[*.]?(?P<time>{_TIME}) ?:?\s*\Z")
# Fast path: a timestamp holds no ": ", so it is usually all of the text after the last one.
_LAST_SEGMENT_TIME = re.compile(rf"[*.]?(?P<time>{_TIME}) ?:?\s*\Z")
# IOS-XR and NX-OS add a process tag after the time: "ipv4_acl_mgr[310]:".
_PROCESS_TAG = re.compile(r"\s[\w-]+\[\d+\]:\s*\Z")
_PRI = re.compile(r"<\d{1,3}>")
_RFC5424 = re.compile(r"1 (?P<time>\S+) (?P<host>\S+) \S+ \S+ \S+ (?:-|(?:\[.*?\])+)\s?")
# Relays' and the device's timestamps among the header's tokens: "relayhost Jan 01 2026 00:00:40 asa :".
_STAMP = re.compile(rf"(?:^|(?<=\s))(?:{DATE_TIME}|{ISO})(?=[\s:]|\Z)")
_SPLIT = re.compile(r":?\s+")
_COUNTER = re.compile(r"(\d+)(?:\[\d+\])?\Z")


# Fast path for the usual shape, matched whole: [<PRI>][TIME HOST[ ]:? ][SEQ: ][*|.]DEVICE-TIME[ TZ]:
# (a 2-5 letter word after a time is its zone, not a host: see the module doc).
# Its four groups (rtime, rhost, seq, time) go to usual_fields(); parser.py also uses the
# pattern at the start of a whole-line regex.
USUAL_PATTERN = (
    rf"(?:<\d{{1,3}}>)?"
    rf"(?:(?P<rtime>{DATE_TIME}) (?![A-Za-z]{{2,5}}:)(?P<rhost>[A-Za-z0-9][\w.-]{{0,254}}) ?:? )?"
    rf"(?:(?P<seq>\d+): )?"
    rf"(?:[*.]?(?P<time>{DATE_TIME}(?: (?:{TZ}))?): )?[ \t]*"
)
_USUAL = re.compile(USUAL_PATTERN + r"\Z")


def parse_header(prefix: str) -> dict[str, str]:
    """Return dvc, seq and device_time found in ``prefix`` (only those present)."""
    usual = _USUAL.match(prefix)
    if usual:
        return usual_fields(*usual.groups())
    return _parse_any_header(prefix)


def usual_fields(rtime: Optional[str], rhost: Optional[str], seq: Optional[str],
                 time: Optional[str]) -> dict[str, str]:
    """The header fields from the groups of USUAL_PATTERN."""
    out = {}
    if time or rtime:
        out["device_time"] = time or rtime
    if seq:
        out["seq"] = seq
    if rhost and is_device(rhost):
        out["dvc"] = rhost
    return out


def _parse_any_header(prefix: str) -> dict[str, str]:
    """Every header form: read right to left, token by token."""
    out: dict[str, str] = {}
    rest = prefix.rstrip()
    if rest.endswith("]:"):
        tag = _PROCESS_TAG.search(rest)
        if tag:
            rest = rest[:tag.start()]
    cut = rest.rfind(": ", 0, len(rest) - 1) + 2
    m = _LAST_SEGMENT_TIME.match(rest, cut) if cut > 1 else None
    if m is None:
        m = _DEVICE_TIME.search(rest)
    if m:
        out["device_time"] = m.group("time")
        rest = rest[:m.start()]

    rest = rest.strip()
    pri = _PRI.match(rest)
    if pri:
        rest = rest[pri.end():]
    hosts = []
    frame = _RFC5424.match(rest) if pri else None
    if frame:
        hosts.append(frame.group("host"))
        out.setdefault("device_time", frame.group("time"))
        rest = rest[frame.end():]
    else:
        # The last stamp is the device's (a relay's comes first); their digits are no counters.
        stamps = _STAMP.split(rest)
        if len(stamps) > 1:
            out.setdefault("device_time", _STAMP.findall(rest)[-1])
            rest = " ".join(stamps)

    for token in _SPLIT.split(rest.strip(" :")):
        counter = _COUNTER.match(token)
        if counter:
            out["seq"] = counter.group(1)
        elif token:
            hosts.append(token)
    for host in reversed(hosts):
        host = host.rstrip(":") if not host.endswith("::") else host
        if is_device(host):
            out["dvc"] = host
            break
    return out


_DEVICES: dict[str, bool] = {}     # a network has few devices: remember the verdicts (bounded)


def is_device(host: str) -> bool:
    """An IP address or a host name (not a relay's "LOCAL4.WARNING" tag)."""
    known = _DEVICES.get(host)
    if known is None:
        known = remember(_DEVICES, host, bool(ip_version(host)) or (
            is_hostname(host) and not host.endswith(".") and not _looks_like_level(host)), 4096)
    return known


def _looks_like_level(token: str) -> bool:
    """Facility.severity tags that some relays write ("LOCAL4.WARNING")."""
    return "." in token and token.split(".")[0].upper().startswith(("LOCAL", "USER", "DAEMON", "KERN"))
