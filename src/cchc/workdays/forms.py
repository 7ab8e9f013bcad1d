from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CalendarOverride


class OverrideForm(forms.ModelForm):
    class Meta:
        model = CalendarOverride
        fields = ["day", "kind", "name", "source_document", "effective_from"]
        widgets = {
            "day": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "effective_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revocation"), max_length=300)


class DueForm(forms.Form):
    start = forms.DateTimeField(
        label=_("Received at"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    days = forms.IntegerField(label=_("Working days"), min_value=0, max_value=3650)
    apply_cutoff = forms.BooleanField(label=_("Apply the 15:00 cut-off"), required=False, initial=True)
