from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.org.models import Agency
from cchc.procedures.models import Procedure

from .models import LegalDocument
from .registers import REGISTERS

DATE_FIELDS = {"submitted_on", "issued_on", "effective_from", "approved_on", "deadline"}


def register_form(key: str, agencies, data=None, instance=None):
    """A form for one row of a register; units limited to those the user may keep registers in."""
    spec = REGISTERS[key]
    widgets = {
        name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        for name in spec.fields
        if name in DATE_FIELDS
    }
    for name in ("text", "changes", "note", "title"):
        if name in spec.fields:
            widgets[name] = forms.Textarea(attrs={"rows": 3})
    form_class = forms.modelform_factory(spec.model, fields=("agency", *spec.fields), widgets=widgets)
    form = form_class(data, instance=instance)
    form.fields["agency"].queryset = agencies
    for name in ("changed_by", "enacted_by", "document"):
        if name in form.fields:
            form.fields[name].queryset = LegalDocument.objects.order_by("-issued_on", "number")
    if "procedure" in form.fields:
        form.fields["procedure"] = forms.ModelChoiceField(
            label=_("Procedure code"),
            queryset=Procedure.objects.all(),
            to_field_name="code",
            widget=forms.TextInput(),
            initial=instance.procedure.code if instance and instance.pk else None,
            help_text=_("The code in the procedure catalogue, e.g. 1.001234"),
        )
    return form


class ReportForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none(), to_field_name="code")
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["year"].initial = date.today().year


class PeriodForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.none(), to_field_name="code")
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The period must start before it ends."))
        return data
