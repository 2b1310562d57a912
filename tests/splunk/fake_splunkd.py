"""Fake splunkds for the tests: a local HTTP server (``serving``) and a KV store (``kvstore``).

``serving(handler)`` runs a ``BaseHTTPRequestHandler`` class on a free loopback port and yields its
URI (the SNMP input's tests answer solnlib's conf and storage/passwords calls with it).
``kvstore(collections, session_key)`` is a handler class answering splunkd's
``GET /servicesNS/nobody/acltrace/storage/collections/data/<collection>`` with the rows of
``collections`` ({name: [row dicts]}) as JSON, honouring ``limit`` and ``skip`` as splunkd does, and
401 for any other session key; each request's path and query is kept in its ``requests``.
"""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

KV_PREFIX = "/servicesNS/nobody/acltrace/storage/collections/data/"


def serving(handler):
    """A fake splunkd on a free loopback port, answering with ``handler``: yields its URI."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def kvstore(collections, session_key):
    class KVStore(BaseHTTPRequestHandler):
        requests: list = []

        def log_message(self, *args):
            pass

        def do_GET(self):
            url = urlsplit(self.path)
            path, query = unquote(url.path), {k: v[0] for k, v in parse_qs(url.query).items()}
            self.requests.append((path, query))
            if self.headers.get("Authorization") != f"Splunk {session_key}":
                return self.answer(401, {"messages": [{"type": "ERROR", "text": "call not properly authenticated"}]})
            name = path[len(KV_PREFIX):] if path.startswith(KV_PREFIX) else None
            if name not in collections:
                return self.answer(404, {"messages": [{"type": "ERROR", "text": "Could not find object."}]})
            skip, limit = int(query.get("skip", 0)), int(query.get("limit", 0)) or None
            rows = collections[name][skip:skip + limit if limit else None]
            self.answer(200, [dict(row, _key=str(skip + i), _user="nobody") for i, row in enumerate(rows)])

        def answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return KVStore
