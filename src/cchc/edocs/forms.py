from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DocumentKind, IncomingDocument, OutgoingDocument, Register, Urgency


class RegisterFilter(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("— all —")), *statuses]


class OutgoingForm(forms.Form):
    register = forms.ModelChoiceField(label=_("Register"), queryset=Register.objects.none())
    kind = forms.ModelChoiceField(label=_("Type"), queryset=DocumentKind.objects.none())
    notation = forms.CharField(
        label=_("Reference symbol (ký hiệu)"), max_length=30, help_text=_("e.g. BNV-VP")
    )
    subject = forms.CharField(
        label=_("Subject (trích yếu)"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    content = forms.CharField(label=_("Content"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    place = forms.CharField(label=_("Place of issue"), max_length=50)
    signer_competence = forms.CharField(
        label=_("Signing competence"), required=False, max_length=100, help_text=_("e.g. KT. BỘ TRƯỞNG")
    )
    signer_position = forms.CharField(label=_("Signer's position"), max_length=100)
    signer_name = forms.CharField(label=_("Signed by"), max_length=50)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    due_date = forms.DateField(
        label=_("Reply due"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("dd/mm/yyyy"),
    )
    recipients = forms.CharField(
        label=_("Recipients (nơi nhận)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("identifier codes of our units or external agencies, one per line"),
    )
    attachment = forms.FileField(label=_("Document file (PDF)"), required=False)

    def __init__(self, *args, registers=None, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["register"].queryset = registers
        self.fields["kind"].queryset = kinds


class AssignForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    assignee = forms.ModelChoiceField(label=_("Person"), queryset=None, required=False)
    working_days = forms.IntegerField(
        label=_("Working days to process"), min_value=1, max_value=90, initial=10
    )

    def __init__(self, *args, units=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["assignee"].queryset = people


class CompleteForm(forms.Form):
    result = forms.CharField(label=_("Result"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


OUT_STATUSES = OutgoingDocument.Status.choices
IN_STATUSES = IncomingDocument.Status.choices


class PaperForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Receiving unit"), queryset=None)
    sender_name = forms.CharField(label=_("Sender"), max_length=300)
    code_number = forms.CharField(label=_("Number"), max_length=11, required=False)
    notation = forms.CharField(label=_("Reference symbol (ký hiệu)"), max_length=30, required=False)
    promulgation_date = forms.DateField(
        label=_("Issued on"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("dd/mm/yyyy"),
    )
    subject = forms.CharField(label=_("Subject (trích yếu)"), max_length=500)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = units
