"""Online payment of fees through a payment gateway (cổng thanh toán).

Every gateway works the same way as the national ones (PayGov, the DVCQG payment platform, bank
gateways): the platform sends the payer to the gateway's page with a signed order; the gateway
answers with a signed result, both server to server (notification) and by sending the payer back
(return). The platform trusts only answers whose signature verifies, and records a result once,
however many times it arrives.

`SandboxGateway` is a complete gateway whose "bank" is a page of this platform: no money moves, the
payer chooses the outcome. It is the default so the whole flow can be run and tested; a deployment
names a real provider with the setting CCHC_PAYMENT_GATEWAY (a dotted path to a class implementing
`Gateway`). Payments record the gateway's code, so sandbox payments are never mistaken for real ones.
"""

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Protocol
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

DEFAULT_GATEWAY = "cchc.portal.payments.SandboxGateway"


class InvalidAnswer(Exception):
    """A gateway answer that is not signed by the gateway, or is malformed. Never trusted."""


@dataclass(frozen=True)
class GatewayAnswer:
    reference: str  # our payment reference
    succeeded: bool
    amount: Decimal
    provider_reference: str  # the gateway's transaction number
    reason: str = ""  # why it failed, in the gateway's words
    raw: dict = field(default_factory=dict)  # the signed fields as received, kept on the payment


class Gateway(Protocol):
    code: str  # stored on each payment, e.g. "sandbox", "paygov"
    label: str

    def checkout_url(self, payment, *, return_url: str, notify_url: str) -> str:
        """Where to send the payer to pay `payment` (absolute or site-relative URL)."""

    def parse_answer(self, params: Mapping[str, str]) -> GatewayAnswer:
        """Verify and read the gateway's answer; raise InvalidAnswer if it is not authentic."""


def get_gateway() -> Gateway:
    return import_string(getattr(settings, "CCHC_PAYMENT_GATEWAY", DEFAULT_GATEWAY))()


def timeout_minutes() -> int:
    """How long a started payment waits for the gateway's answer before it expires."""
    return int(getattr(settings, "CCHC_PAYMENT_TIMEOUT_MINUTES", 15))


class SandboxGateway:
    """A gateway whose payment page is served by this platform (/portal/sandbox-pay/…).

    Orders and answers are HMAC-SHA256 signed with a key derived from SECRET_KEY (or the setting
    CCHC_PAYMENT_SANDBOX_SECRET), exactly as a real gateway signs with the merchant's secret.
    Result codes follow the common Vietnamese gateway convention: 00 paid, 24 cancelled by the
    payer, 51 refused (insufficient funds), 11 timed out.
    """

    code = "sandbox"
    label = "Sandbox (thử nghiệm — không thu tiền thật)"
    OUTCOMES = {
        "00": "paid",
        "24": "cancelled by the payer",
        "51": "refused: insufficient funds",
        "11": "timed out",
    }

    def __init__(self, secret: str | None = None):
        secret = secret or getattr(settings, "CCHC_PAYMENT_SANDBOX_SECRET", "") or settings.SECRET_KEY
        self._key = hashlib.sha256(b"cchc.portal.sandbox-gateway:" + secret.encode()).digest()

    # --- signing -----------------------------------------------------------------------------
    def sign(self, fields: Mapping[str, str]) -> str:
        canonical = "&".join(f"{k}={fields[k]}" for k in sorted(fields) if k != "signature")
        return hmac.new(self._key, canonical.encode(), hashlib.sha256).hexdigest()

    def signed(self, fields: Mapping[str, str]) -> dict:
        fields = {k: str(v) for k, v in fields.items()}
        return {**fields, "signature": self.sign(fields)}

    def verify(
        self, params: Mapping[str, str], required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict:
        fields = {k: params[k] for k in (*required, *optional, "signature") if k in params}
        missing = [k for k in (*required, "signature") if not fields.get(k)]
        if missing:
            raise InvalidAnswer(f"missing fields: {', '.join(missing)}")
        if not hmac.compare_digest(self.sign(fields), fields["signature"]):
            raise InvalidAnswer("bad signature")
        return fields

    # --- the merchant side (what the platform does) --------------------------------------------
    def checkout_url(self, payment, *, return_url: str, notify_url: str) -> str:
        order = self.signed(
            {
                "reference": payment.reference,
                "amount": f"{payment.amount:f}",
                "description": payment.description,
                "return_url": return_url,
                "notify_url": notify_url,
            }
        )
        return reverse("portal:sandbox_pay") + "?" + urlencode(order)

    def parse_answer(self, params: Mapping[str, str]) -> GatewayAnswer:
        fields = self.verify(params, ("reference", "amount", "result", "transaction"))
        try:
            amount = Decimal(fields["amount"])
        except InvalidOperation:
            raise InvalidAnswer("amount is not a number") from None
        result = fields["result"]
        return GatewayAnswer(
            reference=fields["reference"],
            succeeded=result == "00",
            amount=amount,
            provider_reference=fields["transaction"],
            reason="" if result == "00" else self.OUTCOMES.get(result, f"result code {result}"),
            raw=fields,
        )

    # --- the gateway side (what the sandbox "bank" does) ----------------------------------------
    def read_order(self, params: Mapping[str, str]) -> dict:
        return self.verify(params, ("reference", "amount", "return_url", "notify_url"), ("description",))

    def answer(self, order: Mapping[str, str], result: str) -> dict:
        if result not in self.OUTCOMES:
            raise ValueError(f"unknown sandbox result {result!r}")
        return self.signed(
            {
                "reference": order["reference"],
                "amount": order["amount"],
                "result": result,
                "transaction": "SBX" + secrets.token_hex(8).upper(),
            }
        )
