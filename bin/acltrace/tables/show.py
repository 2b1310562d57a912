"""Device ``show`` outputs -> MAC, ARP and neighbour rows, with TextFSM and ntc-templates.

:func:`parse_capture` splits a terminal capture (:mod:`acltrace.tables.captures`), picks the ntc-templates
template for each section's (platform, command) and maps the template's records to our rows:

* mac: ``{"mac", "switch", "port", "vlan", "type"}``, one row per port; entries whose "port" is
  the switch itself (CPU, Router, Switch, Drop, NX-OS ``sup-eth1(R)``, ``...(R)``, ``sup-eth1(R) (Lo0)``) are left out.
* arp: ``{"ip", "mac", "device", "interface", "age"}``; incomplete entries are left out.
* neighbor: ``{"switch", "port", "neighbor", "neighbor_port", "capabilities", "platform",
  "neighbor_ip", "protocol"}``, protocol ``cdp`` or ``lldp``; an NX-OS serial suffix
  (``SW1(FOC123X)``) is removed from the neighbour's name.

MACs are written ``aa:bb:cc:dd:ee:ff`` (:mod:`acltrace.addresses`), interface names are canonical
(:mod:`acltrace.tables.ifnames`), ``capabilities`` our words (:mod:`acltrace.tables.capabilities`),
the same for CDP and LLDP whether the device printed letters or words; values are strings ("" when
the table has none).

The platform is the caller's override, else the one whose template reads the section's first lines
best: a platform whose tell is in the output (XR's ``Gi0/0/0/0``, NX-OS's ``Eth1/1``, EOS's ``Et1``)
first, then the most plausible rows, then the most fields filled; the prompt's hint is tried first
(``<sw>display`` is Comware or Huawei, ``user@sw>`` is Junos). Output with no prompt and no command is
tried only as the tables it could hold (:func:`table_kinds`: MAC and ARP tables when a word is a MAC,
CDP/LLDP tables when it has their heading); other text (plain text, a syslog line) gives no rows and the
problem ``NOT_A_TABLE``, in microseconds. Templates are looked up in
``acltrace/templates`` (our fixes to ntc-templates 8.1.0, see its README) before the installed
ntc_templates package.
"""
import io
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Optional

import textfsm
from textfsm import clitable

from acltrace.addresses import mac_colon
from acltrace.tables import captures as capture
from acltrace.tables.capabilities import capability_words
from acltrace.tables.ifnames import canonical
from acltrace.tables.rows import ARP, MAC, NEIGHBOR, neighbor_name, neighbor_port

# Tried in this order when the platform is not known; ties go to the earlier one.
PLATFORMS = (
    "cisco_ios", "cisco_nxos", "arista_eos", "cisco_xr", "juniper_junos", "hp_procurve", "aruba_aoscx",
    "hp_comware", "huawei_vrp", "cisco_s300", "cisco_asa", "dell_force10", "extreme_exos",
    "brocade_fastiron", "brocade_netiron", "ruckus_fastiron", "alcatel_aos", "aruba_os",
)
_HINTS = {"junos": ("juniper_junos",), "comware/huawei": ("hp_comware", "huawei_vrp")}
_TRIAL_LINES = 80


@dataclass
class Tables:
    """Rows read from device outputs or JSON rows, a list per kind (``acltrace.tables.rows.KINDS``), and what
    could not be read."""

    mac: list = field(default_factory=list)
    arp: list = field(default_factory=list)
    neighbor: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    def extend(self, other: "Tables") -> None:
        self.mac.extend(other.mac)
        self.arp.extend(other.arp)
        self.neighbor.extend(other.neighbor)
        self.problems.extend(other.problems)


# --- records -> rows ------------------------------------------------------------------------------

# The switch itself, not a port; NX-OS adds a routed MAC's interface: "sup-eth1(R) (Lo0)", "Drop (Eth1/3.280)"
_SWITCH_ITSELF = re.compile(r"(?:cpu|router|switch|drop|self|sup-eth\d*)\Z", re.IGNORECASE)


