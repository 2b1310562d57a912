# ruff: noqa: E501  (regex pieces read best on one line)
"""Write default/transforms.conf and default/props.conf: acltrace's search-time extractions.

The regexes mirror bin/acltrace/{header,ios,nxos,asa}.py piece by piece, and the
header transforms look ahead for a whole ACL body (so a non-ACL line gets no
dvc/seq/device_time), which makes them too long to keep by hand. Edit the pieces
here, run ``python tools/gen_search_time_confs.py`` (``--check`` only compares),
commit both; tests/test_search_time_extraction.py checks the committed files are
this script's output and that they agree with the parser on every test line.
"""
import pathlib
import re
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent
MON = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
CLOCK = r"\d{1,2}:\d\d:\d\d(?:\.\d+)?"
DATE_TIME = rf"(?:\d{{4}} +{MON} +\d{{1,2}}|{MON} +\d{{1,2}}(?: +\d{{4}})?) +{CLOCK}"
ISO = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?"
TZ = r"(?:UTC|GMT)?[+-]\d{1,2}(?::?\d\d)?|[A-Za-z]{2,5}"
UPTIME = r"\d+[ywdh]\d+[wdhm](?:\d+[hms])?|\d\d:\d\d:\d\d(?:\.\d+)?"
DEVTIME = rf"(?:{DATE_TIME}|{ISO})(?: (?:{TZ}))?|{UPTIME}"
HOST = (r"(?!(?i:local|user|daemon|kern)[^\s.]*\.)"
        r"(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}|(?=[\w.-]*[A-Za-z])[A-Za-z0-9][\w.-]*(?<!\.))")
SEP = rf"(?::?\s+|:(?=[*.]?{MON}\b))"
TOKEN = rf"(?:(?<seq>\d+)(?:\[\d+\])?|(?<dvc>{HOST})|[^\s%]+?){SEP}"
IOS_M = r"%(?:[A-Z][A-Z0-9_]*(?:-[A-Z0-9_]+)?-[0-7]-[A-Z0-9_]*ACCESSLOG[A-Z0-9_]*|ACLLOG-[0-7]-ACLLOG_[A-Z_]+)\s?:"
ASA_M = r"%?(?:ASA|PIX|FWSM|FTD)-(?:[a-z]+-)?[0-7]-(?:1060\d\d|106100|710003|313001)\s?:"
TAG = r"(?:[\w-]+\[\d+\]:\s*)?"
DEVEND = rf"(?:^|(?<=[\s:>]))[*.]?(?<device_time>{DEVTIME}) ?:?\s*{TAG}"
DEVEND_NC = rf"(?:^|(?<=[\s:>]))[*.]?(?:{DEVTIME}) ?:?\s*{TAG}"
PRE = r"^\s*(?:<\d{1,3}>)?[\s:]*"

def header_timed(gate):
    return rf"{PRE}(?:(?:{DATE_TIME}|{ISO}) +)?(?:{TOKEN})*?{DEVEND}(?={gate})"

def header_untimed(mn, gate):
    return (rf"{PRE}(?!.*?{DEVEND_NC}{mn})(?:(?<device_time>{DATE_TIME}|{ISO}) +)?"
            rf"(?:{TOKEN})*?[\s:]*(?={gate})")

IPADDR = r"[^\s(,]+"
IOS_MNEM = r"%(?<mnemonic>[A-Z][A-Z0-9_]*(?:-[A-Z0-9_]+)?-(?<severity>[0-7])-(?<message_id>[A-Z0-9_]*ACCESSLOG[A-Z0-9_]*))\s?:"
IOS_HEAD = (IOS_MNEM + r"\s*(?:[\w/]+:\s+\w+:\s+)?(?:access-)?list (?<rule>\S+) (?:\((?<ace>\d+)\) )?"
            r"(?<vendor_action>permitted|denied|permit|deny) (?:(?<transport>[a-z][a-z0-9]*|\d{1,3}) )?")
IOS_TAIL = (r"(?: ?-> (?<dest_ip>(?>[^\s(,]+))(?:\((?<dest_port>\d+)\))?"
            r"(?: \((?<icmp_type>\d+)(?:/(?<icmp_code>\d+))?\))?)?,? (?<packets>\d+) packets?")
