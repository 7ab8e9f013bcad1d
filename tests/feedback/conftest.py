"""Feedback tests reuse the one-stop fixtures (procedure of 5 working days at Cục A, staff, clock) and
add the people who answer feedback: a leader of Cục A and one of Cục B."""

import pytest

from cchc.onestop import services as onestop
from cchc.org.models import Role
from tests.onestop.conftest import _fresh_statistics_cache, at, clock, pdf, procedure, staff  # noqa: F401


@pytest.fixture
def handlers(ministry, make_staff):
    return {
        "leader_a": make_staff("leader_a", ministry["a"], [(Role.UNIT_LEADER, ministry["a"], False)]),
        "leader_b": make_staff("leader_b", ministry["b"], [(Role.UNIT_LEADER, ministry["b"], False)]),
    }


@pytest.fixture
def citizen_dossier(citizen, procedure):
    """A dossier the citizen filed online (status 1, with its code)."""
    d = onestop.dossier_draft_save(
        actor=citizen, procedure=procedure, data={}, files={"TK": pdf(), "CCCD": pdf()}
    )
    return onestop.dossier_submit_online(actor=citizen, dossier=d, idempotency_key="fb-1")
