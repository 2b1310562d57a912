"""Terminal captures split into (device, command, output) sections, with the command recognised.

An admin's capture is what the terminal showed: each command's output follows its prompt line
(``core-sw1#show mac address-table``, ``core-sw1>sh ip arp``, ``sw(config)#``, Junos
``admin@sw3> show ethernet-switching table``, Comware/Huawei ``<HP-5130>display mac-address`` or
``[HP-5130]display ...``), several devices and commands in one file. Paging junk (``--More--`` and the
backspaces, spaces and escape sequences that erase it), CR line ends and unreadable or overlong lines
are removed.
Text with no prompt at all is one section whose device and command are unknown.

Commands may be abbreviated as the device allows (``sh mac add``, ``show cdp nei det``);
:func:`recognise` maps them to a table kind (``mac``, ``arp``, ``neighbor``) and to the
command string ntc-templates' index is matched against.
"""
import re
import textwrap
from typing import NamedTuple, Optional

from acltrace.tables.rows import ARP, MAC, NEIGHBOR

# Every command a table can come from, most specific first where abbreviations tie.
COMMANDS = (
    ("show mac address-table", MAC),
    ("show mac-address-table", MAC),
    ("show mac-address", MAC),
    ("show ethernet-switching table", MAC),
    ("show fdb", MAC),
    ("show l2vpn mac-learning mac all location", MAC),
    ("display mac-address", MAC),
    ("show ip arp detail", ARP),
    ("show ip arp", ARP),
    ("show arp no-resolve", ARP),
    ("show arp detail", ARP),
    ("show arp all-vrfs", ARP),
    ("show arp", ARP),
    ("show iparp", ARP),
    ("display arp brief", ARP),
    ("display arp all", ARP),
    ("display arp", ARP),
    ("show cdp neighbors detail", NEIGHBOR),
    ("show cdp neighbors", NEIGHBOR),
    ("show lldp neighbors detail", NEIGHBOR),
    ("show lldp neighbors-info detail", NEIGHBOR),
    ("show lldp neighbor-info detail", NEIGHBOR),
    ("show lldp neighbors", NEIGHBOR),
    ("show lldp info remote-device", NEIGHBOR),
    ("show lldp remote-system", NEIGHBOR),
    ("display lldp neighbor-information verbose", NEIGHBOR),
    ("display lldp neighbor-information list", NEIGHBOR),
    ("display lldp neighbor", NEIGHBOR),
)
_COMMAND_WORDS = tuple((tuple(cmd.split()), cmd, kind) for cmd, kind in COMMANDS)
_DETAIL = "detail"


class Command(NamedTuple):
    kind: str      # mac, arp or neighbor
    name: str      # the full command, e.g. "show mac address-table"
    lookup: str    # the full command and its arguments, for ntc-templates' index


class Section(NamedTuple):
    device: Optional[str]       # from the prompt; None when there was none
    typed: Optional[str]        # the command as typed; None for a bare output
    text: str                   # the output, cleaned
    line: int                   # 1-based line of the prompt (or of the first output line)
    vendor_hint: Optional[str]  # "junos" or "comware/huawei" when the prompt's style tells


def recognise(typed: str) -> Optional[Command]:
    """The table command ``typed`` abbreviates (``sh mac add vlan 10``), or None."""
    words = typed.split("|")[0].lower().split()
    if words[:1] == ["do"]:  # show from configuration mode
        words = words[1:]
    best = None
    for full, name, kind in _COMMAND_WORDS:
        if len(words) < len(full) or not all(w and f.startswith(w) for w, f in zip(words, full)):
            continue
        exact = sum(w == f for w, f in zip(words, full))
        if best is None or (len(full), exact) > (len(best[0]), best[1]):
            best = (full, exact, name, kind)
    if best is None:
        return None
    full, _, name, kind = best
    args = words[len(full):]
    # IOS puts an interface before "detail": show cdp neighbors Gi1/0/1 detail
    if args and len(args[-1]) >= 3 and _DETAIL.startswith(args[-1]) and (name + " " + _DETAIL) in dict(COMMANDS):
        name, args = name + " " + _DETAIL, args[:-1]
    return Command(kind, name, " ".join([name] + args))


# host#cmd, host>cmd, host(config-if)#cmd, user@host> cmd
_PROMPT = re.compile(r"(?:(?P<user>[\w.-]+)@)?(?P<host>[A-Za-z0-9][\w.:/-]*)(?:\([\w.-]+\))?[#>] ?(?P<cmd>.*)\Z")
# <host>cmd, [host]cmd, [~host]cmd (Comware, Huawei)
_VRP_PROMPT = re.compile(r"[<\[]~?\*?(?P<host>[A-Za-z0-9][\w.:/-]*)[>\]] ?(?P<cmd>.*)\Z")
_VERBS = re.compile(r"(?:do|sh|sho|show|di|dis|disp|displ|display|ter|term|terminal|en|enable|conf|configure|exit)\b",
                    re.IGNORECASE)

