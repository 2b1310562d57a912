# ruff: noqa: E501  (regex pieces read best on one line)
"""Write default/transforms.conf and default/props.conf: acltrace's search-time extractions.

Why a generator and not hand-kept files: the header transforms (dvc, seq,
device_time) may only fire on a line whose body the body transforms accept,
exactly as bin/acltrace/parser.py only reads the header of an event it parsed.
A transform cannot see another transform's result, so each header regex ends in
a lookahead that is the union of every body regex of its family: a copy of the
bodies that must never drift from them. Composing it here keeps one source for
each body. Everything else in the output is kept short enough to review by eye:
one transform per message family with a comment, a few one-line EVALs per
sourcetype, no EVAL that re-checks the regexes' work.

The body regexes decide themselves what the parser would reject: an address is
captured only when it is written as an IP or a host name (never "***" or
"source_address"), ports are digits, and a body with no address and no port (a
documentation template) does not match at all. Edit the pieces here, run
``python tools/generators/gen_search_time_confs.py`` and commit both confs;
tests/test_search_time_extraction.py fails when the committed files are not
this script's output, and checks both against the parser on every test line.
"""
import pathlib
import re
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]

# ---------------------------------------------------------------- header pieces (header.py)
sys.path.insert(0, str(REPO / "bin"))
from acltrace.logs.header import DATE_TIME, ISO, MON, TZ, UPTIME  # noqa: E402  the parser's own pieces
from acltrace.logs.port_names import PORT_NUMBERS  # noqa: E402  Cisco's port names (acltrace_port_names.csv)
from acltrace_splunk.lookups import COLUMNS, FINDINGS_COLUMNS, MAC_EDGE_COLUMNS  # noqa: E402  the KV tables' columns

DEVTIME = rf"{DATE_TIME}(?: (?:{TZ}))?|{ISO}|{UPTIME}"      # no zone word after an RFC 3339 stamp: a host
DVC = (r"(?!(?i:local|user|daemon|kern)[^\s.]*\.)"
       r"(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}|(?=[\w.-]*[A-Za-z])[A-Za-z0-9][\w.-]*(?<!\.))")
SEP = rf"(?::?\s+|:(?=[*.]?{MON}\b))"
STAMP = rf"(?:{DATE_TIME}|{ISO})"
# A header token: a counter (seq), a host (dvc) or other text; never the start of a timestamp, so that a
# stamp among the tokens ("relayhost Jan 01 2026 00:00:40 asa :") is read one way only, as a stamp.
TOKEN = rf"(?!{STAMP} )(?:(?<seq>\d+)(?:\[\d+\])?|(?<dvc>{DVC})|[^\s%]+?){SEP}"
TAG = r"(?:[\w-]+\[\d+\]:\s*)?"
DEVEND = rf"(?:^|(?<=[\s:>]))[*.]?(?<device_time>{DEVTIME}) ?:?\s*{TAG}"
DEVEND_NC = rf"(?:^|(?<=[\s:>]))[*.]?(?:{DEVTIME}) ?:?\s*{TAG}"
PRE = r"^\s*(?:<\d{1,3}>)?[\s:]*"
IOS_M = r"%(?:[A-Z][A-Z0-9_]*(?:-[A-Z0-9_]+)?-[0-7]-[A-Z0-9_]*ACCESSLOG[A-Z0-9_]*|ACLLOG-[0-7]-ACLLOG_[A-Z_]+)\s?:"
ASA_M = r"%?(?:ASA|PIX|FWSM|FTD)-(?:[a-z]+-)?[0-7]-(?:1060\d\d|106100|710003|313001)\s?:"


def header_timed(gate):
    return rf"{PRE}(?:{STAMP} +|{TOKEN})*?{DEVEND}(?={gate})"


def header_untimed(mnemonic, gate):
    """No device timestamp before the mnemonic: the last stamp among the tokens (a relay's) is the device_time."""
    return (rf"{PRE}(?!.*?{DEVEND_NC}{mnemonic})(?:(?<device_time>{STAMP}) +|{TOKEN})*?[\s:]*(?={gate})")


# ---------------------------------------------------------------- addresses (addr.py)
IP = r"\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\d{1,3}(?:\.\d{1,3}){3})?"
HOST = r"(?=[\w.-]*[A-Za-z])[A-Za-z0-9][\w.-]*"


GATE = False    # True while building the header gates: see gate_copy()


def addr(side, end, junk=r"\S+", decides=False):
    """<side>_ip when the token is an IP or a host name (props.conf moves names to <side>_host), else nothing.

    ``decides``: whether the body is an event depends on it (no port in the body). In a gate copy an
    address that does not decide is just the token: the copy accepts the same lines, shorter."""
    if GATE and not decides:
        return rf"(?:{junk})"
    return rf"(?:(?<{side}_ip>{IP}|{HOST}){end}|{junk})"


MAC = r"[.:-]*(?:[0-9A-Fa-f][.:-]*){12}"      # any notation mac_colon() accepts: 12 hex digits


# ---------------------------------------------------------------- IOS, IOS-XE, IOS-XR (ios.py)
IOS_MNEM = r"%(?<mnemonic>[A-Z][A-Z0-9_]*(?:-[A-Z0-9_]+)?-(?<severity>[0-7])-(?<message_id>[A-Z0-9_]*ACCESSLOG[A-Z0-9_]*))\s?:"
LEAD_MAC = r"[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{4}(?:\.[0-9A-Fa-f]{4}){2}"   # FMANFP: before the source
LEAD_INTERFACE = r"\s*(?<src_interface>[A-Za-z][\w/.]*):\s+"                 # FMANFP's documented "F0/0:"
LIST_HEAD = (r"(?:access-)?list (?<rule>\S+) (?:\((?<ace>\d+)\) )?"
             r"(?<vendor_action>permitted|denied|permit|deny) (?:(?:ipv6|ip) |(?<transport>[a-z][a-z0-9]*|\d{1,3}) )?")
IOS_HEAD = r"\s*(?:[\w/]+:\s+\w+:\s+)?" + LIST_HEAD                      # FMANFP "R0/0: fman_fp_image:"