IOS_LIST = (IOS_HEAD + rf"(?<src_ip>(?>{IPADDR}))(?:\((?<src_port>\d+)\))?"
            r"(?: \((?<src_interface>[^\s)]+) ?(?<src_mac>[0-9A-Fa-f.]+)? ?\))?" + IOS_TAIL)
IOS_FMAN = (IOS_HEAD + r"(?:(?<src_mac>[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}) )?"
            rf"(?<src_ip>(?>{IPADDR}))(?:\((?<src_port>\d+)\))? (?<src_interface>[A-Za-z][^\s(]*?)" + IOS_TAIL)
IOS_RL = IOS_MNEM + r"\s*access-list logging rate-limited or missed (?<missed_packets>\d+) packets?"

NX = (r"%(?<mnemonic>ACLLOG-(?<severity>[0-7])-(?<message_id>ACLLOG_[A-Z_]+))\s?:"
      r"(?=.*?\bSrc IP\s*[:=]|.*?\bACL Name\s*[:=])")
def nx_key(key, field, val=r"[^,]*?"):
    return rf"\bACLLOG-[0-7]-ACLLOG_[A-Z_]+\s?:.*?[:,]\s*{key}\s*[:=]\s*(?<{field}>{val})\s*(?:,|$)"

def asa(mid, body):
    ids = mid if isinstance(mid, str) else "|".join(mid)
    return (r"%?(?<mnemonic>(?:ASA|PIX|FWSM|FTD)-(?:[a-z]+-)?(?<severity>[0-7])-(?<message_id>" + ids + r"))\s?:"
            r"\s*(?:message repeated \d+ times: \[\s*)?" + body)

A = r"[^\s/(),]+"
IPFULL = (r"(?:\d{1,3}(?:\.\d{1,3}){3}|(?=[^\s(/]*:)[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}"
          r"(?:\d{1,3}(?:\.\d{1,3}){3})?)")
TOK_TAIL = r"(?:/\d+)?(?:\([^\s)]*\))?(?![^\s(])"      # optional /port and (note), then the token ends


def token(side):
    """ASA "iface:addr/port(note)" as asa._split_token reads it: the interface ends at the first colon
    after which an IP address runs to the end of the token, else at the last colon; ": " counts as ":"."""
    ipend = IPFULL + TOK_TAIL
    iface = (rf"(?<{side}_interface>(?(?=[^\s(]*?: ?{ipend})[^\s(]+?(?=: ?{ipend})"
             rf"|[^\s(]+(?=: ?[^\s(:]*{TOK_TAIL}))): ?")
    return (rf"(?:{iface})?(?<{side}_ip>[^\s(]+?)(?:/(?<{side}_port>\d+))?"
            rf"(?:\((?:(?<{side}_host>[^\s\\,()]+)|[^\s)]*)\))?(?![^\s(])")