_ANSI = re.compile(r"\x1b(?:\[[0-9;?]*[A-Za-z]|[()][A-Za-z0-9]|[=>78])")
# A pager's prompt (--More--, <--- More --->, -- MORE --, next page: Space, ... quit: Control-C, (more)) and
# one blank after it; _unpage takes the blanks before it too. Linear on any line: a run of dashes is
# tried from its first dash only, and "next page" looks no further than 100 characters for "Control-C".
_MORE = re.compile(
    r"(?:-- ?MORE ?--, next page.{0,100}?Control-C|<?(?<!-)-{2,} ?\(?more\b[^-\n]*-{2,}>?|\(more\))[ \t]?",
    re.IGNORECASE)
_UNREADABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffd]")
# No table line is this long; a longer one is junk (and would cost the templates' regexes dearly).
MAX_LINE = 1024


def _overstrike(line: str) -> str:
    """What a terminal shows for ``line``: backspace moves left, CR returns, later text overwrites."""
    cells: list = []
    col = 0
    for ch in line:
        if ch == "\b":
            col = max(0, col - 1)
        elif ch == "\r":
            col = 0
        else:
            if col < len(cells):
                cells[col] = ch
            else:
                cells.append(ch)
            col += 1
    return "".join(cells)


def _unpage(line: str) -> str:
    """``line`` without its pager prompts, each with the blanks before it and one blank after it."""
    kept = []
    end = 0
    for m in _MORE.finditer(line):
        start = m.start()
        while start > end and line[start - 1] in " \t":
            start -= 1
        kept.append(line[end:start])
        end = m.end()
    if not kept:
        return line
    kept.append(line[end:])
    return "".join(kept)


def clean_lines(text: str):
    """The capture's lines as shown, without paging junk; also the count of unreadable lines dropped.

    A line longer than ``MAX_LINE`` once overstruck is dropped before anything else reads it."""
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    out = []
    dropped = 0
    for line in text.split("\n"):
        if "\b" in line or "\r" in line:
            line = _overstrike(line.rstrip("\r"))
        if len(line) > MAX_LINE:
            dropped += 1
            continue
        if "ore" in line or "ORE" in line:
            stripped = _unpage(line)
            if stripped != line and not stripped.strip():
                continue
            line = stripped
        if _UNREADABLE.search(line):
            dropped += 1
            continue
        out.append(line)
    return out, dropped


def _prompt(line: str):
    """(device, typed command, vendor hint) when ``line`` is a prompt line, else None."""
    m = _VRP_PROMPT.match(line)
    hint = "comware/huawei"
    if not m:
        m = _PROMPT.match(line)
        hint = "junos" if m and m.group("user") else None
    if not m:
        return None
    cmd = m.group("cmd").strip()
    if (cmd or line[:1].isspace()) and not _VERBS.match(cmd):
        return None
    return m.group("host"), cmd, hint


# The column header of a CDP/LLDP neighbour table, indented.
_INDENTED_HEADER = re.compile(r"^[ \t]+Device[ -]?ID\b", re.MULTILINE)


def _trim(lines: list) -> str:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    # Output pasted from a document or a string literal can be indented as a whole.
    text = textwrap.dedent("\n".join(lines[start:end]) + "\n") if end > start else ""
    # Or its table deeper than the legend above it: the table's header and the lines after it are
    # dedented when none is less indented than the header, as the templates tell an entry from the
    # indented rest of a wrapped one by its indentation.
    m = _INDENTED_HEADER.search(text)
    if m:
        table = textwrap.dedent(text[m.start():])
        if not table[:1].isspace():
            text = text[:m.start()] + table
    return text


def split_capture(text: str, device: Optional[str] = None):
    """(sections, unreadable line count) of a capture; ``device`` names a capture with no prompt."""
    lines, dropped = clean_lines(text)
    sections = []
    current = (device, None, 1, None)
    body: list = []
    blank = True  # no line of body has text yet
    for number, line in enumerate(lines, 1):
        prompt = _prompt(line.lstrip())
        if prompt is None and current[1] is None and blank and recognise(line):
            prompt = (current[0], line.strip(), None)  # the command echoed above a bare output
        if prompt is None:
            if line.startswith("{master") or line.startswith("{backup") or line.startswith("{primary"):
                continue  # Junos routing-engine banner before a prompt
            body.append(line)
            blank = blank and not line.strip()
            continue
        if body or current[1] is not None:
            sections.append(Section(current[0], current[1], _trim(body), current[2], current[3]))
        current = (prompt[0], prompt[1], number, prompt[2])
        body = []
        blank = True
    if body or current[1] is not None:
        sections.append(Section(current[0], current[1], _trim(body), current[2], current[3]))
    return [s for s in sections if s.text or s.typed], dropped
