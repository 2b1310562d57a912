"""Compare acltrace's parser with what peer projects expect of the same log lines.

Each peer names fields its own way (tests/data/peer_cases/README.md has the mapping);
``MAPPING`` turns a peer's key and value into our field and the value we would
write. Keys a peer asserts that have no counterpart here are listed in
``NOT_COMPARED`` with the reason, so nothing is dropped silently. Cases where the
peer is wrong (or follows a convention we reject on purpose) are listed in
``tests/support/peer_disagreements.json``, each with its reason.

Run ``python tests/support/peer_agreement.py`` for the per-peer table.
"""
import json
import pathlib
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from typing import Callable, NamedTuple, Optional

HERE = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE.parent / "bin"))

from acltrace.addresses import ip_version, mac_colon  # noqa: E402
from acltrace.logs.header import parse_header  # noqa: E402
from acltrace.logs.parser import parse_event  # noqa: E402

CORPUS = HERE / "data" / "peer_cases" / "peer_cases.jsonl"
DISAGREEMENTS = HERE / "support" / "peer_disagreements.json"
SKIP = object()          # the peer's value has no meaning in our schema (see where returned)

_ACTIONS = {"deny": "blocked", "denied": "blocked", "allow": "allowed", "permit": "allowed",
            "permitted": "allowed", "security | acl | acl deny": "blocked",
            "security | acl | acl permit": "allowed"}


def _same(v): return str(v)
def _lower(v): return str(v).lower()
def _action(v): return _ACTIONS.get(str(v).lower(), SKIP)   # elastic ASA "firewall-rule"/"success" are not actions
def _ipver(v): return {"ipv4": "4", "ipv6": "6"}.get(v, SKIP)
def _mac(v): return mac_colon(v) or v
def _facility(v): return v   # compared against the mnemonic's facility part (see _ours)


def _ip_or_host(side: str) -> Callable:
    """Peers put an ASA's resolved names where IPs go: compare with <side>_host then."""
    def transform(v):
        return (side + "_ip", v) if ip_version(str(v)) else (side + "_host", v)
    return transform


# peer key -> (our field, value transform). A field named "facility" is derived from mnemonic.
MAPPING: dict[str, tuple[str, Callable]] = {
    "source.ip": ("src_ip", _same), "destination.ip": ("dest_ip", _same),
    "src_ip": ("src_ip", _same), "dst_ip": ("dest_ip", _same), "LEGACY:src_ip": ("src_ip", _same),
    "LEGACY:dst_ip": ("dest_ip", _ip_or_host("dest")),
    "source.address": ("src_ip", _ip_or_host("src")), "destination.address": ("dest_ip", _ip_or_host("dest")),
    "source.port": ("src_port", _same), "destination.port": ("dest_port", _same),
    "src_port": ("src_port", _same), "dst_port": ("dest_port", _same), "LEGACY:src_port": ("src_port", _same),
    "destination.domain": ("dest_host", _same),
    "cisco.ios.access_list": ("rule+ace", _same), "cisco.asa.rule_name": ("rule", _same),
    "cisco.ftd.rule_name": ("rule", _same), "LEGACY:policy_id": ("rule", _same), "name": ("rule", _same),
    "event.action": ("action", _action), "event.outcome": ("action", _action),
    "noc.event_class": ("action", _action),
    "cisco.asa.outcome": ("vendor_action", _lower), "LEGACY:action": ("vendor_action", _lower),
    "action.name": ("vendor_action", _lower),
    "network.transport": ("transport", _lower), "cisco.asa.network.transport": ("transport", _lower),
    "LEGACY:protocol": ("transport", _lower), "proto": ("transport", _lower),
    "network.type": ("protocol_version", _ipver),
    "network.packets": ("packets", _same), "source.packets": ("packets", _same), "count": ("packets", _same),
    "icmp.type": ("icmp_type", _same), "icmp.code": ("icmp_code", _same),
    "cisco.asa.icmp_type": ("icmp_type", _same), "cisco.asa.icmp_code": ("icmp_code", _same),
    "igmp.type": ("igmp_type", _same),
    "cisco.asa.tcp_flags": ("tcp_flag", _same), "flags": ("tcp_flag", _same),
    "cisco.asa.network.direction": ("direction", _lower), "network.direction": ("direction", _lower),
    "source.mac": ("src_mac", _mac), "src_mac": ("src_mac", _mac),
    "cisco.asa.source_interface": ("src_interface", _same), "cisco.ftd.source_interface": ("src_interface", _same),
    "observer.ingress.interface.name": ("src_interface", _same), "LEGACY:src_interface": ("src_interface", _same),
    "src_interface": ("src_interface", _same), "interface": ("src_interface", _same),
    "LEGACY:interface": ("src_interface", _same),
    "cisco.asa.destination_interface": ("dest_interface", _same),
    "cisco.ftd.destination_interface": ("dest_interface", _same),
    "observer.egress.interface.name": ("dest_interface", _same), "LEGACY:dst_interface": ("dest_interface", _same),
    "dst_interface": ("dest_interface", _same),
    "log.syslog.hostname": ("dvc", _same), "host.hostname": ("dvc", _same), "observer.hostname": ("dvc", _same),
    "log.source.address": ("dvc", _same), "host.name": ("dvc", _same), "host": ("dvc", _same),
    "event.sequence": ("seq", _same), "cisco.ios.sequence": ("seq", _same),
    "event.code": ("message_id", _same), "event.severity": ("severity", _same), "level": ("severity", _same),
    "cisco.ios.facility": ("facility", _facility), "cisco.ios.event.facility": ("facility", _facility),
    "program": ("%mnemonic", _same),
}

