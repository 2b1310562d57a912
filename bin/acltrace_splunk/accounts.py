"""SNMP accounts of acltrace: the REST model the configuration page edits, and reading one at run time.

An account is a stanza of ``acltrace_account.conf`` (README/acltrace_account.conf.spec). Its secrets
(``community``, ``auth_key``, ``priv_key``) are ``encrypted`` fields: splunktaucclib's REST handler
(bin/acltrace_rh_account.py) stores them as one entry of Splunk's ``storage/passwords`` in the realm
``__REST_CREDENTIAL__#acltrace#configs/conf-acltrace_account`` and writes only ``******`` into the
.conf file. ``read_account`` gets the stanza back through splunkd's REST API with the caller's
session key (solnlib's ConfManager, which decrypts those fields from storage/passwords).

The REST model itself is in acltrace_splunk.rest_models (splunktaucclib), which the input never imports.
"""
from urllib.parse import urlsplit

APP = "acltrace"
CONF = "acltrace_account"
REALM = f"__REST_CREDENTIAL__#{APP}#configs/conf-{CONF}"
SECRETS = ("community", "auth_key", "priv_key")


class AccountError(Exception):
    """An account could not be read (missing, or splunkd refused)."""


def split_uri(server_uri: str) -> tuple:
    parts = urlsplit(server_uri)
    return parts.scheme or "https", parts.hostname or "127.0.0.1", parts.port or 8089


def read_account(server_uri: str, session_key: str, name: str) -> dict:
    """The account stanza ``name`` with its secrets in clear; AccountError when it cannot be had."""
    from solnlib.conf_manager import ConfManager, ConfManagerException, ConfStanzaNotExistException
    from solnlib.credentials import CredentialNotExistException

    scheme, host, port = split_uri(server_uri)
    try:
        manager = ConfManager(session_key, APP, scheme=scheme, host=host, port=port, realm=REALM)
        stanza = manager.get_conf(CONF).get(name)
    except (ConfManagerException, ConfStanzaNotExistException):
        raise AccountError(f"no SNMP account named {name!r} (add it on the acltrace configuration page)") from None
    except CredentialNotExistException:
        raise AccountError(f"SNMP account {name!r} has no stored keys (edit it and enter them again)") from None
    except Exception as failure:        # splunkd down, refused: say what, never the request's headers
        raise AccountError(f"cannot read SNMP account {name!r} from splunkd: {type(failure).__name__}") from None
    return {k: v for k, v in stanza.items() if not k.startswith("eai:")}
