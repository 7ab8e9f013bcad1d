from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Anyone who signs in: staff (cán bộ, công chức), citizens (công dân) and businesses (doanh nghiệp)."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Staff")
        CITIZEN = "citizen", _("Citizen")
        BUSINESS = "business", _("Business / organisation")

    kind = models.CharField(_("account type"), max_length=10, choices=Kind.choices, default=Kind.STAFF)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    unit = models.ForeignKey(
        "org.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("unit"),
        help_text=_("the unit a staff member works in"),
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    identity_number = models.CharField(
        _("identity number"),
        max_length=20,
        blank=True,
        help_text=_("citizen identity card number (CCCD), for citizens"),
    )
    organisation_name = models.CharField(_("organisation name"), max_length=300, blank=True)
    tax_code = models.CharField(_("tax code"), max_length=20, blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_staff_member(self) -> bool:
        return self.kind == self.Kind.STAFF

    @property
    def display_name(self) -> str:
        return (
            self.organisation_name
            if self.kind == self.Kind.BUSINESS and self.organisation_name
            else str(self)
        )