def ios_bodies():
    """The list-line bodies: (plain form, FMANFP form, FMANFP documented form). Built now so that GATE applies."""
    src = addr("src", r"(?![^\s(,])", r"[^\s(,]++")
    tail = (r"(?: ?-> " + addr("dest", r"(?![^\s(,])", r"[^\s(,]++") + r"(?:\((?<dest_port>\d+)\))?"
            r"(?: \((?<icmp_type>\d+)(?:/(?<icmp_code>\d+))?\))?)?,? (?<packets>\d+) packets?")
    plain = (IOS_HEAD + src + r"(?:\((?<src_port>\d+)\))?"
             rf"(?: \((?<src_interface>[^\s)]++)(?: (?:(?<src_mac>{MAC})(?= ?\))|[^\s)]*+))? ?\))?" + tail)
    fman = (IOS_HEAD + rf"(?:(?<src_mac>{LEAD_MAC}) )?"
            + src + r"(?:\((?<src_port>\d+)\))? (?<src_interface>[A-Za-z][^\s(]*?)" + tail)
    lead = LEAD_INTERFACE + LIST_HEAD + rf"(?:(?<src_mac>{LEAD_MAC}) )?" + src + r"(?:\((?<src_port>\d+)\))?" + tail
    return plain, fman, lead


IOS_RL = r"\s*access-list logging rate-limited or missed (?<missed_packets>\d+) packets?"
IOS_TRUNC = r"\s*(?:[\w/]+:\s+(?:\w+:\s+)?)?(?:access-)?list (?<rule>\S+) (?<vendor_action>permitted|denied|permit|deny)\b"

# ---------------------------------------------------------------- NX-OS (nxos.py)
NX_MNEM = r"%(?<mnemonic>ACLLOG-(?<severity>[0-7])-(?<message_id>ACLLOG_[A-Z_]+))\s?:"
NX_AT = r"%ACLLOG-[0-7]-ACLLOG_[A-Z_]+\s?:(?=(?:[^,]*,)*?\s*(?:Src IP|ACL Name)\s*[:=])(?:[^,]*,)*?\s*"   # a flow line, then the key
NX_FLOW = NX_MNEM + r"(?=(?:[^,]*,)*?\s*(?:Src IP|ACL Name)\s*[:=])"
VAL = r"[^,\s](?:[^,]*[^,\s])?"
NX_KEYS = [("Src IP", "src_ip", rf"(?:{IP}|{HOST})"), ("Dst IP", "dest_ip", rf"(?:{IP}|{HOST})"),
           ("Src Port", "src_port", VAL), ("Dst Port", "dest_port", VAL),
           ("Src Intf", "src_interface", VAL), ("Dst Intf", "dest_interface", VAL), ("ACL Name", "rule", VAL),
           ("ACE Action", "vendor_action", VAL), ("Hit-[cC]ount", "packets", VAL), ("Src MAC", "src_mac", MAC)]


def nx(key, field, val):
    return rf"{NX_AT}{key}\s*[:=]\s*(?<{field}>{val})\s*(?:,|$)"


NX_PROTO_NAME = NX_AT + r'Protocol\s*[:=]\s*"?(?!\s*(?i:ipv6|ip)\s*"?\()\s*(?<transport>[^"(,\s][^"(,]*?)\s*"?\(\d+\)'
NX_PROTO_NUM = NX_AT + r'Protocol\s*[:=]\s*(?:"\s*")?\((?<transport>\d+)\)'

# ---------------------------------------------------------------- ASA, PIX, FWSM, FTD (asa.py)
def asa_mnem(ids):
    return rf"%?(?<mnemonic>(?:ASA|PIX|FWSM|FTD)-(?:[a-z]+-)?(?<severity>[0-7])-(?<message_id>{ids}))\s?:"


RX_PRE = r"\s*(?:message repeated \d+ times: \[\s*)?"
A = r"[^\s/(),]+"                       # asa._ADDR
# Cisco's port names (asa._PORT_NAME), longest first; acltrace_port_names.csv gives their numbers.
PORT_NAMES = "(?:" + "|".join(sorted(PORT_NUMBERS, key=len, reverse=True)) + ")"
IP_TAIL = rf"(?:/(?:\d+|{PORT_NAMES}))?(?:\([^\s)]*\))?(?![^\s(])"
SOME_ADDRESS = r"(?(<src_ip>)|(?(<dest_ip>)|(?!)))"       # parser: no address and no port -> not an event
SOME_ADDRESS_OR_PORT = ("(?(<src_ip>)|(?(<dest_ip>)|(?(<src_port>)|(?(<dest_port>)|(?(<src_port_name>)|"
                        "(?(<dest_port_name>)|(?(<src_host>)|(?(<dest_host>)|(?!)))))))))")


TOKEN_SHAPE = r"[^\s(]+(?:(?<=:) [^\s(]+)?(?:\([^\s)]*\))?"      # asa._TOKEN


def token(side):
    """ASA "iface:addr/port(note)" as asa._split_token reads it: the interface ends at the first colon
    after which an IP runs to the end of the token, else at the last colon; ": " counts as ":".
    Atomic, so that the "some address" test at the end of a body cannot make the engine try another split."""
    if GATE:   # only whether the token gives an address, a port or a "(name)": an empty group says so
        gives = (rf"(?:[^\s(]*?: ?)?(?:{IP}|{HOST}){IP_TAIL}|[^\s(]*?/(?:\d+|{PORT_NAMES})(?:\([^\s)]*\))?(?![^\s(])"
                 r"|[^\s(]*\([^\s\\,()]+\)(?![^\s(])")
        return rf"(?:(?={gives})(?<{side}_ip>)|)(?>{TOKEN_SHAPE})"
    ipend = rf"(?:{IP}){IP_TAIL}"
    iface = (rf"(?<{side}_interface>[^\s(]+?(?=: ?{ipend})|[^\s(]+(?=: ?[^\s(:]*{IP_TAIL})): ?")
    return (rf"(?>(?:{iface})?(?:(?<{side}_ip>{IP}|{HOST})|[^\s(]*?)(?:/{port(side)})?"
            rf"(?:\((?:(?<{side}_host>[^\s\\,()]+)|[^\s)]*)\))?(?![^\s(]))")


