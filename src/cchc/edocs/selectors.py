"""Reads: the registers (scoped to the units the user may see), overdue lists, statistics, metrics."""

from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from cchc.core.metrics import MetricValue, Period
from cchc.org.access import scope_q

from . import search
from .access import VIEW
from .models import IncomingDocument, OutgoingDocument, StatusCode


def _or_own(scope: Q, user, field: str) -> Q:
    """The user's scope, plus the rows that are theirs. An empty Q is "everything" (a superuser):
    OR-ing it with anything would narrow it to that thing, so it is kept as it is."""
    if not scope:
        return scope
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return scope | Q(**{field: user})


def outgoing_register(
    user, *, q: str = "", year: int | None = None, agency=None, status: str = ""
) -> QuerySet:
    qs = OutgoingDocument.objects.filter(scope_q(user, VIEW, "agency")).select_related("agency", "kind")
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if agency is not None:
        qs = qs.filter(agency__path__startswith=agency.path)
    return search.filter_words(qs, q).order_by("-year", "-number", "-id")


def incoming_register(
    user, *, q: str = "", year: int | None = None, agency=None, status: str = "", overdue: bool = False
) -> QuerySet:
    qs = IncomingDocument.objects.filter(
        _or_own(scope_q(user, VIEW, "agency"), user, "assignee")
    ).select_related("agency", "assigned_unit", "assignee")
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    if agency is not None:
        qs = qs.filter(agency__path__startswith=agency.path)
    if overdue:
        qs = overdue_filter(qs)
    return search.filter_words(qs, q).order_by("-year", "-arrival_number", "-id")


def overdue_filter(qs):
    return qs.exclude(status=IncomingDocument.Status.COMPLETED).filter(due_at__lt=timezone.now())


def outgoing_visible(user, pk: int) -> OutgoingDocument | None:
    return (
        OutgoingDocument.objects.filter(_or_own(scope_q(user, VIEW, "agency"), user, "drafted_by"), pk=pk)
        .select_related("agency", "kind", "register", "drafted_by", "approved_by", "issued_by")
        .first()
    )


def incoming_visible(user, pk: int) -> IncomingDocument | None:
    return incoming_register(user).filter(pk=pk).first()


def _bounds(period: Period):
    tz = timezone.get_current_timezone()
    return datetime.combine(period.start, time.min, tzinfo=tz), datetime.combine(
        period.end, time.max, tzinfo=tz
    )


@dataclass
class Statistics:
    outgoing: int
    outgoing_electronic: int
    outgoing_signed: int
    incoming: int
    incoming_electronic: int
    incoming_signed: int
    completed: int
    completed_on_time: int
    open: int
    overdue: int


def statistics(agency, period: Period) -> Statistics:
    """Counts for a unit (and the units below it) in a period: two queries."""
    start, end = _bounds(period)
    out = OutgoingDocument.objects.filter(
        status=OutgoingDocument.Status.ISSUED, issued_at__range=(start, end)
    )
    inc = IncomingDocument.objects.filter(received_at__range=(start, end))
    if agency is not None:
        out = out.filter(agency__path__startswith=agency.path)
        inc = inc.filter(agency__path__startswith=agency.path)
    o = out.aggregate(
        n=Count("id"),
        electronic=Count("id", filter=Q(recipients__isnull=False), distinct=True),
        signed=Count("id", filter=Q(signed_digitally=True)),
    )
    done = Q(status=IncomingDocument.Status.COMPLETED)
    i = inc.aggregate(
        n=Count("id"),
        electronic=Count("id", filter=Q(electronic=True)),
        signed=Count("id", filter=Q(signed_digitally=True)),
        completed=Count("id", filter=done),
        on_time=Count("id", filter=done & (Q(due_at__isnull=True) | Q(completed_at__lte=F("due_at")))),
        open=Count("id", filter=~done),
        overdue=Count("id", filter=~done & Q(due_at__lt=timezone.now())),
    )
    return Statistics(
        outgoing=o["n"],
        outgoing_electronic=o["electronic"],
        outgoing_signed=o["signed"],
        incoming=i["n"],
        incoming_electronic=i["electronic"],
        incoming_signed=i["signed"],
        completed=i["completed"],
        completed_on_time=i["on_time"],
        open=i["open"],
        overdue=i["overdue"],
    )


def _documents(agency, period: Period) -> tuple[int, int, int]:
    """(documents, exchanged electronically, signed digitally): outgoing issued plus incoming received."""
    s = statistics(agency, period)
    return (
        s.outgoing + s.incoming,
        s.outgoing_electronic + s.incoming_electronic,
        s.outgoing_signed + s.incoming_signed,
    )


