from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.core.files import validate_upload

from .models import Channel, Level, OnlineLevel, TimeUnit


class CatalogSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("name, code or field")}),
    )
    field = forms.ChoiceField(label=_("Field"), required=False)
    agency = forms.ChoiceField(label=_("Implementing agency"), required=False)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *Level.choices]
    )
    online = forms.ChoiceField(
        label=_("Online service"), required=False, choices=[("", _("All")), *OnlineLevel.choices]
    )
    abolished = forms.BooleanField(label=_("Include abolished procedures"), required=False)

    def __init__(self, *args, fields=(), agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("All fields")), *[(f, f) for f in fields]]
        self.fields["agency"].choices = [("", _("All agencies")), *[(a.code, a.name) for a in agencies]]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Catalogue file (.xlsx or .json)"),
        help_text=_("Format described in the documentation; nothing is written if any row has an error."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if name.endswith(".json"):
            try:
                upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The JSON file must be UTF-8 text.")) from None
            upload.seek(0)
            self.format = "json"
        else:
            validate_upload(upload, allowed={"xlsx"})
            self.format = "xlsx"
        return upload


class VersionForm(forms.Form):
    """The changes officers make most often; everything else is carried over (or imported)."""

    effective_from = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    processing_time_value = forms.DecimalField(
        label=_("Processing time"), min_value=0, max_digits=7, decimal_places=2
    )
    processing_time_unit = forms.ChoiceField(label=_("Processing time unit"), choices=TimeUnit.choices)
    fee = forms.DecimalField(label=_("Fee (VND)"), min_value=0, decimal_places=0)
    charge = forms.DecimalField(label=_("Charge (VND)"), min_value=0, decimal_places=0)
    channels = forms.MultipleChoiceField(
        label=_("Channels"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    online_level = forms.ChoiceField(label=_("Online service level"), choices=OnlineLevel.choices)
    online_partial_reason = forms.CharField(
        label=_("Why only partly online"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    remove_components = forms.MultipleChoiceField(
        label=_("Dossier components to remove"), required=False, widget=forms.CheckboxSelectMultiple
    )
    publication_decision = forms.CharField(label=_("Publication decision"), required=False, max_length=300)
    published_on = forms.DateField(
        label=_("Published on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    posted_at_desk_on = forms.DateField(
        label=_("Posted at the one-stop desks on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Niêm yết công khai tại Bộ phận một cửa (TT 01/2018 index 6)"),
    )
    change_note = forms.CharField(label=_("What changed"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, version, **kwargs):
        initial = {
            f: getattr(version, f)
            for f in (
                "processing_time_value",
                "processing_time_unit",
                "fee",
                "charge",
                "channels",
                "online_level",
                "online_partial_reason",
                "posted_at_desk_on",
            )
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.components = list(version.components.all())
        self.fields["remove_components"].choices = [(c.code, f"{c.code} – {c.name}") for c in self.components]

    def changes(self) -> dict:
        """The keyword arguments for services.procedure_version_add."""
        data = dict(self.cleaned_data)
        removed = set(data.pop("remove_components"))
        if removed:
            data["components"] = [
                {
                    "code": c.code,
                    "name": c.name,
                    "required": c.required,
                    "copies": c.copies,
                    "form_name": c.form_name,
                    "form_template": c.form_template,
                }
                for c in self.components
                if c.code not in removed
            ]
        return data


class AbolishForm(forms.Form):
    effective_on = forms.DateField(
        label=_("Abolished from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    document = forms.CharField(label=_("Abolishing document"), max_length=300)