def some_address_or_port():
    """End of a token body: the parser's "no address and no port: a template" (a gate copy's token sets
    <side>_ip alone for all three)."""
    return SOME_ADDRESS if GATE else SOME_ADDRESS_OR_PORT


def ip_only(side):
    """106002's "[\\d.:]+" address: an IP or nothing."""
    return r"[\d.:]+" if GATE else rf"(?:(?<{side}_ip>{IP})(?= )|[\d.:]+)"


def port(side):
    """A port as logged: digits, or a name of Cisco's table (props.conf looks up its number)."""
    return rf"(?:(?<{side}_port>\d+)|(?<{side}_port_name>{PORT_NAMES})(?![\w-]))"


def from_to(sep=" to "):
    return rf"from {addr('src', '(?=/)', A)}/{port('src')}{sep}{addr('dest', '(?=/)', A)}/{port('dest')}"


TYPE_CODE = r"(?:\s?\(?type (?<icmp_type>\d+), code (?<icmp_code>\d+)\)?,?)?"
TRANSPORT_OR_PROTOCOL = r"(?:protocol (?=\d)|(?=[a-z]))(?:ip(?= )|(?<transport>(?<=protocol )\d+|[a-z]\w*))"
NOT_IP = r"(?:(?i:ip)|(?<transport>\w+))"        # "ip" means any protocol: no transport
def hit_sides(src_number, dest_number):
    """106100's "iface/addr(port)(note) -> iface/addr(port)(note) " (ICMP puts type and code where ports go)."""
    note = r"(?:\s?\([^)]*\))?"
    return (r"(?<src_interface>[^\s/]+)/" + addr("src", r"(?=\()", r"[^\s(]+") + rf"\((?<{src_number}>\d+)\){note} -> "
            r"(?<dest_interface>[^\s/]+)/" + addr("dest", r"(?=\()", r"[^\s(]+") + rf"\((?<{dest_number}>\d+)\){note} ")


HIT_COUNT = r"hit-cnt (?<packets>\d+)(?: \(?first hit\)?| (?<interval>\d+)-second interval)?"
def asa_bodies():
    """[(message ids, comment, body)], built now so that GATE applies."""
    return [
        ("106001", "inbound/outbound TCP connection denied",
         r"(?<direction>Inbound|Outbound) " + NOT_IP + r" connection (?<vendor_action>denied) " + from_to()
         + r"(?: flags(?: (?<tcp_flag>[A-Z]+(?: [A-Z]+)*))?)?(?:\s+on interface (?<src_interface>[\w.:-]+))?"),
        ("106002", "connection denied by an outbound list",
         NOT_IP + r" connection (?<vendor_action>denied) by (?<direction>inbound|outbound) list (?<rule>\S+) "
         r"src " + ip_only("src") + r" (?<src_port>\d+) dest " + ip_only("dest") + r" (?<dest_port>\d+)"),
        ("106006", "inbound/outbound UDP denied",
         r"(?<vendor_action>Deny) (?<direction>inbound|outbound) " + NOT_IP + " " + from_to()
         + r"(?:\s+on\s+interface (?<src_interface>[\w.:-]+))?"),
        ("106007", "inbound UDP (DNS) denied",
         r"(?<vendor_action>Deny) (?<direction>inbound|outbound) " + NOT_IP + " " + from_to()
         + r"(?: due to (?<reason>.+?))?\s*$"),
        ("106010|106011", "inbound/outbound protocol denied (106011: no xlate)",
         r"(?<vendor_action>Deny) (?<direction>inbound|outbound) (?:\((?<reason>[^)]+)\) )?" + TRANSPORT_OR_PROTOCOL
         + " src " + token("src") + r"(?: dst " + token("dest") + r")?" + TYPE_CODE + some_address_or_port()),
        ("106014", "inbound/outbound ICMP denied",
         r"(?<vendor_action>Deny) (?<direction>inbound|outbound) (?<transport>icmp) src " + token("src")
         + " dst " + token("dest") + TYPE_CODE + some_address_or_port()),
        ("106015", "TCP with no connection denied",
         r"(?<vendor_action>Deny) (?<transport>TCP) \((?<reason>no connection)\) " + from_to()
         + r"(?: flags (?<tcp_flag>[A-Z]+(?: [A-Z]+)*))?(?:\s+on interface (?<src_interface>[\w.:-]+?))?\.?\s*$"),
        ("106016", "IP spoof denied",
         r"(?<vendor_action>Deny) IP (?<reason>spoof) from \(" + addr("src", r"(?=\))", r"[^)]+", decides=True) + r"\) to "
         + addr("dest", r"(?!\S)", decides=True) + SOME_ADDRESS + r"(?: on interface (?<src_interface>[\w.:-]+?))?\.?\s*$"),
        ("106017", "land attack denied",
         r"(?<vendor_action>Deny) IP due to (?<reason>Land Attack) from " + addr("src", r"(?!\S)", decides=True) + " to "
         + addr("dest", r"(?!\S)", decides=True) + SOME_ADDRESS),
        ("106012", "IP options denied",
         r"(?<vendor_action>Deny) IP from " + addr("src", r"(?!\S)", decides=True) + " to " + addr("dest", "(?=,)", r"[^\s,]+", decides=True)
         + SOME_ADDRESS + r", (?<reason>IP options.*?)\.?\s*$"),
        ("106020", "teardrop fragment denied",
         r"(?<vendor_action>Deny) IP (?<reason>teardrop fragment) \(size = \d+, offset = \d+\) from "
         + addr("src", r"(?!\S)", decides=True) + " to " + addr("dest", r"(?!\S)", decides=True) + SOME_ADDRESS),
        ("106021", "reverse path check denied",
         r"(?<vendor_action>Deny) (?:(?:IP|protocol) |(?<transport>[A-Z]+|\d+) )(?<reason>reverse path check) from "
         + addr("src", r"(?!\S)", decides=True) + " to " + addr("dest", r"(?!\S)", decides=True) + SOME_ADDRESS
         + r" on interface (?<src_interface>[\w.:-]+?)\.?\s*$"),
        ("106022", "connection spoof denied",
         r"(?<vendor_action>Deny) (?:(?:IP|protocol) |(?<transport>[A-Z]+|\d+) )(?<reason>connection spoof) from "
         + addr("src", r"(?!\S)", decides=True) + " to " + addr("dest", r"(?!\S)", decides=True) + SOME_ADDRESS
         + r" on interface (?<src_interface>[\w.:-]+?)\.?\s*$"),
        ("106023", "denied by an access-group",
         r"(?<vendor_action>Deny) " + TRANSPORT_OR_PROTOCOL + " src " + token("src") + " dst " + token("dest")
         + TYPE_CODE + r"(?: by access-group \"(?<rule>[^\"]*)\")?" + some_address_or_port()),
        ("106100", "access-list hit (TCP/UDP/...: ports)",
         r"access-list (?<rule>\S+) (?<vendor_action>permitted|denied|est-allowed) (?!(?i:icmp) )" + NOT_IP + " "
         + hit_sides("src_port", "dest_port") + HIT_COUNT),
        ("106100", "access-list hit (ICMP: type and code where ports would be)",
         r"access-list (?<rule>\S+) (?<vendor_action>permitted|denied|est-allowed) (?<transport>(?i:icmp)) "
         + hit_sides("icmp_type", "icmp_code") + HIT_COUNT),
        ("710003", "to-the-box access denied by ACL",
         NOT_IP + r" access (?<vendor_action>denied) by ACL from " + addr("src", "(?=/)", r"[^\s/]+")
         + "/" + port("src") + r" to (?<dest_interface>[^\s:]+):" + addr("dest", "(?=/)", r"[^\s/]+") + "/" + port("dest")),
        ("313001", "ICMP to the box denied",
         r"(?<vendor_action>Denied) (?<transport>ICMP) type=(?<icmp_type>\d+), code=(?<icmp_code>\d+) "
         rf"from (?<src_ip>{IP}|{HOST})(?: on interface (?<src_interface>[\w.:-]+))?\s*$"),
    ]

