from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.org.models import Agency

from .models import Channel, Outcome, RuleSet


class VersionedForm(forms.Form):
    """Every back-office action carries the version the officer saw (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class RegisterForm(forms.Form):
    procedure = forms.ModelChoiceField(label=_("Procedure"), queryset=None)
    channel = forms.TypedChoiceField(
        label=_("Channel"),
        coerce=int,
        choices=[(Channel.IN_PERSON, Channel.IN_PERSON.label), (Channel.POSTAL, Channel.POSTAL.label)],
    )
    applicant_name = forms.CharField(label=_("Applicant name"), max_length=300)
    applicant_identity = forms.CharField(label=_("Identity number / tax code"), max_length=30, required=False)
    applicant_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    applicant_email = forms.EmailField(label=_("E-mail"), required=False)
    applicant_address = forms.CharField(label=_("Address"), max_length=500, required=False)
    note = forms.CharField(
        label=_("Content of the request"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    accept_now = forms.BooleanField(
        label=_("The dossier is complete: accept it now"), required=False, initial=True
    )

    def __init__(self, *args, procedures=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = procedures


class AcceptForm(VersionedForm):
    # Receiving at the desk hands the dossier over to the unit that settles it (NĐ 61/2018 Điều 19):
    # without a unit the dossier would sit accepted with nobody to process it.
    unit = forms.ModelChoiceField(label=_("Hand over to unit"), queryset=Agency.objects.none())
    quota_days = forms.IntegerField(
        label=_("Time quota of the unit (working days)"), min_value=0, required=False
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class ReasonForm(VersionedForm):
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))


class SupplementRequestForm(VersionedForm):
    component = forms.CharField(label=_("Document to supplement"), max_length=300, required=False)
    reason = forms.CharField(label=_("What is missing or wrong"), widget=forms.Textarea(attrs={"rows": 3}))


class RouteForm(VersionedForm):
    unit = forms.ModelChoiceField(label=_("Hand over to unit"), queryset=Agency.objects.none())
    quota_days = forms.IntegerField(label=_("Time quota (working days)"), min_value=0)
    task = forms.CharField(label=_("Task"), required=False, max_length=500)
    transfer = forms.BooleanField(label=_("Inter-agency transfer (liên thông)"), required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class ConsultForm(VersionedForm):
    unit = forms.ModelChoiceField(label=_("Unit consulted"), queryset=Agency.objects.none())
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    quota_days = forms.IntegerField(label=_("Answer within (working days)"), min_value=0, initial=2)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class AnswerForm(forms.Form):
    step = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(VersionedForm):
    officer = forms.ModelChoiceField(label=_("Officer"), queryset=None)

    def __init__(self, *args, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers


class PaymentRequestForm(VersionedForm):
    amount = forms.DecimalField(label=_("Amount (VND)"), min_value=1, decimal_places=0)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ProposeForm(VersionedForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    note = forms.CharField(
        label=_("Appraisal note / reasons for refusal"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    result_file = forms.FileField(label=_("Electronic result (PDF)"), required=False)


class ApologyForm(VersionedForm):
    reason = forms.CharField(label=_("Reason for the delay"), widget=forms.Textarea(attrs={"rows": 2}))
    new_due = forms.DateField(label=_("New appointment"), widget=forms.DateInput(attrs={"type": "date"}))


class RuleSetForm(forms.ModelForm):
    """All editable fields of RuleSet (`__all__`): a rule added to the model appears here without
    code changes. The service checks the date rules (future, unique) again under a row lock."""

    class Meta:
        model = RuleSet
        fields = "__all__"
        widgets = {
            "effective_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
            "legal_basis": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "effective_from": {
                "unique": _("Another rule set already takes effect on this date; choose another date.")
            },
            "code": {"unique": _("Another rule set already has this code.")},
        }
