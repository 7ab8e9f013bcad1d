from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Adjustment, Stage

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))


class MethodologyImportForm(UploadForm):
    allow_unavailable_metrics = forms.BooleanField(
        label=_("Accept metrics no module supplies yet (shown as unavailable)"), required=False
    )


class CycleForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40, help_text=_("e.g. BO-2018"))
    name = forms.CharField(label=pgettext_lazy("cycle", "Name"), max_length=300)
    year = forms.IntegerField(label=_("Index year"), min_value=2012, max_value=2100)
    methodology = forms.ModelChoiceField(label=_("Methodology"), queryset=None)
    owner = forms.ModelChoiceField(label=_("Run by"), queryset=None)
    add_subjects = forms.BooleanField(label=_("Add every eligible subject now"), required=False, initial=True)

    def __init__(self, *args, methodologies, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["methodology"].queryset = methodologies
        self.fields["owner"].queryset = owners


class TimelineForm(forms.Form):
    self_deadline = forms.DateTimeField(label=_("Self-assessment deadline"), required=False, widget=DATETIME)
    appraisal1_deadline = forms.DateTimeField(
        label=_("Appraisal round 1 deadline"), required=False, widget=DATETIME
    )
    explanation_deadline = forms.DateTimeField(
        label=_("Explanation deadline"), required=False, widget=DATETIME
    )
    appraisal2_deadline = forms.DateTimeField(
        label=_("Appraisal round 2 deadline"), required=False, widget=DATETIME
    )
    survey_deadline = forms.DateTimeField(label=_("Survey points deadline"), required=False, widget=DATETIME)
    groups = forms.CharField(
        label=_("Ranking groups"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: name; lower limit in %, e.g. “Nhóm A; 90”."),
    )

    def clean_groups(self):
        groups = []
        for n, line in enumerate(self.cleaned_data["groups"].splitlines(), start=1):
            if not line.strip():
                continue
            label, sep, limit = line.rpartition(";")
            if not sep or not label.strip():
                raise forms.ValidationError(_("Line %(n)s: write “name; lower limit”.") % {"n": n})
            groups.append({"label": label.strip(), "min": limit.strip().replace(",", ".")})
        return groups


class ReopenForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    subject = forms.ModelChoiceField(label=_("Subject (empty: all)"), queryset=None, required=False)
    until = forms.DateTimeField(label=_("Open until"), widget=DATETIME)
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = subjects


class AssignForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Appraiser"), queryset=None)
    subject = forms.ModelChoiceField(label=_("Subject (empty: all)"), queryset=None, required=False)
    area_code = forms.ChoiceField(label=_("Area (empty: all)"), required=False)

    def __init__(self, *args, subjects, areas, **kwargs):
        super().__init__(*args, **kwargs)
        User = get_user_model()
        self.fields["user"].queryset = User.objects.filter(kind=User.Kind.STAFF, is_active=True).order_by(
            "username"
        )
        self.fields["subject"].queryset = subjects
        self.fields["area_code"].choices = [("", "—")] + [(a.code, f"{a.code}. {a.name}") for a in areas]


class EntryForm(forms.Form):
    points = forms.CharField(label=_("Points"), required=False, max_length=20)
    value = forms.CharField(label=_("Value (ratio % or 1/0)"), required=False, max_length=20)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("Title (number, date, subject)"), max_length=300)
    file = forms.FileField(label=_("File (PDF, Word, Excel, image)"), required=False)
    link = forms.CharField(
        label=_("…or link to a record on this platform"),
        required=False,
        max_length=500,
        help_text=_("a path starting with /"),
    )


class AdjustmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Adjustment.Kind.choices)
    points = forms.CharField(label=_("Points"), max_length=20)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ExemptionForm(forms.Form):
    item_code = forms.CharField(label=_("Item code"), max_length=30)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class SubjectAddForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Unit to assess"), queryset=None)
    block = forms.ChoiceField(label=_("Block"), required=False)
    ranked = forms.BooleanField(label=_("In the common ranking"), required=False, initial=True)

    def __init__(self, *args, agencies, blocks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["block"].choices = [("", "—")] + [(b.code, f"{b.code} – {b.name}") for b in blocks]


class SubjectSetForm(forms.Form):
    block = forms.ChoiceField(label=_("Block"), required=False)
    ranked = forms.BooleanField(label=_("In the common ranking"), required=False)

    def __init__(self, *args, blocks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["block"].choices = [("", "—")] + [(b.code, f"{b.code} – {b.name}") for b in blocks]