# ---------------------------------------------------------------- ASA bodies quoted without their tag (parser._bare)
ANYMNEM = r"%?\b[A-Z][A-Z0-9_]*-(?:[A-Za-z0-9_]+-)*[0-7]-[A-Z0-9_]+\s?:"
START = r"(?:Deny |access-list \S+ (?:permitted|denied|est-allowed) |Inbound |Outbound )"
BARE_IDS = ("106023", "106100", "106015", "106006", "106001", "106014", "106021")


def bodies_of(mid):
    return [body for ids, _, body in asa_bodies() if mid in ids.split("|")]


# ---------------------------------------------------------------- group names -> numbers (for lookaheads)
_GROUP = re.compile(r"\\.|\[(?:\\.|[^\]\\])*\]|\((?!\?)|\(\?<(?![=!])(\w+)>|\(\?\(<(\w+)>\)")


def anonymous(rx, keep=frozenset()):
    """``rx`` extracting no field but those of ``keep``: other named groups become (?:...), except those
    a (?(<name>)...) test needs, which become numbered groups (Splunk makes fields of named groups only)
    with the test made relative, so that the copy works wherever it is put."""
    tested = set(re.findall(r"\(\?\(<(\w+)>\)", rx)) - set(keep)
    out, count, numbers, pos = [], 0, {}, 0
    for m in _GROUP.finditer(rx):
        out.append(rx[pos:m.start()])
        text = m.group(0)
        if text == "(" or m.group(1) in tested:
            count += 1
            numbers[m.group(1)] = count
            text = "("
        elif m.group(1) in keep:
            count += 1                  # a capturing group still: relative tests count it
        elif m.group(1):
            text = "(?:"
        elif m.group(2) in tested:
            text = f"(?(-{count - numbers[m.group(2)] + 1})"      # relative: the copy sits inside other groups
        out.append(text)
        pos = m.end()
    out.append(rx[pos:])
    return "".join(out)


def alternatives(regexes):
    """One regex matching where any of ``regexes`` does, with each one's group tests intact."""
    return "(?:" + "|".join(anonymous(rx) for rx in regexes) + ")"


def bare(mid):
    """Each body of ``mid`` after the first parser._BARE_START on a line with no mnemonic. The seven
    bare shapes exclude each other by their first words, so the parser's try-in-order needs no guard."""
    return [rf"^(?![\s\S]*?{ANYMNEM})(?:(?!{START})[\s\S])*" + RX_PRE + body for body in bodies_of(mid)]


# ---------------------------------------------------------------- transforms.conf
IOS_LIST, IOS_FMAN, IOS_LEAD = ios_bodies()
IOS_TRANSFORMS = [
    ("acltrace_ios_list", "IOS, IOS-XE, IOS-XR, IPv6 list lines (IPACCESSLOG P/DP/NP/RP/S/SP, ACCESSLOG*); log-input '(Intf mac)'",
     IOS_MNEM + IOS_LIST),
    ("acltrace_ios_list_fman", "IOS-XE FMANFP lines that write the ingress interface (and a dash-form MAC) around the source",
     IOS_MNEM + "(?!" + anonymous(IOS_LIST) + ")" + IOS_FMAN),
    ("acltrace_ios_list_lead", "IOS-XE FMANFP lines in Cisco's documented form: 'F0/0:' (the interface) first, a MAC before the source",
     IOS_MNEM + IOS_LEAD),
    ("acltrace_ios_ratelimited", "SEC-6-IPACCESSLOGRL: packets not logged because of rate limiting", IOS_MNEM + IOS_RL),
    ("acltrace_ios_truncated", "a list line cut short: rule and vendor_action only",
     IOS_MNEM + "(?!" + alternatives([IOS_LIST, IOS_FMAN, IOS_LEAD]) + ")" + IOS_TRUNC),
    ("acltrace_nxos_flow", "NX-OS ACLLOG flow line: mnemonic (the acltrace_nxos_<field> transforms read its 'Key: value' pairs)", NX_FLOW),
]
for key, field, val in NX_KEYS:
    IOS_TRANSFORMS.append((f"acltrace_nxos_{field}", f"NX-OS '{key.replace('[cC]', 'c')}: value' -> {field}", nx(key, field, val)))
