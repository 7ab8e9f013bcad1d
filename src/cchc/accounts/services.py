"""Accounts for citizens and businesses who file online (staff accounts: cchc.org.services)."""

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core.audit import audit_record, event_type, snapshot
from cchc.org.services import USER_CREATED

PASSWORD_CHANGED = event_type("accounts.password.change", gettext_lazy("Password changed"))
PASSWORD_RESET = event_type(
    "accounts.password.reset", gettext_lazy("Password reset through an e-mailed link")
)


@transaction.atomic
def applicant_register(
    *,
    username: str,
    password: str,
    full_name: str,
    email: str,
    kind: str,
    phone: str = "",
    identity_number: str = "",
    organisation_name: str = "",
    tax_code: str = "",
):
    User = get_user_model()
    if kind not in (User.Kind.CITIZEN, User.Kind.BUSINESS):
        raise ValidationError({"kind": _("Choose citizen or business.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("The user name %(name)s is taken.") % {"name": username}})
    if kind == User.Kind.BUSINESS and not organisation_name:
        raise ValidationError({"organisation_name": _("A business account needs the organisation's name.")})
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        kind=kind,
        phone=phone,
        identity_number=identity_number,
        organisation_name=organisation_name,
        tax_code=tax_code,
    )
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save()
    audit_record(
        USER_CREATED,
        actor=user,
        target=user,
        after=snapshot(user, ["username", "full_name", "kind", "email"]),
    )
    return user


@transaction.atomic
def password_set(*, user, password: str, by_reset: bool = False):
    """The user's new password (validated), recorded in the audit log without any secret. A reset
    comes through the link e-mailed to the account's address; a change, from the signed-in user.
    The old password's reset links and other sessions stop working (Django ties both to the hash)."""
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(PASSWORD_RESET if by_reset else PASSWORD_CHANGED, actor=user, target=user)
    return user