TYPE_CODE = r"(?:\s?\(?type (?<icmp_type>\d+), code (?<icmp_code>\d+)\)?,?)?"
ASA_BODIES = {
 "106001": (r"(?<direction>Inbound|Outbound) (?<transport>\w+) connection (?<vendor_action>denied) "
            rf"from (?<src_ip>{A})/(?<src_port>\d+) to (?<dest_ip>{A})/(?<dest_port>\d+)"
            r"(?: flags(?: (?<tcp_flag>[A-Z]+(?: [A-Z]+)*))?)?(?:\s+on interface (?<src_interface>[\w.:-]+))?"),
 "106002": (r"(?<transport>\w+) connection (?<vendor_action>denied) by (?<direction>inbound|outbound) list "
            r"(?<rule>\S+) src (?<src_ip>[\d.:]+) (?<src_port>\d+) dest (?<dest_ip>[\d.:]+) (?<dest_port>\d+)"),
 "106006": (r"(?<vendor_action>Deny) (?<direction>inbound|outbound) (?<transport>\w+) "
            rf"from (?<src_ip>{A})/(?<src_port>\d+) to (?<dest_ip>{A})/(?<dest_port>\d+)"
            r"(?:\s+on\s+interface (?<src_interface>[\w.:-]+))?"),
 "106007": (r"(?<vendor_action>Deny) (?<direction>inbound|outbound) (?<transport>\w+) "
            rf"from (?<src_ip>{A})/(?<src_port>\d+) to (?<dest_ip>{A})/(?<dest_port>\d+)"
            r"(?: due to (?<reason>.+?))?\s*$"),
 ("106010", "106011"): (r"(?<vendor_action>Deny) (?<direction>inbound|outbound) (?:\((?<reason>[^)]+)\) )?"
            r"(?:protocol (?=\d)|(?=[a-z]))(?<transport>(?<=protocol )\d+|[a-z]\w*) "
            r"src " + token("src") + r"(?: dst " + token("dest") + r")?" + TYPE_CODE),
 "106014": (r"(?<vendor_action>Deny) (?<direction>inbound|outbound) (?<transport>icmp) "
            r"src " + token("src") + r" dst " + token("dest") + TYPE_CODE),
 "106015": (r"(?<vendor_action>Deny) (?<transport>TCP) \((?<reason>no connection)\) "
            rf"from (?<src_ip>{A})/(?<src_port>\d+) to (?<dest_ip>{A})/(?<dest_port>\d+)"
            r"(?: flags (?<tcp_flag>[A-Z]+(?: [A-Z]+)*))?(?:\s+on interface (?<src_interface>[\w.:-]+?))?\.?\s*$"),
 "106016": (r"(?<vendor_action>Deny) IP (?<reason>spoof) from \((?<src_ip>[^)]+)\) to (?<dest_ip>\S+)"
            r"(?: on interface (?<src_interface>[\w.:-]+?))?\.?\s*$"),
 "106017": r"(?<vendor_action>Deny) IP due to (?<reason>Land Attack) from (?<src_ip>\S+) to (?<dest_ip>\S+)",
 "106012": r"(?<vendor_action>Deny) IP from (?<src_ip>\S+) to (?<dest_ip>[^\s,]+), (?<reason>IP options.*?)\.?\s*$",
 "106020": (r"(?<vendor_action>Deny) IP (?<reason>teardrop fragment) \(size = \d+, offset = \d+\) "
            r"from (?<src_ip>\S+) to (?<dest_ip>\S+)"),
 "106021": (r"(?<vendor_action>Deny) (?:(?<transport>[A-Z]+|\d+)|protocol) (?<reason>reverse path check) "
            r"from (?<src_ip>\S+) to (?<dest_ip>\S+) on interface (?<src_interface>[\w.:-]+?)\.?\s*$"),
 "106022": (r"(?<vendor_action>Deny) (?:(?<transport>[A-Z]+|\d+)|protocol) (?<reason>connection spoof) "
            r"from (?<src_ip>\S+) to (?<dest_ip>\S+) on interface (?<src_interface>[\w.:-]+?)\.?\s*$"),
 "106023": (r"(?<vendor_action>Deny) (?:protocol (?=\d)|(?=[a-z]))(?<transport>(?<=protocol )\d+|[a-z]\w*) "
            r"src " + token("src") + r" dst " + token("dest")
            + TYPE_CODE + r"(?: by access-group \"(?<rule>[^\"]*)\")?"),
 "106100": (r"access-list (?<rule>\S+) (?<vendor_action>permitted|denied|est-allowed) (?<transport>\w+) "
            r"(?<src_interface>[^\s/]+)/(?<src_ip>[^\s(]+)\((?<src_port>\d+)\)(?:\s?\([^)]*\))? -> "
            r"(?<dest_interface>[^\s/]+)/(?<dest_ip>[^\s(]+)\((?<dest_port>\d+)\)(?:\s?\([^)]*\))? "
            r"hit-cnt (?<packets>\d+)(?: \(?first hit\)?| (?<interval>\d+)-second interval)?"),
 "710003": (r"(?<transport>\w+) access (?<vendor_action>denied) by ACL from (?<src_ip>[^\s/]+)/(?<src_port>\d+) "
            r"to (?<dest_interface>[^\s:]+):(?<dest_ip>[^\s/]+)/(?<dest_port>\d+)"),
 "313001": (r"(?<vendor_action>Denied) (?<transport>ICMP) type=(?<icmp_type>\d+), code=(?<icmp_code>\d+) "
            r"from (?<src_ip>[^\s]+?)(?: on interface (?<src_interface>[\w.:-]+))?\s*$"),
}