IOS_TRANSFORMS += [
    ("acltrace_nxos_transport_name", "NX-OS 'Protocol: \"NAME\"(number)' -> transport (the name; IP/IPv6 -> none)", NX_PROTO_NAME),
    ("acltrace_nxos_transport_number", "NX-OS 'Protocol: (number)' with no name -> transport (the number)", NX_PROTO_NUM),
]

ASA_TRANSFORMS = []
for ids, comment, body in asa_bodies():
    name = "acltrace_asa_" + ids.replace("|", "_") + ("_icmp" if "ICMP: type" in comment else "")
    ASA_TRANSFORMS.append((name, f"{ids.replace('|', ', ')}: {comment}", asa_mnem(ids) + RX_PRE + body))
for mid in BARE_IDS:
    for j, rx in enumerate(bare(mid)):
        name = f"acltrace_asa_bare_{mid}" + ("_icmp" if j else "")
        ASA_TRANSFORMS.append((name, f"a {mid} body quoted without its %ASA-n-{mid} tag", rx))
        ASA_TRANSFORMS.append((name + "_id", "... and its message id", (anonymous(rx), f"message_id::{mid}")))

# The header gates: every body of a family, in the shortest form that accepts the same lines
# (an address that does not decide whether the line is an event is just its token; see addr()).
GATE = True
_ios_list, _ios_fman, _ios_lead = ios_bodies()
IOS_GATE = "%(?:" + r"[A-Z][A-Z0-9_]*(?:-[A-Z0-9_]+)?-[0-7]-[A-Z0-9_]*ACCESSLOG[A-Z0-9_]*\s?:" + alternatives(
    [_ios_list, _ios_fman, _ios_lead, IOS_RL, IOS_TRUNC]) + "|" + anonymous(NX_FLOW)[1:] + ")"
ASA_GATE = (r"%?(?:ASA|PIX|FWSM|FTD)-(?:[a-z]+-)?[0-7]-" + alternatives(
    [f"(?:{ids})" + r"\s?:" + RX_PRE + body for ids, _, body in asa_bodies()]))
GATE = False

HEADERS = [
    ("acltrace_ios_header_timed", "IOS family: device timestamp right before the mnemonic -> dvc, seq, device_time", header_timed(IOS_GATE)),
    ("acltrace_ios_header_untimed", "IOS family, no device timestamp: the relay's timestamp is the device_time", header_untimed(IOS_M, IOS_GATE)),
    ("acltrace_asa_header_timed", "ASA family: device timestamp before the message id -> dvc, seq, device_time", header_timed(ASA_GATE)),
    ("acltrace_asa_header_untimed", "ASA family, no device timestamp: the relay's timestamp is the device_time", header_untimed(ASA_M, ASA_GATE)),
]

T_HEAD = """# acltrace search-time field extractions (transforms.conf).
# GENERATED by tools/generators/gen_search_time_confs.py (see its docstring for why) -- edit there, re-run, commit both.
#
# Named-group PCRE regexes: the group names are the field names (no FORMAT),
# except the *_id transforms, which add the message id of a body quoted bare.
# The regexes follow bin/acltrace/parser.py one to one (ios.py, asa.py,
# nxos.py, header.py); tests/test_search_time_extraction.py checks that both
# give the same fields on every line of the peer corpus and tests/data.
#
# A body transform matches only what the parser accepts as an event: the ACL
# mnemonic, the body's shape, digits for ports, and at least one address or
# port. An address is captured (as <side>_ip) only when written as an IP or a
# host name; props.conf moves host names to <side>_host. "(?(<src_ip>)|...(?!))"
# at the end of a body reads "fail unless one of these groups matched".
# At most one transform gives a field of an event (the test checks), so the
# result does not depend on the order Splunk runs them in.
#
# The four *_header_* transforms read the text before the mnemonic: optional
# <PRI>, relay "timestamp host", counters ("123:") and host names ("sw01:"),
# the device timestamp, an IOS-XR process tag. Last counter -> seq, last
# host-like token -> dvc. Each ends in a lookahead that is every body regex of
# its family with the names taken out (so it extracts no field twice): a line
# whose body is not an event gets no dvc/seq/device_time either.
"""


def transforms_text():
    parts = [T_HEAD]

    def add(name, comment, rx):
        fmt = None
        if isinstance(rx, tuple):
            rx, fmt = rx
        parts.append(f"\n# {comment}\n[{name}]\nREGEX = {rx}\n" + (f"FORMAT = {fmt}\n" if fmt else ""))

    parts.append("\n# ---- IOS family (cisco:ios, cisco:xr): IOS, IOS-XE, IOS-XR, NX-OS\n")
    for t in IOS_TRANSFORMS:
        add(*t)
    parts.append("\n# ---- ASA family (cisco:asa, cisco:ftd, cisco:pix, cisco:fwsm): one transform per message id\n")
    for t in ASA_TRANSFORMS:
        add(*t)
    parts.append("\n# ---- headers (long: each ends in the union of its family's bodies above)\n")
    for t in HEADERS:
        add(*t)
    parts.append("\n# ---- the same, cut to the fields we add where a Cisco add-on gives the ACL fields (props.conf)\n")
    for t in BESIDE_ADDON.values():
        add(*t)
    parts.append("\n# vendor_action -> CIM action (allowed|blocked); see lookups/README.md\n"
                 "[acltrace_actions]\nfilename = acltrace_actions.csv\ncase_sensitive_match = false\n")
    parts.append("\n# ASA/PIX port name as logged ('www') -> its number, from Cisco's table (bin/acltrace/logs/port_names.py)\n"
                 "[acltrace_port_names]\nfilename = acltrace_port_names.csv\n")
    parts.append(DEVICE_TRANSFORMS)
    return "".join(parts)


