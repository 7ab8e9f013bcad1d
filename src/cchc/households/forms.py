from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cchc.org.models import Agency

from .models import Household, InYearApplication, Member
from .services import HOUSEHOLD_EDITABLE, MEMBER_EDITABLE

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HouseholdForm(forms.ModelForm):
    class Meta:
        model = Household
        fields = ["code", "commune", *HOUSEHOLD_EDITABLE]

    def __init__(self, *args, communes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # code and commune are fixed once registered
            del self.fields["code"]
            del self.fields["commune"]
        else:
            self.fields["commune"].queryset = communes if communes is not None else Agency.objects.none()


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = MEMBER_EDITABLE
        widgets = {"birth_date": DATE}


class RoundOpenForm(forms.Form):
    commune = forms.ModelChoiceField(
        label=pgettext_lazy("poverty", "Commune"), queryset=Agency.objects.none()
    )
    year = forms.IntegerField(label=_("Year"), min_value=2016, max_value=2100)
    reference_date = forms.DateField(
        label=_("Reference date"), required=False, widget=DATE, help_text=_("Empty: 1 November of the year.")
    )

    def __init__(self, *args, communes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes if communes is not None else Agency.objects.none()


class SubmitForm(forms.Form):
    board_note = forms.CharField(
        label=_("Minutes of the commune board's review"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ApproveForm(forms.Form):
    decision = forms.CharField(label=_("Approval decision (number and date)"), max_length=200)


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("What must be corrected"), widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    households = forms.FileField(
        label=_("Households (CSV, Excel workbook or Parquet)"),
        help_text=_("An Excel workbook may hold both sheets: households and members."),
    )
    members = forms.FileField(label=_("Members (CSV or Parquet)"), required=False)


class ApplicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Request"), choices=InYearApplication.Kind.choices)


class DecideForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "1",
        choices=[("1", pgettext_lazy("poverty", "Accept")), ("0", pgettext_lazy("poverty", "Refuse"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reasons (required for a refusal)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