NX_KEYS = [("Src IP", "src_ip"), ("Dst IP", "dest_ip"), ("Src Port", "src_port"), ("Dst Port", "dest_port"),
           ("Src Intf", "src_interface"), ("Dst Intf", "dest_interface"), ("ACL Name", "rule"),
           ("ACE Action", "vendor_action"), ("Hit-[cC]ount", "packets"), ("Src MAC", "src_mac")]
VAL = r"[^,\s](?:[^,]*[^,\s])?"
def nx(key, field):
    return rf"%ACLLOG-[0-7]-ACLLOG_[A-Z_]+\s?:(?:[^,]*,)*?\s*{key}\s*[:=]\s*(?<{field}>{VAL})\s*(?:,|$)"


def unnamed(rx):
    return re.sub(r"\(\?<([A-Za-z_]\w*)>", "(?:", rx)

LIST_BODY = IOS_LIST[len(IOS_MNEM):]
FMAN_BODY = IOS_FMAN[len(IOS_HEAD):]
IOS_FMAN2 = IOS_MNEM + "(?!" + unnamed(LIST_BODY) + ")" + IOS_HEAD[len(IOS_MNEM):] + FMAN_BODY
IOS_TRUNC = (IOS_MNEM + "(?!" + unnamed(LIST_BODY) + "|" + unnamed(IOS_HEAD[len(IOS_MNEM):] + FMAN_BODY) + ")"
             r"\s*(?:[\w/]+:\s+\w+:\s+)?(?:access-)?list (?<rule>\S+) (?<vendor_action>permitted|denied|permit|deny)\b")
IOS_GATE = "(?:" + "|".join(unnamed(x) for x in (IOS_LIST, IOS_FMAN2, IOS_RL, IOS_TRUNC, NX)) + ")"

ANYMNEM = r"%?\b[A-Z][A-Z0-9_]*-(?:[A-Za-z0-9_]+-)*[0-7]-[A-Z0-9_]+\s?:"
START = r"(?:Deny |access-list \S+ (?:permitted|denied|est-allowed) |Inbound |Outbound )"
BARE_IDS = ("106023", "106100", "106015", "106006", "106001", "106014", "106021")
RXPRE = r"\s*(?:message repeated \d+ times: \[\s*)?"
def body_of(mid):
    for k, v in ASA_BODIES.items():
        if mid == k or (not isinstance(k, str) and mid in k):
            return v
def bare(i):
    earlier = [unnamed(body_of(m)) for m in BARE_IDS[:i]]
    neg = ("(?!" + RXPRE + "(?:" + "|".join(earlier) + "))") if earlier else ""
    return rf"^(?![\s\S]*?{ANYMNEM})(?:(?!{START})[\s\S])*" + neg + RXPRE + body_of(BARE_IDS[i])
asa_full = [asa(mid, body) for mid, body in ASA_BODIES.items()]
ASA_GATE = "(?:" + "|".join(unnamed(x) for x in asa_full) + ")"

out = []
def t(name, regex, comment, fmt=None):
    out.append(f"# {comment}\n[{name}]\nREGEX = {regex}\n" + (f"FORMAT = {fmt}\n" if fmt else ""))

t("acltrace_ios_header_timed", header_timed(IOS_GATE),
  "IOS family header, device timestamp right before the mnemonic: dvc, seq, device_time")
t("acltrace_ios_header_untimed", header_untimed(IOS_M, IOS_GATE),
  "IOS family header with no device timestamp before the mnemonic: the relay's timestamp is the device_time")
t("acltrace_ios_list", IOS_LIST,
  "IOS/IOS-XE/IOS-XR/IPv6 list bodies (IPACCESSLOG P/DP/NP/RP/S/SP, ACCESSLOG*), log-input '(Intf mac)'")
t("acltrace_ios_list_fman", IOS_FMAN2,
  "IOS-XE FMANFP bodies that write the ingress interface (and a dash-form MAC) around the source (only when the plain form does not fit)")
t("acltrace_ios_ratelimited", IOS_RL, "SEC-6-IPACCESSLOGRL: packets not logged because of rate limiting")
t("acltrace_ios_truncated", IOS_TRUNC, "a cut-off list line: rule and vendor_action only (when no full form fits)")
t("acltrace_nxos_flow", NX, "NX-OS ACLLOG: mnemonic (the key: value pairs are read by the acltrace_nxos_* transforms)")
for key, field in NX_KEYS:
    t(f"acltrace_nxos_{field}", nx(key, field), f"NX-OS ACLLOG '{key.replace('[cC]','c')}: value' -> {field}")