NOT_COMPARED = {
    "@timestamp": "compared separately (month, day, time) where no zone conversion is involved",
    "timestamp": "as @timestamp (graylog fills in the current year)",
    "event.timezone": "a zone the peer's test config supplies", "message": "the text after the header",
    "event.reason": "SEKOIA copies the whole body", "event.type": "ECS categorisation",
    "event.kind": "ECS categorisation", "event.category": "ECS categorisation",
    "event.original": "the line itself", "log.level": "the severity digit as a word (severity is compared)",
    "related.ip": "ECS copies of src/dest", "related.hosts": "ECS copies", "related.user": "ECS copies",
    "network.community_id": "a hash elastic computes", "network.iana_number": "the number behind transport",
    "network.protocol": "an application-protocol guess", "process.name": "the syslog tag, not a field of ours",
    "log.syslog.priority": "the syslog PRI",
    "cisco.ios.message_count": "the first of two counters (seq is the device's)",
    "cisco.ios.uptime": "device_time holds it", "cisco.asa.suffix": "part of mnemonic",
    "source.user.name": "ASA identity-firewall user: not a field of ours yet",
    "cisco.ftd.source_username": "as source.user.name", "action.target": "SEKOIA constant",
    "noc.rule": "the peer's rule name", "facility": "graylog: the syslog facility of the PRI",
    "source": "graylog: the sending socket", "msg": "librenms: the body", "device_id": "librenms: its database id",
    "index": "sc4s routing", "sourcetype": "sc4s routing (see props.conf)", "_time": "sc4s index time",
    "nav.parseable": "classification (checked: we parse it)", "nav.facility_not_none": "classification",
}
# Peers that assert only that the line is recognised (rule id / decoder / parse succeeded).
CLASSIFICATION_ONLY = ("wazuh", "ossec", "nav")


class Case(NamedTuple):
    peer: str
    kind: str
    line: str
    expected: dict[str, object]


class Finding(NamedTuple):
    peer: str
    line: str
    key: str
    peer_value: object
    our_value: Optional[str]


def cases() -> Iterator[Case]:
    with open(CORPUS, encoding="utf-8") as f:
        for raw in f:
            r = json.loads(raw)
            expected = dict(r.get("expected", {}))
            expected.update({"LEGACY:" + k: v for k, v in r.get("expected_legacy", {}).items()})
            yield Case(r["peer"], r["kind"], r["line"], expected)


def _ours(ev: dict[str, str], field: str) -> Optional[str]:
    if field == "rule+ace":
        return ev.get("rule") + "/" + ev["ace"] if ev.get("ace") and ev.get("rule") else ev.get("rule")
    if field == "facility":
        mnemonic = ev.get("mnemonic", "")
        return mnemonic.rsplit("-", 2)[0] if mnemonic.count("-") >= 2 else None
    if field == "%mnemonic":
        return "%" + ev["mnemonic"] if "mnemonic" in ev else None
    return ev.get(field)


def compare(case: Case) -> tuple[int, list[Finding]]:
    """Return (values compared, disagreements) for one ACL case."""
    ev = parse_event(case.line)
    if ev is None:
        return 1, [Finding(case.peer, case.line, "<recognised>", True, None)]
    compared, found = 1, []
    for key, value in sorted(case.expected.items()):
        if key in NOT_COMPARED or key.split(".")[0] in CLASSIFICATION_ONLY:
            continue
        field, transform = MAPPING[key]
        want = transform(value)
        if want is SKIP:
            continue
        if isinstance(want, tuple):
            field, want = want
        compared += 1
        got = _ours(ev, field)
        if field in ("transport", "vendor_action") and got:
            got = got.lower()
        if got != want:
            found.append(Finding(case.peer, case.line, key, value, got))
    stamps = _utc_timestamp(case, ev)
    if stamps:
        compared += 1
        if stamps[0] != stamps[1]:
            found.append(Finding(case.peer, case.line, "@timestamp", stamps[0], stamps[1]))
    return compared, found


