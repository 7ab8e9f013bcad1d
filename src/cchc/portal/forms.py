from django import forms
from django.utils.translation import gettext_lazy as _

from . import eforms
from .rating import CriteriaVersion


class FilingForm(forms.Form):
    """The e-form of a procedure version plus one upload per dossier component."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, version, components, existing_files=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(eforms.form_fields(version))
        self.components = list(components)
        existing = set(existing_files)
        for comp in self.components:
            label = comp.name + ("" if comp.required else " " + str(_("(optional)")))
            help_text = _("PDF, image, Word or Excel file.")
            if comp.code in existing:
                help_text = _("Already uploaded; choose a file only to replace it.")
            if comp.form_name:
                help_text = f"{comp.form_name}. {help_text}"
            # Required components are enforced at submission, so a draft can be saved part-way.
            self.fields[f"file_{comp.code}"] = forms.FileField(
                label=label, required=False, help_text=help_text
            )

    def answers(self) -> dict:
        return {
            k: v for k, v in self.cleaned_data.items() if not k.startswith("file_") and k != "idempotency_key"
        }

    def uploads(self) -> dict:
        return {k[len("file_") :]: v for k, v in self.cleaned_data.items() if k.startswith("file_") and v}


class SupplementForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the officer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, components, **kwargs):
        super().__init__(*args, **kwargs)
        for comp in components:
            self.fields[f"file_{comp.code}"] = forms.FileField(label=comp.name, required=False)

    def uploads(self) -> dict:
        return {k[len("file_") :]: v for k, v in self.cleaned_data.items() if k.startswith("file_") and v}


class TrackRequestForm(forms.Form):
    dossier_code = forms.CharField(
        label=_("Dossier code"),
        max_length=60,
        help_text=_("As printed on your receipt, e.g. 000.00.12.G12-261125-0001"),
    )


class TrackVerifyForm(forms.Form):
    dossier_code = forms.CharField(widget=forms.HiddenInput, max_length=60)
    code = forms.CharField(
        label=_("One-time code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class RatingForm(forms.Form):
    comment = forms.CharField(
        label=_("Other comments"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, version: CriteriaVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        fields = {}
        for c in version.criteria:
            fields[c.code] = forms.TypedChoiceField(
                label=c.label,
                choices=[(s, label) for s, label in c.choices],
                coerce=int,
                widget=forms.RadioSelect,
            )
        fields["comment"] = self.fields.pop("comment")
        self.fields = fields

    def scores(self) -> dict:
        return {c.code: self.cleaned_data[c.code] for c in self.version.criteria}