t("acltrace_nxos_transport_name", r'%ACLLOG-[0-7]-ACLLOG_[A-Z_]+\s?:(?:[^,]*,)*?\s*Protocol\s*[:=]\s*"?(?<transport>[^"(,\s][^"(,]*?)\s*"?\(\d+\)',
  "NX-OS 'Protocol: \"NAME\"(number)' -> transport (the name)")
t("acltrace_nxos_transport_number", r'%ACLLOG-[0-7]-ACLLOG_[A-Z_]+\s?:(?:[^,]*,)*?\s*Protocol\s*[:=]\s*(?:"\s*")?\((?<transport>\d+)\)',
  "NX-OS 'Protocol: (number)' with no name -> transport (the number)")
t("acltrace_asa_header_timed", header_timed(ASA_GATE), "ASA family header with a device timestamp before the message id")
t("acltrace_asa_header_untimed", header_untimed(ASA_M, ASA_GATE), "ASA family header without one: the relay's timestamp is the device_time")
asa_names = []
for mid, body in ASA_BODIES.items():
    name = "acltrace_asa_" + (mid if isinstance(mid, str) else "_".join(mid))
    asa_names.append(name)
    t(name, asa(mid, body), f"ASA/PIX/FWSM/FTD {mid if isinstance(mid, str) else ' and '.join(mid)}")
for i, mid in enumerate(BARE_IDS):
    t(f"acltrace_asa_bare_{mid}", bare(i), f"an ASA {mid} body quoted without its %ASA-n-{mid} tag (tried in the parser's order)")
    t(f"acltrace_asa_bare_{mid}_id", unnamed(bare(i)) , "... and its message id", fmt=f"message_id::{mid}")
    asa_names += [f"acltrace_asa_bare_{mid}", f"acltrace_asa_bare_{mid}_id"]
body = "\n".join(out)
asa_names = ", ".join(asa_names)

IPRE = r"^(?:\d{1,3}(?:\.\d{1,3}){3}|(?=[^:]*:)[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\d{1,3}(?:\.\d{1,3}){3})?)$"
V4 = r"^\d{1,3}(?:\.\d{1,3}){3}$"
V6 = r"^(?=[^:]*:)[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\d{1,3}(?:\.\d{1,3}){3})?$"
HOSTRE = r"^(?=[^A-Za-z]*[A-Za-z])[A-Za-z0-9][\w.-]*$"
IOS_ACL = r"ACCESSLOG|^ACLLOG-"
ASA_ACL = r"^(?:ASA|PIX|FWSM|FTD)-(?:[a-z]+-)?[0-7]-(?:1060\d\d|106100|710003|313001)$"
def common_evals(acl, cond=None):
    cond = cond or f'match(mnemonic, "{acl}")'
    e = {}
    for side in ("src", "dest"):
        e[f"{side}_ip"] = f'if({cond} AND NOT match({side}_ip, "{IPRE}"), null(), {side}_ip)'
        e[f"{side}_host"] = (f'if({cond} AND NOT match({side}_ip, "{IPRE}") AND match({side}_ip, "{HOSTRE}"), '
                             f'{side}_ip, {side}_host)')
        e[side] = f'if(match({side}_ip, "{IPRE}") OR match({side}_ip, "{HOSTRE}"), {side}_ip, {side}_host)'
    e["src_mac"] = (r'if(match(replace(src_mac, "[.:-]", ""), "^[0-9A-Fa-f]{12}$"), '
                    r'lower(replace(replace(src_mac, "[.:-]", ""), "^(..)(..)(..)(..)(..)(..)$", "\1:\2:\3:\4:\5:\6")), '
                    f'if({cond}, null(), src_mac))')
    e["vendor"] = '"Cisco"'
    return e

ios_e = common_evals(IOS_ACL)
ios_e["transport"] = (f'if(match(mnemonic, "{IOS_ACL}") AND (lower(transport) == "ip" OR lower(transport) == "ipv6"), null(), '
                      f'if(match(mnemonic, "{IOS_ACL}"), lower(transport), transport))')
