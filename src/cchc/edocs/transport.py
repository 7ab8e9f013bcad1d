"""How packages reach a peer: the `ExchangeAdapter` interface and its direct HTTPS implementation.

An adapter only carries bytes. Signing, validation, retries (the outbox) and deduplication (the
receiver) are the same whatever the channel, so the national exchange axis (Trục liên thông văn bản
quốc gia) or a ministry LGSP plugs in as one more adapter registered under a name that
`ExternalAgency.adapter` selects (see docs/edocs.md, "Adding a channel").
"""

import http.client
import threading
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

RECEIVE_PATH = "/edocs/exchange/package/"
STATUS_PATH = "/edocs/exchange/status/"
TOKEN_HEADER = "X-Edocs-Token"


@dataclass(frozen=True)
class Receipt:
    accepted: bool  # False: the peer refused it (its status message says why); not retried
    body: bytes = b""  # the peer's signed status message, if any
    detail: str = ""


class ExchangeAdapter(Protocol):
    def send(self, payload: bytes, *, to, kind: str) -> Receipt:
        """Deliver `payload` (a signed edXML package or status message) to the peer `to` (an
        ExternalAgency). Raise on a transport failure (retried later); return a Receipt when the
        peer answered."""


class HttpsAdapter:
    """POST the package to the peer platform's receive endpoint. The XML signature authenticates the
    sender; the optional shared token is sent in a header. One kept-alive connection per peer and
    thread, so a batch does not pay a TLS handshake per package."""

    timeout = 30

    def __init__(self):
        self._local = threading.local()

    def _connection(self, base: str) -> http.client.HTTPConnection:
        conns = self._local.__dict__.setdefault("conns", {})
        conn = conns.get(base)
        if conn is None:
            parts = urlsplit(base)
            cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            conn = conns[base] = cls(parts.netloc, timeout=self.timeout)
        return conn

    def send(self, payload: bytes, *, to, kind: str) -> Receipt:
        base = to.endpoint_url.rstrip("/")
        if not base:
            raise LookupError(f"no exchange address for {to.code}")
        path = urlsplit(base).path + (STATUS_PATH if kind == "status" else RECEIVE_PATH)
        headers = {"Content-Type": "application/xml", "Connection": "keep-alive"}
        if to.token:
            headers[TOKEN_HEADER] = to.token
        for attempt in (1, 2):  # a kept-alive connection the server closed is reopened once
            conn = self._connection(base)
            try:
                conn.request("POST", path, body=payload, headers=headers)
                response = conn.getresponse()
                body = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                conn.close()
                self._local.conns.pop(base, None)
                if attempt == 2:
                    raise
        if response.status >= 500 or response.status in (401, 403, 404, 405, 408, 429):
            raise ConnectionError(f"{to.code} answered HTTP {response.status}")
        return Receipt(accepted=response.status < 300, body=body, detail=f"HTTP {response.status}")


ADAPTERS: dict[str, ExchangeAdapter] = {"https": HttpsAdapter()}


def register_adapter(name: str, adapter: ExchangeAdapter) -> None:
    ADAPTERS[name] = adapter


def adapter_for(peer) -> ExchangeAdapter:
    try:
        return ADAPTERS[peer.adapter or "https"]
    except KeyError:
        raise LookupError(f"no exchange adapter {peer.adapter!r}") from None