_MNEMONIC_AT = re.compile(r"%[A-Z][A-Z0-9_]*-(?:[A-Za-z0-9_]+-)*[0-7]-[A-Z0-9_]+\s?:")
_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
_DEVICE_TIME = re.compile(r"(?:\d{4} )?(\w{3}) +(\d{1,2})(?: \d{4})? (\d\d:\d\d:\d\d(?:\.\d+)?)(?: (\S+))?$")
# Header keys asserted on non-ACL lines (header-format tests): peer key -> our header field.
HEADER_KEYS = {"log.syslog.hostname": "dvc", "HOST": "dvc", "event.sequence": "seq",
               "cisco.ios.sequence": "seq", "cisco.ios.uptime": "device_time"}


def compare_header(case: Case) -> tuple[int, list[Finding]]:
    """Header fields of a non-ACL line (the header tests): dvc, seq, device_time."""
    m = _MNEMONIC_AT.search(case.line)
    if m is None:
        return 0, []
    header = parse_header(case.line[:m.start()])
    want = {HEADER_KEYS[k]: str(v) for k, v in case.expected.items()
            if k in HEADER_KEYS and not str(v).startswith("<")}      # "<receiver's own hostname>"
    if "DATE" in case.expected:
        # syslog-ng rewrites the device time as DATE (BSD form, zone dropped) and MSEC.
        want["device_time"] = f"{case.expected['DATE']}.{case.expected.get('MSEC', '000')}"
        if "device_time" in header:
            header["device_time"] = _bsd_clock(header["device_time"])
    found = [Finding(case.peer, case.line, key, value, header.get(key)) for key, value in sorted(want.items())
             if header.get(key) != value]
    return len(want), found


def _bsd_clock(device_time: str) -> str:
    """'Nov 18 21:03:22.631 GMT' or '2022-02-16T15:31:53Z' -> 'Nov 18 21:03:22.631' / 'Feb 16 15:31:53.000'."""
    iso = re.match(r"\d{4}-(\d\d)-(\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?", device_time)
    if iso:
        month = list(_MONTHS)[int(iso.group(1)) - 1]
        return f"{month} {iso.group(2)} {iso.group(3)}{(iso.group(4) or '.000')[:4]}"
    m = _DEVICE_TIME.match(device_time)
    if not m:
        return device_time
    clock = m.group(3) if "." in m.group(3) else m.group(3) + ".000"
    return f"{m.group(1)} {int(m.group(2)):2d} {clock}"


def _utc_timestamp(case: Case, ev: dict[str, str]) -> Optional[tuple[str, str]]:
    """(peer's MM-DD hh:mm:ss, ours) where no time-zone conversion is involved, else None."""
    stamp = case.expected.get("@timestamp")
    zone = case.expected.get("event.timezone", "UTC")
    m = _DEVICE_TIME.match(ev.get("device_time", ""))
    if not stamp or zone not in ("UTC", "+00:00") or not m or (m.group(4) or "UTC") != "UTC":
        return None
    month, day, clock = _MONTHS.get(m.group(1)), int(m.group(2)), m.group(3)
    ours = f"{month:02d}-{day:02d}T{clock}"
    peer = str(stamp)[5:5 + len(ours)]
    return peer, ours


def known_disagreements() -> dict[tuple[str, str, str], str]:
    entries = json.loads(DISAGREEMENTS.read_text(encoding="utf-8"))
    return {(e["peer"], e["line"], e["key"]): e["reason"] for e in entries}


def run() -> tuple[dict[str, list[int]], list[Finding], list[tuple[str, str, str]]]:
    """Per peer [cases, values compared, values agreeing, known disagreements]; unexplained; stale entries."""
    known = known_disagreements()
    used = set()
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    unexplained = []
    for case in cases():
        if case.kind == "non-acl":
            if parse_event(case.line) is not None:
                unexplained.append(Finding(case.peer, case.line, "<not an ACL event>", None, "parsed"))
            compared, found = compare_header(case)
            peer = case.peer + " (headers)"
        else:
            compared, found = compare(case)
            peer = case.peer
        if not compared:
            continue
        row = table[peer]
        row[0] += 1
        row[1] += compared
        for finding in found:
            key = (finding.peer, finding.line, finding.key)
            if key in known:
                used.add(key)
                row[3] += 1
            else:
                unexplained.append(finding)
        row[2] += compared - len(found)
    stale = sorted(set(known) - used)
    return dict(table), unexplained, stale


def main() -> int:
    table, unexplained, stale = run()
    print(f"{'peer':24} {'lines':>5} {'values':>6} {'agree':>6} {'known':>5}  agreement")
    for peer, (n, compared, agree, known) in sorted(table.items()):
        print(f"{peer:24} {n:5} {compared:6} {agree:6} {known:5}  {100.0 * agree / compared:6.1f}%"
              f"  ({100.0 * (agree + known) / compared:.1f}% with known disagreements)")
    for f in unexplained:
        print(f"UNEXPLAINED {f.peer}: {f.key}: peer {f.peer_value!r} ours {f.our_value!r}\n    {f.line[:160]}")
    for s in stale:
        print(f"STALE known disagreement (now agrees or gone): {s}")
    return 1 if unexplained or stale else 0


if __name__ == "__main__":
    sys.exit(main())