ios_e["icmp_type"] = 'if(transport == "igmp", null(), icmp_type)'
ios_e["icmp_code"] = 'if(transport == "igmp", null(), icmp_code)'
ios_e["igmp_type"] = 'if(transport == "igmp", icmp_type, null())'
ios_e["rule"] = r'if(match(mnemonic, "IPV6") AND match(rule, "./\d+$"), replace(rule, "/\d+$", ""), rule)'
ios_e["ace"] = r'if(isnull(ace) AND match(mnemonic, "IPV6") AND match(rule, "./\d+$"), replace(rule, "^.*/", ""), ace)'
ios_e["protocol"] = f'if(match(mnemonic, "{IOS_ACL}") AND isnotnull(rule), "ip", null())'
ios_e["protocol_version"] = (f'if(match(mnemonic, "{IOS_ACL}"), case(match(mnemonic, "IPV6") AND isnotnull(rule), "6", '
                             f'match(src_ip, "{V4}"), "4", match(src_ip, "{V6}"), "6", '
                             f'match(dest_ip, "{V4}"), "4", match(dest_ip, "{V6}"), "6", '
                             f'isnotnull(rule) AND match(message_id, "ACCESSLOG"), "4"), null())')
ios_e["vendor_product"] = ('case(match(mnemonic, "^ACL-[A-Z0-9_]+-[0-7]-[A-Z0-9_]*ACCESSLOG"), "Cisco IOS XR", '
                           'match(mnemonic, "^ACLLOG-"), "Cisco NX-OS", match(mnemonic, "ACCESSLOG"), "Cisco IOS")')
ios_e["product"] = ('case(match(mnemonic, "^ACL-[A-Z0-9_]+-[0-7]-[A-Z0-9_]*ACCESSLOG"), "IOS XR", '
                    'match(mnemonic, "^ACLLOG-"), "NX-OS", match(mnemonic, "ACCESSLOG"), "IOS")')

ACLC = f'(match(mnemonic, "{ASA_ACL}") OR (isnull(mnemonic) AND match(message_id, "^(?:{"|".join(BARE_IDS)})$")))'
asa_e = common_evals(ASA_ACL, ACLC)
asa_e["transport"] = f'if({ACLC}, if(lower(transport) == "ip", null(), lower(transport)), transport)'
asa_e["direction"] = f'if({ACLC}, lower(direction), direction)'
icmp106100 = 'message_id == "106100" AND lower(transport) == "icmp"'
asa_e["icmp_type"] = f'if({icmp106100}, src_port, icmp_type)'
asa_e["icmp_code"] = f'if({icmp106100}, dest_port, icmp_code)'
asa_e["src_port"] = f'if({icmp106100}, null(), src_port)'
asa_e["dest_port"] = f'if({icmp106100}, null(), dest_port)'
asa_e["protocol"] = f'if({ACLC}, "ip", null())'
asa_e["protocol_version"] = (f'if({ACLC}, case(match(src_ip, "{V4}"), "4", match(src_ip, "{V6}"), "6", '
                             f'match(dest_ip, "{V4}"), "4", match(dest_ip, "{V6}"), "6"), null())')
prod = [("ASA", "ASA"), ("PIX", "PIX"), ("FWSM", "FWSM"), ("FTD", "FTD")]
asa_e["vendor_product"] = f'if(match(mnemonic, "{ASA_ACL}"), case(' + ", ".join(f'match(mnemonic, "^{p}-"), "Cisco {n}"' for p, n in prod) + f'), if({ACLC}, "Cisco ASA", null()))'
asa_e["product"] = f'if(match(mnemonic, "{ASA_ACL}"), case(' + ", ".join(f'match(mnemonic, "^{p}-"), "{n}"' for p, n in prod) + f'), if({ACLC}, "ASA", null()))'

# parse_body returns None for a body with no address and no port at all (a documentation
# template such as "src [interface_name: 192.168.1.59/source_port]"): so do we, field by field.
# Cheap tests first: Splunk's AND stops at the first false term, and real events carry ports.
_no_port_or_name = " AND ".join(f"isnull({f})" for f in ("src_port", "dest_port", "src_host", "dest_host"))
_an_address = " OR ".join(f'(isnotnull({f}) AND (match({f}, "{IPRE}") OR match({f}, "{HOSTRE}")))'
                          for f in ("src_ip", "dest_ip"))
