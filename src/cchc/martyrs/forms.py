from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Request


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, year of birth, home province"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "nguyen van hung 1948 thai binh"}),
        help_text=_("Diacritics are optional; small typing errors are forgiven."),
    )
    name = forms.CharField(label=_("Full name"), required=False, max_length=200)
    year = forms.IntegerField(
        label=_("Year of birth or of sacrifice"), required=False, min_value=1850, max_value=2100
    )
    place = forms.CharField(label=_("Home province (old or new name)"), required=False, max_length=100)


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("martyrs", "Request"), choices=Request.Kind.choices)
    martyr_name = forms.CharField(label=_("Martyr's name"), required=False, max_length=200)
    content = forms.CharField(
        label=_("Content"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("What you know: name, year of birth, home town, unit, date and place of sacrifice."),
    )
    requester_name = forms.CharField(label=_("Your full name"), max_length=200)
    relation = forms.CharField(label=_("Relation to the martyr"), required=False, max_length=100)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20)
    delivery = forms.ChoiceField(label=_("Receive the answer"), choices=Request.Delivery.choices)
    postal_address = forms.CharField(
        label=_("Postal address (for delivery by post)"), required=False, max_length=500
    )


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "LS-XXXXXXXXXX"}),
    )


class AnswerForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "1",
        choices=[("1", _("Answer (accepted)")), ("0", pgettext_lazy("martyrs", "Not accepted"))],
        widget=forms.RadioSelect,
        initial="1",
    )
    reply = forms.CharField(label=_("Answer to the requester"), widget=forms.Textarea(attrs={"rows": 4}))
    postal_item = forms.CharField(
        label=_("Postal item number (documents sent by post)"), required=False, max_length=40
    )
    grave_id = forms.IntegerField(
        label=_("Grave found (number in the register)"), required=False, min_value=1
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Records (CSV or Excel workbook, sheet “martyrs”)"))
