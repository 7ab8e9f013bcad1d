"""The status-change notification is a transactional outbox: its rows commit or roll back with the
change (issue 14). Nothing here runs the on-commit callbacks: a committed change needs none."""

import pytest
from django.db import transaction

from cchc.core.models import OutboundEmail
from cchc.onestop import services as onestop
from cchc.onestop.models import Dossier, Status
from cchc.portal.models import Notification

pytestmark = pytest.mark.django_db


class FailingRowChannel:
    """A channel that writes rows in the change's transaction, and fails (a full disk, a bug)."""

    code = "failing_rows"
    transactional = True

    def send(self, message):
        raise RuntimeError("could not write the notification")


class FailingGateway:
    """An outside gateway (SMS): its failure must not undo the change."""

    code = "sms"

    def send(self, message):
        from cchc.portal.models import Notification

        Notification.objects.create(user=message.user, subject="half", body="written")  # rolled back
        raise ConnectionError("gateway down")


def _accept(staff, ministry, dossier):
    return onestop.dossier_accept(
        actor=staff["clerk"], dossier=dossier, version=dossier.version, unit=ministry["a1"]
    )


def test_a_status_change_writes_its_notification_rows_in_its_own_transaction(
    citizen, submitted, staff, ministry
):
    Notification.objects.all().delete()
    OutboundEmail.objects.all().delete()
    _accept(staff, ministry, submitted)
    # accepted (2) then handed to the unit (4): one in-app notice and one queued e-mail each
    notes = list(Notification.objects.filter(user=citizen, dossier=submitted).order_by("id"))
    assert len(notes) == 2 and all(submitted.code in n.subject for n in notes)
    assert OutboundEmail.objects.filter(to=["c1@example.invalid"]).count() == 2


def test_a_failure_after_the_status_change_rolls_back_both(citizen, submitted, staff, ministry):
    Notification.objects.all().delete()
    OutboundEmail.objects.all().delete()
    with pytest.raises(RuntimeError, match="after the change"):
        with transaction.atomic():
            _accept(staff, ministry, submitted)
            assert Notification.objects.filter(dossier=submitted).count() == 2  # written with the change
            raise RuntimeError("a failure after the change")
    assert Dossier.objects.get(pk=submitted.pk).status == Status.SUBMITTED
    assert not Notification.objects.exists() and not OutboundEmail.objects.exists()


def test_a_notification_that_cannot_be_written_rolls_back_the_change(settings, submitted, staff, ministry):
    settings.CCHC_NOTIFICATION_CHANNELS = [
        "cchc.portal.notifications.InAppChannel",
        "tests.portal.test_notification_outbox.FailingRowChannel",
    ]
    Notification.objects.all().delete()
    with pytest.raises(RuntimeError, match="could not write"):
        _accept(staff, ministry, submitted)
    assert Dossier.objects.get(pk=submitted.pk).status == Status.SUBMITTED
    assert not Notification.objects.exists()


def test_an_outside_channel_failure_is_isolated_in_a_savepoint(settings, citizen, submitted, staff, ministry):
    settings.CCHC_NOTIFICATION_CHANNELS = [
        "tests.portal.test_notification_outbox.FailingGateway",
        "cchc.portal.notifications.InAppChannel",
    ]
    Notification.objects.all().delete()
    d = _accept(staff, ministry, submitted)  # on PostgreSQL the transaction stays usable
    assert Dossier.objects.get(pk=d.pk).status == Status.PROCESSING
    assert Notification.objects.filter(user=citizen).exclude(subject="half").count() == 2
    assert not Notification.objects.filter(subject="half").exists()
