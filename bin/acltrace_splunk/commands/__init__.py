"""The search commands' record paths, one module per command, over ``acltrace_splunk.protocol``.

``bin/<command>.py`` holds a command's options and calls ``protocol.run`` with its class from here.
"""
