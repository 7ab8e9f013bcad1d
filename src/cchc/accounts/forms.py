from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _


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