def not_a_port(port: str) -> bool:
    """True when a MAC table's ``port`` is the switch itself: CPU, Router, Switch, Drop, Self, sup-eth1,
    anything ending in ``(R)`` (a routed MAC), each maybe followed by the ``(interface)`` NX-OS adds.

    What ``(?:cpu|router|switch|drop|self|sup-eth\\d*|.*\\(r\\))(?:\\s*\\(\\S+\\))?\\Z`` (case ignored)
    matches, in linear time on any text (that regex takes quadratic time on ``(r)(r)(r)...x``)."""
    newline = port.find("\n")

    def itself(end: int, keyword: bool) -> bool:  # port[:end] names the switch
        if end >= 3 and port[end - 3] == "(" and port[end - 2] in "rR" and port[end - 1] == ")":
            return newline < 0 or newline >= end - 3  # ".*" stops at a line end
        return keyword and bool(_SWITCH_ITSELF.match(port[:end]))

    if itself(len(port), True):
        return True
    if not port.endswith(")"):
        return False
    # The (interface) suffix: "(", then non-blanks up to the last ")", blanks before it.
    first = port.find("(")
    for opening in range(len(port) - 2, -1, -1):
        if port[opening].isspace():
            return False
        if port[opening] == "(" and opening < len(port) - 2:
            end = opening
            while end > 0 and port[end - 1].isspace():
                end -= 1
            # a keyword has no "(", so it can only end before the first one
            if itself(end, opening == first):
                return True
    return False


def _text(value) -> str:
    """A template value as text: a List value is a cell wrapped over lines, so its parts are joined."""
    if isinstance(value, list):
        return "".join(part for part in value if part)
    return value or ""


def _first(record: dict, keys: Iterable[str]) -> str:
    """The first of ``keys`` that has a value in ``record``, as text."""
    for key in keys:
        value = _text(record.get(key))
        if value:
            return value
    return ""


_MAC_PORT_KEYS = ("destination_port", "ports", "port", "logical_interface", "interface", "next_hop")


def mac_rows(records: list, switch: str, platform: str) -> list:
    rows = []
    for rec in records:
        mac = mac_colon(_first(rec, ("destination_address", "mac_address", "mac")))
        if mac is None:
            continue
        ports = next((rec[key] for key in _MAC_PORT_KEYS if rec.get(key)), "")
        vlan = _first(rec, ("vlan_id", "vlan", "topo_id"))
        kind = _first(rec, ("type", "state", "mac_flag")).lower()
        for port in ports if isinstance(ports, list) else [ports]:
            port = (port or "").strip()
            if port and not not_a_port(port):
                rows.append({"mac": mac, "switch": switch, "port": canonical(port, platform), "vlan": vlan,
                             "type": kind})
    return rows


def arp_rows(records: list, device: str, platform: str) -> list:
    rows = []
    for rec in records:
        mac = mac_colon(_first(rec, ("mac_address", "hardware_address", "mac")))
        ip = _first(rec, ("ip_address", "address", "destination"))
        if mac is None or not ip:
            continue
        interface = _first(rec, ("interface", "port_id", "port", "physical_port", "vlan_name"))
        rows.append({"ip": ip, "mac": mac, "device": device, "interface": canonical(interface, platform),
                     "age": _first(rec, ("age", "age_min", "aging", "expire"))})
    return rows


# CDP names a neighbour by its Device ID (the brief table's name), which the XR and NX-OS detail
# templates call chassis_id (their neighbor_name is the SysName); LLDP by its system name.
_CDP_NAME_KEYS = ("chassis_id", "neighbor_name", "neighbor")
_LLDP_NAME_KEYS = ("neighbor_name", "neighbor", "system_name", "chassis_id")


