#!/usr/bin/env python
"""Benchmark reference: a splunklib StreamingCommand that does nothing (the SDK's own cost)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from splunklib.searchcommands import Configuration, StreamingCommand, dispatch  # noqa: E402


@Configuration(distributed=True)
class PassThroughCommand(StreamingCommand):
    def stream(self, records):
        return records


dispatch(PassThroughCommand, sys.argv, sys.stdin, sys.stdout, __name__)
