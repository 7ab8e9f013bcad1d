from django import forms
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Cemetery, Grave, Martyr, Request
from .services import GRAVE_FIELDS, MARTYR_FIELDS


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


def _label(model, name):
    return capfirst(model._meta.get_field(name).verbose_name)


def _text(name, **kw):
    field = Martyr._meta.get_field(name)
    return forms.CharField(
        label=capfirst(field.verbose_name), required=False, max_length=field.max_length, **kw
    )


def _number(model, name):
    # Read and checked by the service, with the other fields, so every mistake is named at once.
    return forms.CharField(
        label=_label(model, name),
        required=False,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class MartyrEditForm(forms.Form):
    """The edit page: every field of the record and its grave, grouped as the page shows them
    (GROUPS). The next of kin is a field only for staff who may see contact data."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    request = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Checked by the service with the other fields (all mistakes named at once); marked required.
    full_name = forms.CharField(label=_label(Martyr, "full_name"), max_length=200, required=False)
    full_name.marked_required = True
    keep_old_name = forms.BooleanField(
        label=_("If the name is corrected, keep the old name among the other names (the family may know it)"),
        required=False,
        initial=True,
    )
    aliases = _text("aliases", help_text=_("separated by ;"))
    birth_year = _number(Martyr, "birth_year")
    native_place = _text(
        "native_place", help_text=_("As written in the record: commune, district, province.")
    )
    native_province = forms.CharField(
        label=_("Home province (old or new name)"),
        required=False,
        max_length=100,
        help_text=_("Only if the home town does not name it; a name of any period or the GSO code."),
    )
    residence = _text("residence")
    enlisted_year = _number(Martyr, "enlisted_year")
    military_unit = _text("military_unit")
    rank = _text("rank")
    position = _text("position")
    death_day = _number(Martyr, "death_day")
    death_month = _number(Martyr, "death_month")
    death_year = _number(Martyr, "death_year")
    death_place = _text("death_place")
    certificate_number = _text("certificate_number")
    certificate_year = _number(Martyr, "certificate_year")
    next_of_kin = _text("next_of_kin", widget=forms.Textarea(attrs={"rows": 2}))
    cemetery = forms.ModelChoiceField(
        label=_label(Grave, "cemetery"), queryset=Cemetery.objects.none(), required=False
    )
    zone = forms.CharField(label=_label(Grave, "zone"), required=False, max_length=30)
    row = forms.CharField(label=_label(Grave, "row"), required=False, max_length=20)
    number = forms.CharField(label=_label(Grave, "number"), required=False, max_length=20)
    headstone = forms.CharField(label=_label(Grave, "headstone"), required=False, max_length=300)
    info = forms.ChoiceField(
        label=_label(Grave, "info"),
        choices=[c for c in Grave.Info.choices if c[0] != Grave.Info.NONE],
        initial=Grave.Info.FULL,
    )

    GROUPS = [
        (pgettext_lazy("martyr record", "Name"), ["full_name", "keep_old_name", "aliases", "birth_year"]),
        (_("Home town"), ["native_place", "native_province", "residence"]),
        (
            pgettext_lazy("martyr record", "Military service"),
            ["enlisted_year", "military_unit", "rank", "position"],
        ),
        (
            _("Sacrifice and recognition"),
            [
                "death_day",
                "death_month",
                "death_year",
                "death_place",
                "certificate_number",
                "certificate_year",
            ],
        ),
        (_("Next of kin"), ["next_of_kin"]),
        (_("Grave"), ["cemetery", "zone", "row", "number", "headstone", "info"]),
    ]

    def __init__(self, *args, martyr: Martyr, cemeteries, with_contacts: bool, **kwargs):
        grave = getattr(martyr, "grave", None)
        initial = {name: getattr(martyr, name) for name in MARTYR_FIELDS}
        initial["version"] = martyr.version
        if grave is not None:
            initial.update({name: getattr(grave, name) for name in GRAVE_FIELDS})
        super().__init__(*args, initial={**initial, **kwargs.pop("initial", {})}, **kwargs)
        self.fields["cemetery"].queryset = cemeteries
        self.fields["cemetery"].empty_label = _("— no grave recorded —")
        if not with_contacts:
            del self.fields["next_of_kin"]
        # Every message names its field ("Năm sinh: …"), as the service's own do.
        for field in self.fields.values():
            if field.label:
                field.error_messages["max_length"] = _("at most %(limit_value)d characters.")
                for key, message in field.error_messages.items():
                    field.error_messages[key] = format_lazy("{}: {}", field.label, message)

    def groups(self):
        """(legend, bound fields) of the groups that have fields for this user."""
        out = []
        for legend, names in self.GROUPS:
            fields = [self[n] for n in names if n in self.fields]
            if fields:
                out.append((legend, fields))
        return out

    def changes(self) -> dict:
        """The service's keyword arguments from the cleaned data."""
        d = dict(self.cleaned_data)
        for name in ("version", "request"):
            d.pop(name, None)
        return d
