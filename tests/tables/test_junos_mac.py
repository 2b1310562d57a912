"""Junos ``show ethernet-switching table`` with VLANs named as configured (issue 16.9): ntc-templates
8.1.0 rejects the whole output unless every name starts with Vlan or BD-; our template reads any name,
the ELS form ("MAC flags") and the older EX form (VLAN, MAC address, Type, Age, Interfaces)."""
from conftest import CORPUS

from acltrace.tables.show import parse_capture

ELS = CORPUS / "device_outputs/juniper_junos/show_ethernet-switching_table"
COMMAND = "show ethernet-switching table"


def macs(text, **options):
    found = parse_capture(text, device="ex-sw1", **options)
    assert not found.problems, found.problems
    return [(r["vlan"], r["mac"], r["port"], r["type"]) for r in found.mac]


def test_the_real_els_sample_with_its_vlans_renamed():
    """ntc-templates' QFX sample (real), its Vlan2/Vlan100 renamed v40-lab/default in the same columns."""
    text = (ELS / "juniper_junos_show_ethernet-switching_table.raw").read_text()
    renamed = text.replace("Vlan2  ", "v40-lab").replace("Vlan100", "default")
    assert macs(renamed, command=COMMAND) == [("v40-lab", "bc:ac:0a:ca:ca:30", "ae3.0", "dr"),
                                              ("default", "2c:5a:0f:bc:a3:cd", "xe-0/0/51:0.0", "dl"),
                                              ("1011", "ca:fe:ca:fe:00:07", "ae100.0", "dl")]
    # with the prompt only (no platform, no command given), the Junos template is chosen
    assert macs("admin@ex-sw1> show ethernet-switching table\n" + renamed)[0][0] == "v40-lab"


ELS_LAYOUTS = """\
MAC flags (S - static MAC, D - dynamic MAC, L - locally learned, P - Persistent static, C - Control MAC
           SE - statistics enabled, NM - non configured MAC, R - remote PE MAC, O - ovsdb MAC
           GBP - group based policy, B - Blocked MAC)

Ethernet switching table : 4 entries, 3 learned
Routing instance : default-switch
    Vlan                MAC                 MAC         Age   GBP     Logical                NH        RTR
    name                address             flags             Tag     interface              Index     ID
    vl10                00:50:79:66:68:06   D             -            ge-0/0/0.0             0         0
    acc-ion-pump-ctrl-3gev 00:04:a3:38:e2:f2 D            -   ge-1/0/39.0
    contrail_red-l2-6   02:cd:3f:ba:e4:58   D        vtep.32770             10.6.11.4
    bd4010              00:31:01:00:00:01   DC            -                                   745200    745200

{master:0}
"""


def test_els_layouts_gbp_tag_no_age_a_long_name_and_a_remote_entry():
    """Layouts as Junos prints them (our lines): an empty GBP Tag column, a name that runs into the MAC
    column, a VXLAN entry with no Age column, and a remote EVPN entry with no interface (left out)."""
    assert macs(ELS_LAYOUTS, platform="juniper_junos", command=COMMAND) == [
        ("vl10", "00:50:79:66:68:06", "ge-0/0/0.0", "d"),
        ("acc-ion-pump-ctrl-3gev", "00:04:a3:38:e2:f2", "ge-1/0/39.0", "d"),
        ("contrail_red-l2-6", "02:cd:3f:ba:e4:58", "vtep.32770", "d")]


OLDER = """\
Ethernet-switching table: 5 entries, 3 learned, 0 persistent entries
  VLAN              MAC address       Type         Age Interfaces
  default           *                 Flood          - All-members
  default           00:1e:c9:20:00:01 Learn          0 ge-0/0/1.0
  v40-lab           00:26:88:40:00:02 Learn       1:23 ge-0/0/10.0
  v40-lab           00:26:88:40:00:03 Static         - ge-0/0/11.0
  default           00:1e:c9:20:00:ff Static         - Router
"""


def test_the_older_ex_form():
    """The pre-ELS EX layout (our lines): Flood entries and the switch's own (Router) are no ports."""
    assert macs(OLDER, platform="juniper_junos", command=COMMAND) == [
        ("default", "00:1e:c9:20:00:01", "ge-0/0/1.0", "learn"),
        ("v40-lab", "00:26:88:40:00:02", "ge-0/0/10.0", "learn"),
        ("v40-lab", "00:26:88:40:00:03", "ge-0/0/11.0", "static")]


def test_another_table_forced_as_junos_is_a_problem_not_rows():
    found = parse_capture("Vlan    Mac Address       Type        Ports\n----    -----------\n", "juniper_junos",
                          command=COMMAND)
    assert found.mac == [] and found.problems


def test_hostile_lines_cost_linear_time():
    """The template itself (the capture reader drops overlong lines before it) on lines of 10 and 100 KB."""
    import time

    from acltrace.tables.show import run_template, template_for

    path = template_for("juniper_junos", COMMAND)
    assert path.endswith("acltrace/tables/templates/juniper_junos_show_ethernet-switching_table.textfsm")

    def cost(n):
        started = time.perf_counter()
        for shape in ("v " + "00:11:22:33:44:55 " * n, "v 00:11:22:33:44:55 D " + "1 " * n, "  Vlan" * n):
            try:
                run_template(path, shape + "\n")
            except Exception:  # noqa: BLE001 - the template's Error state: not this table
                pass
        return time.perf_counter() - started

    cost(10)
    assert cost(5_000) < 30 * max(cost(500), 1e-3)
