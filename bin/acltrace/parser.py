"""Parse one raw syslog event into ACL fields (PROVISIONAL: being filled in)."""
import re
from typing import Dict, Optional

_IOS = re.compile(
    r"%(?P<mnemonic>SEC-(?P<severity>\d)-(?P<message_id>IPACCESSLOG\w*)):\s+list (?P<rule>\S+) "
    r"(?P<vendor_action>permitted|denied) (?P<transport>\S+) (?P<src_ip>[^\s(]+)\((?P<src_port>\d+)\)"
    r"(?: \((?P<src_interface>\S+) ?(?P<src_mac>[0-9a-f.]*)\))? -> (?P<dest_ip>[^\s(]+)\((?P<dest_port>\d+)\), (?P<packets>\d+) packets?"
)


def parse_event(raw: str) -> Optional[Dict[str, str]]:
    """Return the ACL fields of ``raw`` or None when it is not an ACL event. Never raises."""
    m = _IOS.search(raw)
    if not m:
        return None
    ev = {k: v for k, v in m.groupdict().items() if v}
    ev["action"] = "allowed" if ev["vendor_action"] == "permitted" else "blocked"
    return ev
