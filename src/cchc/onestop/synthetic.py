"""Synthetic dossiers for the demo and the benchmarks, generated set-based (bulk_create in chunks).

Every row is consistent with the rules the services apply: the procedure version in force at
receipt, due dates on the working-day calendar with the 15:00 cut-off, pauses subtracted for QĐ 766,
verdicts computed the same way. Rows are marked is_synthetic and named "[mẫu]".
"""

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cchc.procedures.models import ProcedureVersion
from cchc.workdays.engine import local_tz
from cchc.workdays.selectors import calendar

from .models import Channel, Dossier, DossierCodeCounter, Outcome, RuleSet, Status

FINISHED_STATUSES = [
    (Status.RETURNED, 82),
    (Status.DONE, 6),
    (Status.REFUSED, 5),
    (Status.WITHDRAWN, 4),
    (Status.STOPPED, 3),
]
OPEN_STATUSES_W = [
    (Status.PROCESSING, 70),
    (Status.SUPPLEMENT, 15),
    (Status.PAYMENT, 5),
    (Status.SUBMITTED, 10),
]


def _pick(rng, weighted):
    total = sum(w for _v, w in weighted)
    x = rng.uniform(0, total)
    for value, w in weighted:
        x -= w
        if x <= 0:
            return value
    return weighted[-1][0]


