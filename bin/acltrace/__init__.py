"""acltrace core: Cisco ACL log parsing, backscatter labelling and MAC tracing.

Pure Python (3.9+), no splunklib import: the search commands in ``bin/`` and the
offline CLI are thin adapters over this package.
"""

__version__ = "0.1.0"