TEMPLATE = f"{_no_port_or_name} AND {ACLC} AND NOT ({_an_address})"
sys.path.insert(0, str(REPO / "bin"))
from acltrace.fields import FIELDS  # noqa: E402

for _field in [f for f in FIELDS if f != "action"] + ["src", "dest", "product"]:
    asa_e[_field] = f"if({TEMPLATE}, null(), {asa_e.get(_field, _field)})"


T_HEAD = """# acltrace search-time field extractions (transforms.conf).
# GENERATED by tools/gen_search_time_confs.py -- edit the pieces there and re-run it.
#
# Used by REPORT-acltrace_* in props.conf. Every stanza is a named-group regex
# (PCRE); field names come from the group names, no FORMAT. The ACL body
# regexes carry the mnemonic, so a line gets ACL fields only when its mnemonic
# is an ACL message AND its body has the shape: the same rule as
# bin/acltrace/parser.py. The regexes follow that parser one to one (ios.py,
# asa.py, nxos.py, header.py); tests/test_search_time_extraction.py checks,
# through a PCRE emulation of Splunk's search-time sequence, that both give
# the same fields on every line of the peer corpus and tests/data/extraction_cases.jsonl.
#
# Mutually exclusive by construction: for one event at most one transform
# produces a given field (the test checks this), so the result does not depend
# on the order in which Splunk runs them.
#
# Header transforms (dvc, seq, device_time) read the text before the mnemonic:
#   optional <PRI>, optional relay "timestamp host", counters ("123:"), host
#   names ("sw01:"), the device timestamp ("*Mar  4 11:45:20.123 UTC:"), an
#   IOS-XR process tag ("ipv4_acl_mgr[310]:"). The last counter is seq, the
#   last host-like token (IP or host name, not "LOCAL4.WARNING") is dvc.
#   *_timed: there is a device timestamp right before the mnemonic.
#   *_untimed: there is not (negative lookahead); the relay timestamp, if any,
#   is the device_time.
# Raw addresses are captured into src_ip/dest_ip; props.conf EVALs move names
# to src_host/dest_host and drop redactions ("***"), as the parser does.

"""
T_TAIL = """
# vendor_action -> CIM action (allowed|blocked); see lookups/README.md
[acltrace_actions]
filename = acltrace_actions.csv
case_sensitive_match = false
"""
TRANSFORMS_TEXT = T_HEAD + body + T_TAIL

IOS_REPORT = ("acltrace_ios_header_timed, acltrace_ios_header_untimed, acltrace_ios_list, acltrace_ios_list_fman, "
              "acltrace_ios_ratelimited, acltrace_ios_truncated")
NX_REPORT = ("acltrace_nxos_flow, acltrace_nxos_src_ip, acltrace_nxos_dest_ip, acltrace_nxos_src_port, "
             "acltrace_nxos_dest_port, acltrace_nxos_src_interface, acltrace_nxos_dest_interface, acltrace_nxos_rule, "
             "acltrace_nxos_vendor_action, acltrace_nxos_packets, acltrace_nxos_src_mac, "
             "acltrace_nxos_transport_name, acltrace_nxos_transport_number")
ASA_REPORT = "acltrace_asa_header_timed, acltrace_asa_header_untimed, " + asa_names

def stanza(name, reports, evals, comment):
    lines = [f"# {comment}", f"[{name}]"]
    for cls, value in reports:
        lines.append(f"REPORT-{cls} = {value}")
    for k in sorted(evals):
        lines.append(f"EVAL-{k} = {evals[k]}")
    lines.append("LOOKUP-acltrace_action = acltrace_actions vendor_action OUTPUTNEW action")
    return "\n".join(lines) + "\n"