# ---------------------------------------------------------------- the MAC trace's tables
_LOOKUP_FIELDS = {name: ", ".join(columns)
                  for name, columns in {**COLUMNS, "acltrace_mac_edge": MAC_EDGE_COLUMNS,
                                        "acltrace_findings": FINDINGS_COLUMNS}.items()}
DEVICE_TRANSFORMS = (
    "\n# ---- the MAC trace's tables (docs/DESIGN.md section 5; lookups/README.md) and the findings: KV store\n"
    "# collections (collections.conf), written by the 'acltrace - Build ...' and 'acltrace - Findings' saved\n"
    "# searches, so an upgrade keeps them.\n"
    "# mactrace reads the trace's through splunkd's REST API; acltrace_mac_edge (MAC -> its traced edge port) feeds\n"
    "# the automatic lookup of the ACL sourcetypes (replicate = true takes it to the indexers).\n"
    + "".join(f"[{name}]\nexternal_type = kvstore\ncollection = {name}\nfields_list = _key, {fields}\n\n"
              for name, fields in _LOOKUP_FIELDS.items())
).rstrip("\n") + "\n"


# ---------------------------------------------------------------- props.conf
HOSTNAME = r'"^[^:]*[A-Za-z][^:]*$"'       # of what the regexes capture: a letter and no colon = host name
MAC_EVAL = (r'if(match(src_mac, "^[.:-]*(?:[0-9A-Fa-f][.:-]*){12}$"), '
            r'lower(replace(replace(src_mac, "[.:-]", ""), "^(..)(..)(..)(..)(..)(..)$", "\1:\2:\3:\4:\5:\6")), src_mac)')
COMMON = {
    "src_ip": f"if(match(src_ip, {HOSTNAME}), null(), src_ip)",
    "src_host": f"if(match(src_ip, {HOSTNAME}), src_ip, src_host)",
    "dest_ip": f"if(match(dest_ip, {HOSTNAME}), null(), dest_ip)",
    "dest_host": f"if(match(dest_ip, {HOSTNAME}), dest_ip, dest_host)",
    "src": "coalesce(src_ip, src_host)",
    "dest": "coalesce(dest_ip, dest_host)",
    "transport": "lower(transport)",
    "vendor": '"Cisco"',
}
VERSION_OF = (r'match(src_ip, ":"), "6", match(src_ip, "^[\d.]+$"), "4", '
              r'match(dest_ip, ":"), "6", match(dest_ip, "^[\d.]+$"), "4"')
IOS_EVALS = dict(COMMON, **{
    "src_mac": MAC_EVAL,
    "rule": r'if(match(mnemonic, "IPV6") AND match(rule, "./\d+$"), replace(rule, "/\d+$", ""), rule)',
    "ace": r'if(isnull(ace) AND match(mnemonic, "IPV6") AND match(rule, "./\d+$"), replace(rule, "^.*/", ""), ace)',
    "icmp_type": 'if(transport == "igmp", null(), icmp_type)',
    "icmp_code": 'if(transport == "igmp", null(), icmp_code)',
    "igmp_type": 'if(transport == "igmp", icmp_type, igmp_type)',
    "protocol": 'if(match(mnemonic, "^ACLLOG-") OR (match(mnemonic, "ACCESSLOG") AND isnotnull(rule)), "ip", protocol)',
    "protocol_version": (f'case(match(mnemonic, "IPV6") AND isnotnull(rule), "6", {VERSION_OF}, '
                         'match(mnemonic, "ACCESSLOG") AND isnotnull(rule), "4", true(), protocol_version)'),
    "vendor_product": ('case(match(mnemonic, "^ACL-.*ACCESSLOG"), "Cisco IOS XR", match(mnemonic, "^ACLLOG-"), "Cisco NX-OS", '
                       'match(mnemonic, "ACCESSLOG"), "Cisco IOS", true(), vendor_product)'),
    "product": ('case(match(mnemonic, "^ACL-.*ACCESSLOG"), "IOS XR", match(mnemonic, "^ACLLOG-"), "NX-OS", '
                'match(mnemonic, "ACCESSLOG"), "IOS", true(), product)'),
})
ASA_ACL = r'isnotnull(vendor_action) AND match(message_id, "^(?:1060\d\d|106100|710003|313001)$")'
ASA_EVALS = dict(COMMON, **{
    "direction": "lower(direction)",
    "protocol": f'if({ASA_ACL}, "ip", protocol)',
    "protocol_version": f"case({VERSION_OF}, true(), protocol_version)",
    "vendor_product": f'if({ASA_ACL}, "Cisco " . coalesce(replace(mnemonic, "-.*", ""), "ASA"), vendor_product)',
    "product": f'if({ASA_ACL}, coalesce(replace(mnemonic, "-.*", ""), "ASA"), product)',
})


def report(transforms):
    return ", ".join(name for name, _, _ in transforms)


