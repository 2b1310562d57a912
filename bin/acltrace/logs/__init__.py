"""Reading Cisco ACL log lines: the syslog header, the IOS/ASA/NX-OS message bodies, the device's own
time, and the field names an event carries (docs/DESIGN.md section 2)."""