P_HEAD = """# acltrace search-time knowledge for Cisco ACL log messages (props.conf).
# GENERATED by tools/gen_search_time_confs.py -- edit the pieces there and re-run it.
#
# Gives the fields of DESIGN.md section 2 -- the same names and values as the
# Python parser (bin/acltrace/parser.py, the aclparse command) -- to events
# indexed under the sourcetypes Cisco's add-ons and SC4S use:
#   cisco:ios   IOS, IOS-XE, NX-OS (and IOS-XR) -- Cisco Networks add-on (TA-cisco_ios), SC4S
#   cisco:xr    IOS-XR, as SC4S sends it
#   cisco:asa   ASA -- Splunk Add-on for Cisco ASA, SC4S
#   cisco:ftd   FTD syslog -- Splunk Add-on for Cisco ASA, SC4S
#   cisco:pix, cisco:fwsm   PIX and FWSM -- SC4S (the ASA add-on no longer lists them)
# Stanzas of one family (IOS: ios/xr; ASA: asa/ftd/pix/fwsm) are identical;
# the test checks that they stay so.
#
# Search time only. Line breaking, timestamps and KV_MODE belong to Cisco's
# add-ons and are not set here: a Cisco syslog event is one line, which
# Splunk's defaults already give.
#
# Order (Splunk's search-time sequence): REPORT (transforms.conf) -> EVAL ->
# LOOKUP. All EVALs of a stanza see the event as the REPORTs left it, never
# each other's results, so each EVAL below starts from the extracted values:
#   src_ip/dest_ip   the raw address token; kept when it is an IP
#   src_host/dest_host  the raw token when it is a host name (else the ASA's
#                    "(name)" note, extracted straight into *_host)
#   src_mac          any notation -> lowercase colon form 00:0b:bf:55:4c:70
#   transport        lowercase; "ip"/"ipv6" (any protocol) -> absent; ASA
#                    "protocol N" -> name for the numbers acltrace.asa knows
#   rule/ace         IPv6 "NAME/10" -> rule NAME, ace 10
#   protocol, protocol_version, vendor_product: from the mnemonic and addresses
#   src, dest, vendor, product: CIM conveniences (Network_Traffic)
# ACL-only EVALs test the mnemonic first (match(mnemonic, ...)), so they leave
# other events' fields (from other add-ons) as they were.
# ASA family: a body with no address and no port at all is a documentation
# template, not an event (the parser returns None): every ACL field's EVAL
# then returns null, so such a line has no ACL fields and no event type.
# Known difference: the parser reads at most 512 characters before the
# mnemonic and 2048 after it (bin/acltrace/parser.py); these regexes read the
# whole event, so only pathological multi-kilobyte lines can differ.
#
# action comes from a lookup, not an EVAL: the verb list (permitted, denied,
# Deny, est-allowed, Permit ...) is data an admin may extend for a new message
# without editing this file, and one CSV serves every sourcetype. OUTPUTNEW:
# an action another add-on already set is kept.
#
# Coexistence: the Cisco add-ons define some of the same field names for the
# same sourcetypes (e.g. mnemonic, severity, vendor_action, src_mac, dvc).
# Where their EVAL-<field> has the same key as ours, Splunk keeps one by app
# precedence; our REPORT classes are named acltrace_* to avoid key clashes.
# The acltrace commands (aclparse) do not depend on any of this.

"""
ios_reports = [("acltrace_ios", IOS_REPORT), ("acltrace_nxos", NX_REPORT)]
asa_reports = [("acltrace_asa", ASA_REPORT)]
parts = [P_HEAD]
parts.append(stanza("cisco:ios", ios_reports, ios_e, "IOS, IOS-XE, IOS-XR, NX-OS"))
parts.append(stanza("cisco:xr", ios_reports, ios_e, "IOS-XR (SC4S): same as cisco:ios"))
for st in ("cisco:asa", "cisco:ftd", "cisco:pix", "cisco:fwsm"):
    parts.append(stanza(st, asa_reports, asa_e, "ASA family" if st == "cisco:asa" else "ASA family: same as cisco:asa"))
PROPS_TEXT = "\n".join(parts)


def render():
    """{path relative to the repo: text} for the files this script owns."""
    return {"default/transforms.conf": TRANSFORMS_TEXT, "default/props.conf": PROPS_TEXT}


def main(argv):
    stale = [p for p, text in render().items() if not (REPO / p).exists() or (REPO / p).read_text(encoding="utf-8") != text]
    if "--check" in argv:
        for p in stale:
            print(f"{p} is not the output of tools/gen_search_time_confs.py", file=sys.stderr)
        return 1 if stale else 0
    for p, text in render().items():
        (REPO / p).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
