"""Who made a MAC's interface (its OUI's IEEE registrant), and whether that vendor makes routers only."""
from functools import lru_cache

from netaddr import OUI, NotRegisteredError

from acltrace.addresses import mac_colon

# Vendors whose OUIs are (nearly) all routers and firewalls. Cisco, HPE and Huawei also make switches,
# phones and hosts, so their OUIs say nothing; even these vendors' MACs are weak evidence of a router.
ROUTER_VENDORS = (
    "fortinet", "palo alto networks", "check point software", "sonicwall", "watchguard technologies",
    "juniper networks", "routerboard.com", "barracuda networks",
)


@lru_cache(maxsize=4096)
def mac_vendor(mac: str) -> str:
    """The IEEE registrant of the MAC's OUI (netaddr's bundled registry); "" when unregistered."""
    m = mac_colon(mac)
    if not m:
        return ""
    try:
        return OUI(int(m[:8].replace(":", ""), 16)).registration(0).org
    except NotRegisteredError:
        return ""


def router_vendor(vendor: str) -> bool:
    """The vendor is one of ROUTER_VENDORS."""
    v = vendor.lower()
    return any(name in v for name in ROUTER_VENDORS)
