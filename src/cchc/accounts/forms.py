from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cchc.core.branding import current_brand
from cchc.core.mail import mail_queue

from .services import password_set


class RegisterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("I am registering as"),
        choices=[("citizen", _("Citizen")), ("business", _("Business / organisation"))],
        widget=forms.RadioSelect,
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    organisation_name = forms.CharField(label=_("Organisation name"), max_length=300, required=False)
    tax_code = forms.CharField(label=_("Tax code"), max_length=20, required=False)
    identity_number = forms.RegexField(
        label=_("Identity number (CCCD)"),
        regex=r"^\d{9,12}$",
        required=False,
        error_messages={"invalid": _("9 to 12 digits.")},
    )
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^\+?\d{9,12}$",
        required=False,
        error_messages={"invalid": _("9 to 12 digits.")},
    )
    username = forms.RegexField(
        label=_("User name"),
        regex=r"^[\w.@+-]{3,150}$",
        error_messages={"invalid": _("3 or more letters, digits or . @ + - _")},
    )
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=10)

    def clean_username(self):
        name = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=name).exists():
            raise forms.ValidationError(_("This user name is taken."))
        return name


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form (a message only to an active account with that address; the page says
    the same whether or not one exists), its e-mail queued in the outbox (core.mail) with an
    absolute link built from CCHC_SITE_URL."""

    def __init__(self, *args, site_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.site_url = site_url

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kw):
        link = reverse(
            "accounts:password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        with translation.override(settings.LANGUAGE_CODE):  # the platform's language: Vietnamese
            context = {**context, "reset_url": f"{self.site_url}{link}", "brand_name": current_brand().name}
            subject = " ".join(render_to_string(subject_template_name, context).split())
            body = render_to_string(email_template_name, context)
        mail_queue(to=[to_email], subject=subject, body=body)


class SetPasswordForm(auth_forms.SetPasswordForm):
    """The new password after a reset link, set through the service (validated and audited)."""

    def save(self, commit=True):
        return password_set(user=self.user, password=self.cleaned_data["new_password1"], by_reset=True)


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """The signed-in user's new password (after the old one), set through the service."""

    def save(self, commit=True):
        return password_set(user=self.user, password=self.cleaned_data["new_password1"])
