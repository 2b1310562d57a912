"""The REST models of acltrace's configuration page (splunktaucclib): SNMP accounts and acltrace_snmp inputs.

Used by bin/acltrace_rh_account.py and bin/acltrace_rh_snmp.py. The checks are the core's
(acltrace_splunk.snmp_input), so the page refuses what the input would refuse, with the same message.
Imports no ``splunk`` (splunkd-only) package: the tests load it without Splunk.
"""

from splunktaucclib.rest_handler.endpoint import DataInputModel, RestModel, SingleModel, field
from splunktaucclib.rest_handler.endpoint.validator import Validator

from acltrace_splunk.accounts import APP, CONF
from acltrace_splunk.snmp_input import check_account, settings


class AccountValidator(Validator):
    """The whole account (version, community or v3 user, keys and protocols) checked as one."""

    def validate(self, value, data):
        try:
            check_account(data, stored_secrets=True)
        except ValueError as problem:
            self.put_msg(str(problem))
            return False
        return True


def account_model() -> SingleModel:
    fields = [
        field.RestField("snmp_version", required=True, default="2c", validator=AccountValidator()),
        field.RestField("community", encrypted=True),
        field.RestField("v3_user"),
        field.RestField("auth_protocol", default="sha"),
        field.RestField("auth_key", encrypted=True),
        field.RestField("priv_protocol", default="aes"),
        field.RestField("priv_key", encrypted=True),
        field.RestField("context"),
    ]
    return SingleModel(CONF, RestModel(fields, name=None), config_name="account", app=APP)


class InputValidator(Validator):
    """An input stanza checked by the input's own rules (devices, tables, numbers, interval)."""

    def validate(self, value, data):
        try:
            settings(data)
        except ValueError as problem:
            self.put_msg(str(problem))
            return False
        return True


def input_model() -> DataInputModel:
    fields = [
        field.RestField("devices", required=True, validator=InputValidator()),
        field.RestField("account", required=True),
        field.RestField("tables", default="mac,arp,neighbors"),
        field.RestField("timeout", default="2"),
        field.RestField("retries", default="1"),
        field.RestField("concurrency", default="32"),
        field.RestField("interval", required=True, default="300"),
        field.RestField("device_deadline", default="300"),
        field.RestField("max_rows", default="250000"),
        field.RestField("index", default="default"),
        field.RestField("disabled"),
    ]
    return DataInputModel("acltrace_snmp", RestModel(fields, name=None), app=APP)
