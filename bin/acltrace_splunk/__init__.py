"""Everything of acltrace that knows Splunk: the search commands' protocol and record paths, the lookups,
the SNMP modular input, its accounts and the configuration page's REST models. The core (``acltrace``)
never imports from here."""
import os
import sys

# The app's vendored libraries (splunklib, splunktaucclib, solnlib, pysnmp, ...): bin/../lib.
LIB = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "lib")
if LIB not in sys.path:
    sys.path.insert(0, LIB)