def electronic_share_metric(agency, period: Period) -> MetricValue:
    from django.urls import reverse

    total, electronic, _signed = _documents(agency, period)
    if not total:
        return MetricValue(None)
    return MetricValue.ratio(electronic, total, records_url=reverse("edocs:statistics"))


def signed_share_metric(agency, period: Period) -> MetricValue:
    from django.urls import reverse

    total, _electronic, signed = _documents(agency, period)
    if not total:
        return MetricValue(None)
    return MetricValue.ratio(signed, total, records_url=reverse("edocs:statistics"))


def timeline(statuses) -> list:
    """Status events in order with their labels (for the detail pages)."""
    return [(s, StatusCode(s.code).label if s.code in StatusCode.values else s.code) for s in statuses]


# --- exchange settings -------------------------------------------------------------------------------
def peers(*, q: str = "", active: bool | None = None) -> QuerySet:
    """External agencies with their last exchange step and what waits for them in the outbox: three
    subqueries on indexed columns (Hop.peer, Package.to_code), one query per page however many."""
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from .models import ExternalAgency, Hop, Package

    waiting = Package.objects.filter(to_code=OuterRef("code"), sent_at__isnull=True)

    def counted(qs):
        return Coalesce(
            Subquery(
                qs.order_by().values("to_code").annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
            0,
        )

    qs = ExternalAgency.objects.annotate(
        last_activity=Subquery(Hop.objects.filter(peer=OuterRef("code")).order_by("-at").values("at")[:1]),
        waiting=counted(waiting),
        failing=counted(waiting.exclude(last_error="")),
    )
    if active is not None:
        qs = qs.filter(active=active)
    q = (q or "").strip()
    if q:  # a few hundred peers at most: a plain substring match is enough
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(endpoint_url__icontains=q))
    return qs


def peer_failures(peer, limit: int = 10) -> list:
    """The latest packages to `peer` that are still waiting after a failed attempt (for its page)."""
    from .models import Package

    return list(
        Package.objects.filter(to_code=peer.code, sent_at__isnull=True)
        .exclude(last_error="")
        .order_by("-next_attempt_at", "-pk")
        .only("kind", "document_id", "attempts", "next_attempt_at", "last_error", "created_at")[:limit]
    )


def certificates(user) -> QuerySet:
    """Our units' certificates where the user manages the exchange, newest first within a unit."""
    from .access import MANAGE_EXCHANGE
    from .models import AgencyCertificate

    return (
        AgencyCertificate.objects.filter(scope_q(user, MANAGE_EXCHANGE, "agency"))
        .select_related("agency")
        .defer("key_file")
    )


def registers(user, year: int) -> QuerySet:
    """The units' registers where the user manages the exchange, with the last number taken in `year`."""
    from django.db.models import OuterRef, Subquery

    from .access import MANAGE_EXCHANGE
    from .models import NumberCounter, Register

    last = NumberCounter.objects.filter(register=OuterRef("pk"), year=year).values("last_number")[:1]
    return (
        Register.objects.filter(scope_q(user, MANAGE_EXCHANGE, "agency"))
        .select_related("agency")
        .annotate(last_number=Subquery(last))
    )


@dataclass(frozen=True)
class CertificateView:
    """What a person checks on a certificate, read from its PEM (never from the key)."""

    subject: str
    issuer: str
    serial: str
    org_code: str
    not_before: datetime
    not_after: datetime
    fingerprint: str
    days_left: int
    is_ca: bool

    @property
    def expiring(self) -> bool:
        return 0 <= self.days_left < 30

    @property
    def expired(self) -> bool:
        return self.days_left < 0


def _grouped(pairs: list[str]) -> str:
    """Hex bytes as AB:CD:… in groups of 8, so a serial or a fingerprint wraps in a narrow column."""
    return " ".join(":".join(pairs[i : i + 8]) for i in range(0, len(pairs), 8))


def certificate_view(pem: str) -> CertificateView | None:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    from . import signing

    try:
        cert = x509.load_pem_x509_certificate(pem.encode())
    except ValueError:
        return None
    info = signing.signer_info(cert)
    serial = format(info.serial_number, "X")
    serial = serial.zfill(len(serial) + len(serial) % 2)  # whole bytes, as certificate viewers show it
    pairs = [serial[i : i + 2] for i in range(0, len(serial), 2)]
    names = {NameOID.SERIAL_NUMBER: "serialNumber"}  # where the agency identifier is, said by name
    return CertificateView(
        subject=cert.subject.rfc4514_string(names),
        issuer=cert.issuer.rfc4514_string(names),
        serial=_grouped(pairs),
        org_code=info.org_code,
        not_before=info.not_before,
        not_after=info.not_after,
        fingerprint=_grouped([info.fingerprint_sha256[i : i + 2].upper() for i in range(0, 64, 2)]),
        days_left=(info.not_after - timezone.now()).days,
        is_ca=signing.is_ca(cert),
    )
