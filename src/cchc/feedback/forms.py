from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Kind, Status, Verdict


class FileForm(forms.Form):
    """The applicant's feedback: about one of their dossiers, or about a procedure (by its code)."""

    kind = forms.ChoiceField(label=_("What is it about?"), choices=Kind.choices, widget=forms.RadioSelect)
    dossier = forms.TypedChoiceField(label=_("Your dossier"), required=False, coerce=int, empty_value=None)
    procedure_code = forms.CharField(
        label=_("Or the code of a procedure"),
        required=False,
        max_length=40,
        help_text=_("e.g. 1.000001, from the procedure catalogue"),
    )
    officer_name = forms.CharField(label=_("Officer concerned (if known)"), required=False, max_length=200)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, dossiers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.dossiers = {d.pk: d for d in dossiers}
        self.fields["dossier"].choices = [("", _("— none —"))] + [
            (d.pk, f"{d.code} – {d.procedure.name}") for d in dossiers
        ]


class AnswerForm(forms.Form):
    reply = forms.CharField(label=_("Reply to the applicant"), widget=forms.Textarea(attrs={"rows": 6}))
    verdict = forms.ChoiceField(
        label=_("Verdict on the complaint"),
        required=False,
        choices=[("", _("— not a complaint about conduct —"))] + list(Verdict.choices),
    )


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(Status.choices)
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All"))] + list(Kind.choices))
    overdue = forms.BooleanField(label=pgettext_lazy("feedback", "Overdue only"), required=False)