P_HEAD = """# acltrace search-time knowledge for Cisco ACL log messages (props.conf).
# GENERATED by tools/generators/gen_search_time_confs.py -- edit there and re-run it.
#
# Gives the fields of docs/DESIGN.md section 2 -- the same names and values as the
# Python parser (bin/acltrace/parser.py, the aclparse command) -- to events
# indexed under the sourcetypes Cisco's add-ons and SC4S use:
#   cisco:xr    IOS-XR (and the IOS family), as SC4S sends it -- no add-on: all fields
#   cisco:pix, cisco:fwsm   PIX and FWSM -- SC4S; the ASA add-on no longer lists
#               them -- no add-on: all fields
#   cisco:ios   IOS, IOS-XE, NX-OS -- owned by the Cisco Networks add-on
#               (TA-cisco_ios): only packets, missed_packets, message_id, seq
#   cisco:ftd   FTD -- owned by the Splunk Add-on for Cisco ASA: only packets,
#               interval, mnemonic, device_time, seq and the named ports' names
#               (src_port_name, dest_port_name)
#   cisco:asa   ASA -- no stanza at all: Splunk counts it among its own source
#               types, and AppInspect's cloud check refuses an app's stanza for
#               one; the ASA add-on gives the ACL fields, aclparse every field
# On a sourcetype an add-on owns, the add-on gives the ACL fields its own way;
# a second definition of a field there would fight it (see Coexistence). The
# aclparse command gives every field on any sourcetype.
# A props.conf stanza names one source type exactly (wildcards are documented
# for host:: and source:: stanzas only), so stanzas repeat the same few lines;
# the regexes live once, in transforms.conf. The test checks that cisco:pix and
# cisco:fwsm stay identical.
#
# Search time only. Line breaking, timestamps and KV_MODE belong to Cisco's
# add-ons and are not set here.
#
# Order (Splunk's search-time sequence): REPORT (transforms.conf) -> EVAL ->
# LOOKUP. Every EVAL sees the event as the REPORTs left it, never another
# EVAL's result. The regexes already reject what the parser rejects, so the
# EVALs only finish values:
#   src_ip/dest_ip   hold an IP or a host name: names move to src_host/dest_host
#                    (an ASA "(name)" note is extracted straight into *_host)
#   src_mac          any notation -> lowercase colon form 00:0b:bf:55:4c:70
#   transport        lowercase ("ip", any protocol, is never extracted)
#   rule/ace         IOS IPv6 "NAME/10" -> rule NAME, ace 10
#   icmp/igmp        IOS writes the IGMP type where ICMP's type/code go
#   direction        lowercase (ASA 106001 writes "Inbound")
#   protocol, protocol_version, vendor_product: from the mnemonic and addresses
#   src, dest, vendor, product: CIM conveniences (Network_Traffic)
#   dvc              the event's host where the message names no device
#   src/dest_port    looked up from the name an ASA/PIX logged ("www" -> 80)
# Known difference: the parser reads at most 512 characters before the
# mnemonic and 2048 after it; these regexes read the whole line.
#
# action comes from a lookup, not an EVAL: the verb list (permitted, denied,
# Deny, est-allowed, Permit ...) is data an admin may extend for a new message
# without editing this file, and one CSV serves every sourcetype. OUTPUTNEW:
# an action another add-on already set is kept.
#
# Coexistence: Splunk merges one sourcetype's stanzas across apps key by key,
# so a key two apps set (EVAL-dest, FIELDALIAS-dvc) keeps one definition, and
# a field two extractions give holds whichever ran first. On the sourcetypes an
# add-on owns we therefore set none of its keys and give none of its fields
# (tests/package/test_vendor_addon_keys.py checks both against the add-ons'
# key and field names), under classes named acltrace_*; the LOOKUP of the MAC
# trace adds its fields with OUTPUTNEW only. Elsewhere our EVALs leave other
# events' values as they were (protocol, vendor_product ... test for an ACL
# mnemonic or message id first), except that they lowercase transport/
# direction, write MACs in colon form and move a host name found in
# src_ip/dest_ip to src_host/dest_host, as CIM asks; dvc is the event's host
# where the message names no device.
# The acltrace commands (aclparse) do not depend on any of this.
"""


MAC_EDGE = ("acltrace_mac_edge mac AS src_mac "
            "OUTPUTNEW switch AS src_switch port AS src_switch_port vlan AS src_vlan")
# ASA/PIX named ports: the number from Cisco's table (OUTPUTNEW: a port extracted as a number stays).
PORT_LOOKUPS = [(f"acltrace_{side}_port_name", f"acltrace_port_names name AS {side}_port_name OUTPUTNEW port AS {side}_port")
                for side in ("src", "dest")]
# Where the device named none, the event's host is the device (aclparse does the same): ACL events only.
DVC_EVAL = 'coalesce(dvc, if(isnotnull(message_id), host, null()))'

# Sourcetypes a Cisco add-on owns: the add-on gives them the ACL fields (its keys and fields are listed in
# tests/data/vendor_addon_keys/). There we add only fields it does not give, none of them computed from
# a field it might give, under REPORT classes of our own; the full extraction stays on the others.
ADDON_ADDS = {
    "Splunk Add-on for Cisco ASA": (("cisco:asa", "cisco:ftd"),
                                    ("packets", "interval", "mnemonic", "device_time", "seq",
                                     "src_port_name", "dest_port_name")),
    "Cisco Networks add-on (TA-cisco_ios)": (("cisco:ios",), ("packets", "missed_packets", "message_id", "seq")),
}
ADDED_BESIDE_ADDON = {st: (addon, fields) for addon, (sts, fields) in ADDON_ADDS.items() for st in sts}
# Source types Splunk counts among its own: AppInspect's cloud check refuses any stanza of an app for them
# (check_that_no_configurations_of_default_source_type_in_props_conf), so we add nothing there; the add-on
# gives the ACL fields, aclparse every field.
SPLUNK_SOURCETYPES = ("cisco:asa",)


def stanza(name, comment, reports, evals, lookups):
    lines = [f"# {comment}", f"[{name}]"]
    lines += [f"REPORT-{cls} = {value}" for cls, value in reports]
    lines += [f"EVAL-{k} = {evals[k]}" for k in sorted(evals)]
    lines += [f"LOOKUP-{cls} = {value}" for cls, value in lookups]
    return "\n".join(lines) + "\n"


def beside_addon(reports, fields):
    """``reports`` cut to ``fields``: each transform with the other names taken out (a transform left
    with no field is dropped), kept in BESIDE_ADDON for transforms.conf."""
    out = []
    for cls, value in reports:
        names = []
        for tname in (n.strip() for n in value.split(",")):
            rx = TRANSFORM_REGEX[tname]
            if isinstance(rx, tuple):               # FORMAT message_id::...: only where message_id is ours
                if "message_id" not in fields:
                    continue
                rx, fmt = rx
                cut = (anonymous(rx, frozenset(fields)), fmt)
            else:
                cut = anonymous(rx, frozenset(fields))
                if "(?<" not in cut.replace("(?<=", "").replace("(?<!", ""):
                    continue
            name = f"{tname}_beside_addon"
            kept = ", ".join(re.findall(r"\(\?<(\w+)>", cut if isinstance(cut, str) else cut[0]))
            assert BESIDE_ADDON.setdefault(name, (name, f"{tname}, only {kept or 'message_id'}", cut))[2] == cut
            names.append(name)
        if names:
            out.append((cls, ", ".join(names)))
    return out