def neighbor_rows(records: list, switch: str, platform: str, protocol: str) -> list:
    rows = []
    for rec in records:
        port = _first(rec, ("local_interface", "local_port"))
        name = neighbor_name(_first(rec, _CDP_NAME_KEYS if protocol == "cdp" else _LLDP_NAME_KEYS))
        if not port or not name:
            continue
        if "neighbor_port_id" in rec:  # then neighbor_interface is the port's description
            their_port = neighbor_port(_text(rec["neighbor_port_id"]),
                                       _first(rec, ("neighbor_interface", "neighbor_port_description")))
        else:
            their_port = neighbor_port(_first(rec, ("neighbor_interface", "port_id")),
                                       _first(rec, ("neighbor_interface_description", "port_description")))
        caps = _first(rec, ("capabilities", "capabilities_enabled", "system_capabilities_enabled"))
        rows.append({
            "switch": switch, "port": canonical(port, platform), "neighbor": name,
            "neighbor_port": canonical(their_port, platform), "capabilities": capability_words(caps, protocol),
            "platform": _text(rec.get("platform", "")).strip(),
            "neighbor_ip": _first(rec, ("mgmt_address", "management_ip", "mgmt_ip", "interface_ip")),
            "protocol": protocol,
        })
    return rows


def to_rows(kind: str, records: list, device: str, platform: str, command: str) -> list:
    """Our rows of ``kind`` from a template's ``records`` (dicts with lower-case keys)."""
    if kind == MAC:
        return mac_rows(records, device, platform)
    if kind == ARP:
        return arp_rows(records, device, platform)
    return neighbor_rows(records, device, platform, "cdp" if " cdp " in command else "lldp")


# --- templates ------------------------------------------------------------------------------------

_OUR_TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


@cache
def _indexes() -> tuple:
    import ntc_templates  # noqa: PLC0415 (found wherever it is installed or vendored)

    ntc = os.path.join(os.path.dirname(os.path.abspath(ntc_templates.__file__)), "templates")
    return tuple((clitable.CliTable("index", folder), folder) for folder in (_OUR_TEMPLATES, ntc))


# The words a template's file name has for each kind of table. An index's command patterns match from
# the start of the command: ntc-templates' ``di[[r]]`` (huawei_vrp_dir) would read ``display arp``,
# ``sh[[ow]] ip`` (hp_procurve_show_ip) ``show ip arp`` and IOS's ``sh[[ow]] ll[[dp]] nei[[ghbors]]``
# ``show lldp neighbors-info detail``. A match that stops inside a word, or a template of another table,
# is no template for the command.
_TEMPLATE_WORDS = {MAC: ("mac", "fdb", "ethernet-switching"), ARP: ("arp",), NEIGHBOR: ("cdp", "lldp")}


@lru_cache(maxsize=4096)  # a typed command's arguments are in ``lookup``: bounded
def template_for(platform: str, lookup: str) -> Optional[str]:
    """Path of the template for ``lookup`` (a full command) on ``platform``, or None."""
    command = capture.recognise(lookup)
    words = _TEMPLATE_WORDS[command.kind] if command else ("",)
    for table, folder in _indexes():
        for row in table.index.compiled:
            m = row["Command"].match(lookup)
            if m and lookup[m.end():m.end() + 1] in ("", " ") and row["Platform"].match(platform):
                name = table.index.index[row.row]["Template"].split(":")[0]
                if any(word in name for word in words):
                    return os.path.join(folder, name)
    return None