class Generator:
    def __init__(
        self,
        *,
        procedures,
        units_by_agency: dict,
        officers_by_unit: dict,
        seed: int = 2018,
        now: datetime | None = None,
    ):
        self.rng = random.Random(seed)
        self.cal = calendar()
        self.now = now or timezone.now()
        self.procedures = list(procedures)
        self.versions = defaultdict(list)
        for v in ProcedureVersion.objects.filter(procedure__in=self.procedures).order_by("effective_from"):
            self.versions[v.procedure_id].append(v)
        self.procedures = [p for p in self.procedures if self.versions[p.pk]]
        self.units_by_agency = units_by_agency
        self.officers_by_unit = officers_by_unit
        self.rule_sets = list(RuleSet.objects.order_by("effective_from"))
        self.counters: dict = defaultdict(int)
        for a, day, last in DossierCodeCounter.objects.values_list("agency_id", "day", "last"):
            self.counters[(a, day)] = last  # continue the day's sequence after earlier runs
        self.tz = local_tz()
        self.serial = 0

    def _version(self, procedure, day: date):
        found = None
        for v in self.versions[procedure.pk]:
            if v.effective_from <= day and (v.effective_to is None or v.effective_to >= day):
                found = v
        return found

    def _rule_set(self, day: date):
        found = None
        for r in self.rule_sets:
            if r.effective_from <= day:
                found = r
        return found

    def dossier(self, start: date, end: date) -> Dossier | None:
        rng, cal = self.rng, self.cal
        span = (end - start).days
        day = start + timedelta(days=rng.randint(0, span))
        if not cal.is_working_day(day) and rng.random() > 0.03:  # a few online filings on days off
            day = cal.next_working_day(day)
        if day > end:
            return None
        received = datetime.combine(day, time(rng.randint(7, 16), rng.randint(0, 59)), tzinfo=self.tz)
        if received >= self.now:
            return None
        procedure = rng.choice(self.procedures)
        version = self._version(procedure, day)
        if version is None:
            return None
        year_share = min(0.65, 0.05 + 0.075 * max(0, day.year - 2018))
        channel = (
            Channel.ONLINE
            if rng.random() < year_share
            else (Channel.POSTAL if rng.random() < 0.1 else Channel.IN_PERSON)
        )
        days = int(version.processing_time_value)
        due = cal.add_working_days(received, days)
        agency = procedure.agency
        key = (agency.pk, day)
        self.counters[key] += 1
        self.serial += 1
        fee = (version.fee or Decimal(0)) + (version.charge or Decimal(0))
        d = Dossier(
            code=f"{agency.code}-{day:%y%m%d}-{self.counters[key]:04d}",
            procedure=procedure,
            procedure_version=version,
            rule_set=self._rule_set(day),
            agency=agency,
            channel=channel,
            applicant_kind=1 if rng.random() < 0.8 else 2,
            applicant_name=f"Người nộp mẫu {self.serial:07d} [mẫu]",
            applicant_identity=f"{rng.randint(0, 10**12 - 1):012d}",
            applicant_phone=f"09{rng.randint(0, 10**8 - 1):08d}",
            applicant_address="Địa chỉ mẫu [mẫu]",
            submitted_at=received - timedelta(minutes=rng.randint(0, 600))
            if channel == Channel.ONLINE
            else received,
            received_at=received,
            processing_days=version.processing_time_value,
            processing_unit=version.processing_time_unit,
            first_due_at=due,
            legal_due_at=due,
            evaluation_due_at=due,
            due_at=due,
            fee_amount=fee,
            is_synthetic=True,
            status=Status.PROCESSING,
        )
        # Pauses for supplementation: most dossiers none, some one, a few two.
        r = rng.random()
        d.supplement_count = 0 if r < 0.82 else 1 if r < 0.97 else 2
        paused = sum(rng.randint(1, 6) for _ in range(d.supplement_count))
        d.paused_working_days = paused
        if paused:
            d.evaluation_due_at = cal.add_working_days(due, paused, apply_cutoff=False)
            d.legal_due_at = d.due_at = d.evaluation_due_at  # restart ≈ pause length in this synthetic model
        # How long processing takes: mostly within the time allowed, a tail beyond it.
        used = max(0, int(rng.gauss(days * 0.75, max(1.0, days * 0.3))))
        end_at = cal.add_working_days(received, used + paused)
        end_at = end_at.replace(hour=rng.randint(8, 16), minute=rng.randint(0, 59))
        if end_at < self.now and rng.random() < 0.97:
            d.status = _pick(rng, FINISHED_STATUSES)
            d.finished_at = end_at
            d.processing_working_days = used
            d.on_time = end_at.date() <= d.legal_due_at.date()
            d.on_time_evaluation = d.supplement_count <= 1 and end_at.date() <= d.evaluation_due_at.date()
            d.step_score = 0 if not d.on_time else rng.choice([1, 2, 2])
            d.outcome = Outcome.GRANTED if d.status in (Status.DONE, Status.RETURNED) else ""
            if d.status == Status.RETURNED:
                d.returned_at = end_at + timedelta(hours=rng.randint(1, 72))
            if d.status in (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED):
                d.refusal_reason = "Lý do mẫu [mẫu]"
            d.has_e_result = d.status in (Status.DONE, Status.RETURNED) and rng.random() < year_share + 0.2
        else:
            d.status = _pick(rng, OPEN_STATUSES_W)
            if d.status == Status.SUBMITTED:
                d.received_at = d.first_due_at = d.legal_due_at = d.evaluation_due_at = d.due_at = None
                d.processing_days = None
        if d.status not in (Status.SUBMITTED, Status.REFUSED):
            units = self.units_by_agency.get(agency.pk) or [agency]
            d.handling_unit = rng.choice(units)
            officers = self.officers_by_unit.get(d.handling_unit.pk) or []
            d.assignee = rng.choice(officers) if officers else None
        if fee and channel == Channel.ONLINE and rng.random() < year_share + 0.15:
            d.paid_online, d.paid_amount, d.payment_reference = True, fee, f"SYN-{self.serial:09d}"
            d.paid_at = received
        elif fee:
            d.paid_amount = fee
        return d

    def counter_rows(self):
        return [DossierCodeCounter(agency_id=a, day=day, last=n) for (a, day), n in self.counters.items()]


def generate(gen: Generator, *, count: int, start: date, end: date, chunk: int = 5000, progress=None) -> int:
    """Insert `count` synthetic dossiers received between start and end; returns how many."""
    made = 0
    while made < count:
        batch = []
        while len(batch) < min(chunk, count - made):
            d = gen.dossier(start, end)
            if d is not None:
                batch.append(d)
        with transaction.atomic():
            Dossier.objects.bulk_create(batch, batch_size=chunk)
        made += len(batch)
        if progress is not None:
            progress(made, count)
    with transaction.atomic():
        DossierCodeCounter.objects.bulk_create(
            gen.counter_rows(),
            batch_size=5000,
            update_conflicts=True,
            unique_fields=["agency", "day"],
            update_fields=["last"],
        )
    return made