IOS_REPORTS = [
    ("acltrace_ios", report([t for t in IOS_TRANSFORMS if t[0].startswith("acltrace_ios_")])),
    ("acltrace_nxos", report([t for t in IOS_TRANSFORMS if t[0].startswith("acltrace_nxos_")])),
    ("acltrace_header", "acltrace_ios_header_timed, acltrace_ios_header_untimed"),
]
ASA_REPORTS = [
    ("acltrace_asa", report([t for t in ASA_TRANSFORMS if "_bare_" not in t[0]])),
    ("acltrace_asa_bare", report([t for t in ASA_TRANSFORMS if "_bare_" in t[0]])),
    ("acltrace_header", "acltrace_asa_header_timed, acltrace_asa_header_untimed"),
]
TRANSFORM_REGEX = {name: rx for name, _, rx in IOS_TRANSFORMS + ASA_TRANSFORMS + HEADERS}
BESIDE_ADDON = {}       # name: (name, comment, regex) of the cut transforms the add-on sourcetypes use
BESIDE = {st: beside_addon(IOS_REPORTS if st == "cisco:ios" else ASA_REPORTS, fields)
          for st, (_, fields) in ADDED_BESIDE_ADDON.items()}


def family_stanzas(sourcetypes, comment, reports, evals, lookups):
    parts = []
    for st in sourcetypes:
        if st in SPLUNK_SOURCETYPES:
            continue
        if st in ADDED_BESIDE_ADDON:
            addon, fields = ADDED_BESIDE_ADDON[st]
            parts.append(stanza(st, f"{comment}; the {addon} gives the ACL fields, we add {', '.join(fields)}",
                                BESIDE[st], {}, [("acltrace_mac_edge", MAC_EDGE)]))
        else:
            parts.append(stanza(st, comment, reports, evals, lookups))
    return parts


def props_text():
    base_lookups = [("acltrace_action", "acltrace_actions vendor_action OUTPUTNEW action"), ("acltrace_mac_edge", MAC_EDGE)]
    parts = [P_HEAD]
    parts += family_stanzas(("cisco:ios", "cisco:xr"), "IOS family: IOS, IOS-XE, IOS-XR, NX-OS", IOS_REPORTS,
                            dict(IOS_EVALS, dvc=DVC_EVAL), base_lookups)
    parts += family_stanzas(("cisco:asa", "cisco:ftd", "cisco:pix", "cisco:fwsm"), "ASA family: ASA, PIX, FWSM, FTD",
                            ASA_REPORTS, dict(ASA_EVALS, dvc=DVC_EVAL), base_lookups + PORT_LOOKUPS)
    return "\n".join([""] + parts)[1:] + DEVICE_PROPS


# Our own sourcetypes: unlike Cisco's, their line breaking and time are ours to set.
_PROMPT = (r"(?:(?:[\w.-]+@)?[A-Za-z0-9][\w.:/-]*(?:\([\w.-]+\))?[#>] ?(?i:do +)?(?i:sh|sho|show|di|dis|disp|displ|display)\b"
           r"|[<\[]~?\*?[A-Za-z0-9][\w.:/-]*[>\]] ?(?i:di|dis|disp|displ|display)\b)")
_JSON_ROWS = """SHOULD_LINEMERGE = false
LINE_BREAKER = ([\\r\\n]+)
TIME_PREFIX = "time":\\s*
TIME_FORMAT = %s
MAX_TIMESTAMP_LOOKAHEAD = 20
TRUNCATE = 100000
KV_MODE = json
category = Network & Security
pulldown_type = 1
"""
DEVICE_PROPS = f"""
# ---- acltrace's own sourcetypes (device tables for the MAC trace; docs/DESIGN.md section 5)

# Terminal captures of show commands (MAC address tables, ARP, CDP/LLDP neighbours): one event per
# command, broken before each prompt line that runs show/display; the showtables command reads them.
# A capture has no time of its own: the event gets the time it is indexed.
[acltrace:show]
SHOULD_LINEMERGE = false
LINE_BREAKER = ([\\r\\n]+)(?={_PROMPT})
TRUNCATE = 10000000
DATETIME_CONFIG = CURRENT
KV_MODE = none
category = Network & Security
description = acltrace: terminal captures of device show commands (MAC, ARP, CDP/LLDP tables), one event per command
pulldown_type = 1

# One JSON object per table row, as the acltrace_snmp input writes them ("time": the poll, epoch s).
[acltrace:mac]
{_JSON_ROWS}description = acltrace: MAC address table rows (mac, switch, port, vlan, type), one JSON object each

[acltrace:arp]
{_JSON_ROWS}description = acltrace: ARP table rows (ip, mac, device, interface), one JSON object each

[acltrace:neighbor]
{_JSON_ROWS}description = acltrace: CDP/LLDP neighbour rows (switch, port, neighbor, neighbor_port, capabilities), one JSON object each

[acltrace:collector]
{_JSON_ROWS}description = acltrace: one status event per device and poll of the acltrace_snmp input
"""


def render():
    """{path relative to the repo: text} for the files this script owns."""
    return {"default/transforms.conf": transforms_text(), "default/props.conf": props_text(),
            "lookups/acltrace_port_names.csv": port_names_csv()}


def port_names_csv():
    return "name,port\n" + "".join(f"{name},{number}\n" for name, number in sorted(PORT_NUMBERS.items()))


def main(argv):
    stale = [p for p, text in render().items() if not (REPO / p).exists() or (REPO / p).read_text(encoding="utf-8") != text]
    if "--check" in argv:
        for p in stale:
            print(f"{p} is not the output of tools/generators/gen_search_time_confs.py", file=sys.stderr)
        return 1 if stale else 0
    for p, text in render().items():
        (REPO / p).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