@cache
def _template_text(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


@cache
def _fsm(path: str) -> tuple:
    """The template's parsed state machine and its header in lower case: parsing a template compiles
    its regexes, ~2 ms, more than most outputs take to read."""
    fsm = textfsm.TextFSM(io.StringIO(_template_text(path)))
    return fsm, [name.lower() for name in fsm.header]


def run_template(path: str, text: str) -> list:
    """The template's records for ``text``: dicts keyed by lower-case Value names."""
    fsm, header = _fsm(path)
    fsm.Reset()  # the machine is reused: its start state, no record, no results
    return [dict(zip(header, row)) for row in fsm.ParseText(text)]


# --- sections -------------------------------------------------------------------------------------

@lru_cache(maxsize=1024)  # commands come with their typed arguments: bounded
def _candidate_list(command: Optional[capture.Command], platform: Optional[str], hint: Optional[str],
                    kinds: Optional[frozenset] = None) -> tuple:
    """(command, platform, template path) to try, in order, on a section of ``command`` (None: any command
    of ``kinds``) whose prompt gave ``hint``."""
    commands = [command] if command else [
        cmd for cmd in (capture.recognise(name) for name, _ in capture.COMMANDS) if kinds is None or cmd.kind in kinds]
    platforms = [platform] if platform else list(_HINTS.get(hint, ())) + [
        p for p in PLATFORMS if p not in _HINTS.get(hint, ())]
    return tuple((cmd, plat, path) for cmd in commands for plat in platforms
                 for path in [template_for(plat, cmd.lookup)] if path)


# Output that only one platform prints: its interface names (XR's four-level Gi0/0/0/0, NX-OS's
# Eth1/1 and mgmt0, EOS's Et1 and Ma1), EOS's MAC table columns or XR's timestamp line. Between templates that read the
# section, one whose platform's tell is in the output wins over more rows (the IOS templates read
# much that is not IOS).
_TELLS = {
    "cisco_xr": re.compile(r"\b(?:Gi|Te|Hu|BE|GigabitEthernet|TenGigE|HundredGigE|Bundle-Ether)\d+/\d+/\d+/\d+"
                           r"|^\w{3} \w{3} +\d+ \d\d:\d\d:\d\d\.\d{3} \w+$", re.MULTILINE),
    "cisco_nxos": re.compile(r"^[^\S\n]*(?:\S+[^\S\n]+)?(?:Eth\d+/\d+|mgmt0)\s", re.MULTILINE),
    "arista_eos": re.compile(r"^(?:Et|Ma)\d+(?:/\d+)*\s|\bMoves +Last Move\b", re.MULTILINE),
}


_DIGIT = re.compile(r"\d")


def _score(kind: str, plat: str, rows: list, text: str) -> tuple:
    """How well a template read a section: its platform's tell, then plausible rows, then fields filled."""
    if kind == NEIGHBOR:  # a port has a digit; a name has no run of blanks (column misread)
        rows = [r for r in rows if _DIGIT.search(r["port"]) and "  " not in r["neighbor"]]
    tell = plat in _TELLS and bool(rows) and bool(_TELLS[plat].search(text))
    return tell, len(rows), sum(1 for r in rows for v in r.values() if v)


def _try(section, cmd, plat, path, text, read=None):
    """(rows, None) of ``cmd``'s template ``path`` on ``text``, or (None, the error); ``read`` keeps each
    template's records (or error) for the next command and platform that share it."""
    if read is None or path not in read:
        try:
            found = run_template(path, text), None
        except Exception as exc:  # noqa: BLE001 - a template's Error state or bug spoils only this section
            found = None, str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if read is not None:
            read[path] = found
    records, error = found if read is None else read[path]
    if error is not None:
        return None, error
    return to_rows(cmd.kind, records, section.device or "", plat, cmd.name), None


# What parse_section says of output with no prompt and no command that holds no table.
NOT_A_TABLE = "no MAC, ARP or neighbour table recognised in the output"
# Output with no prompt and no command is tried as the tables its first lines (those the templates are
# tried on) could hold: MAC and ARP tables when a word is a MAC, CDP/LLDP tables when a line has their
# heading (Device ID, System Name, SysName, Chassis id, Local Intf/Interface/Port). Every sample of
# tests/data/device_outputs has one or the other. Anything else (plain text, a syslog line) is told apart
# here, in microseconds, rather than by ~60 templates that read nothing or misread its words as a
# header-less row.
_NEIGHBOR_HEADING = re.compile(r"device[ -]?id|system ?name|sys ?name|chassis|local ?(?:intf|interface|port)",
                               re.IGNORECASE)
_MAC_LIKE = re.compile(r"[0-9A-Fa-f.:-]{11,}\Z")


def table_kinds(text: str) -> frozenset:
    """The kinds of table output with no command could hold: mac and arp when a word of ``text`` is a MAC,
    neighbor when it has a CDP/LLDP heading; none for plain text."""
    kinds = {MAC, ARP} if any(_MAC_LIKE.match(word) and mac_colon(word) for word in text.split()) else set()
    if _NEIGHBOR_HEADING.search(text):
        kinds.add(NEIGHBOR)
    return frozenset(kinds)


def parse_section(section: capture.Section, platform: Optional[str] = None) -> Tables:
    """Rows of one section; its problems when no template reads it."""
    tables = Tables()
    where = f"{section.device or 'capture'} line {section.line}"
    command = capture.recognise(section.typed) if section.typed else None
    if section.typed and command is None:
        if section.text:
            tables.problems.append(f"{where}: {section.typed!r} is not a command acltrace reads"
                                   " (MAC, ARP, CDP/LLDP tables)")
        return tables
    if not section.text:
        return tables
    lines = section.text.split("\n", _TRIAL_LINES)
    whole = len(lines) <= _TRIAL_LINES
    head = section.text if whole else "\n".join(lines[:_TRIAL_LINES]) + "\n"
    kinds = table_kinds(head) if command is None else None
    if kinds is not None and not kinds:
        tables.problems.append(f"{where}: {NOT_A_TABLE}")
        return tables
    best = None
    errors = []
    read: dict = {}
    for cmd, plat, path in _candidate_list(command, platform, section.vendor_hint, kinds):
        rows, error = _try(section, cmd, plat, path, head, read)
        if error:
            errors.append(f"{plat}/{os.path.basename(path)}: {error}")
        else:
            score = _score(cmd.kind, plat, rows, head)
            if best is None or score > best[4]:
                best = (cmd, plat, path, rows, score)
    if best is None:
        what = f"no template for {command.name!r} on {platform}" if command and platform and not errors \
            else "no template reads it" + (f" ({'; '.join(errors[:3])})" if errors else "")
        tables.problems.append(f"{where}: {section.typed or 'output'}: {what}")
        return tables
    cmd, plat, path, rows, _ = best
    if not rows and command is None:
        tables.problems.append(f"{where}: {NOT_A_TABLE}")
        return tables
    if not whole:
        rows, error = _try(section, cmd, plat, path, section.text)
        if error:
            tables.problems.append(f"{where}: {cmd.name} ({plat}): {error}")
            return tables
    getattr(tables, cmd.kind).extend(rows)
    return tables


def parse_capture(text: str, platform: Optional[str] = None, device: Optional[str] = None,
                  command: Optional[str] = None) -> Tables:
    """All rows in a terminal capture; never raises on bad input (see ``Tables.problems``).

    ``platform`` (an ntc-templates name such as ``cisco_ios``) overrides detection, ``device`` names
    the device of output with no prompt, ``command`` says which command produced such output.
    """
    sections, unreadable = capture.split_capture(text, device)
    tables = Tables()
    if unreadable:
        tables.problems.append(f"{unreadable} unreadable line(s) left out")
    for section in sections:
        if not section.typed and command:
            section = section._replace(typed=command)
        if section.device is None and device:
            section = section._replace(device=device)
        tables.extend(parse_section(section, platform))
    return tables


def parse_file_capture(text: str, path: str, platform: Optional[str] = None, device: Optional[str] = None,
                       command: Optional[str] = None) -> Tables:
    """:func:`parse_capture` of a file's ``text``, its problems naming the file."""
    found = parse_capture(text, platform, device, command)
    found.problems = [f"{path}: {problem}" for problem in found.problems]
    return found


def read_files(paths: Iterable[str], parse: Callable[[str, str], Tables]) -> Tables:
    """What ``parse(text, path)`` reads in each file (as UTF-8, bad bytes replaced); an unreadable file
    is a problem."""
    tables = Tables()
    for path in paths:
        try:
            with open(path, "rb") as f:
                text = f.read().decode("utf-8", errors="replace")
        except OSError as error:
            tables.problems.append(f"{path}: {error.strerror or error}")
            continue
        tables.extend(parse(text, path))
    return tables


def parse_files(paths: Iterable[str], platform: Optional[str] = None, device: Optional[str] = None,
                command: Optional[str] = None) -> Tables:
    """:func:`parse_capture` over files; unreadable files are problems."""
    return read_files(paths, lambda text, path: parse_file_capture(text, path, platform, device, command))
