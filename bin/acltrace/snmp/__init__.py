"""Collecting MAC, ARP and neighbour tables over SNMP: the walk, the MIB tables, the collector."""
