from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cchc.org.models import Agency

from .models import Question, Questionnaire, RespondentGroup, Survey


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))


class XlsformImportForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Owning unit"), queryset=Agency.objects.none())
    file = forms.FileField(label=_("XLSForm file (.xlsx)"))

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies if agencies is not None else Agency.objects.none()


class QuestionnaireForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Owning unit"), queryset=Agency.objects.none())
    code = forms.SlugField(label=_("Code (form id)"), max_length=80)
    title_vi = forms.CharField(label=_("Title in Vietnamese"), max_length=300)
    title_en = forms.CharField(label=_("Title in English"), max_length=300, required=False)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies if agencies is not None else Agency.objects.none()


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"), choices=[c for c in Question.Kind.choices if c[0] != Question.Kind.HIDDEN]
    )
    name = forms.CharField(
        label=pgettext_lazy("question", "Name"),
        max_length=100,
        required=False,
        help_text=_("short identifier, e.g. q1_access (letters, digits, _)"),
    )
    label_vi = forms.CharField(label=_("Question in Vietnamese"), max_length=1000, required=False)
    label_en = forms.CharField(label=_("Question in English"), max_length=1000, required=False)
    required = forms.BooleanField(label=_("Answer required"), required=False)
    relevant = forms.CharField(
        label=_("Ask only when"),
        max_length=500,
        required=False,
        help_text=_("e.g. ${q1} = 'yes' or ${age} >= 18"),
    )
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "one per line: value | Vietnamese label | English label | score (0–100, optional). "
            "Likert: 1 | Rất không hài lòng … 5 | Rất hài lòng"
        ),
    )
    par_item = forms.CharField(label=_("PAR index item scored"), max_length=40, required=False)
    aspect = forms.ChoiceField(
        label=_("SIPAS aspect"), choices=[("", "—")] + Question.Aspect.choices, required=False
    )

    def clean_choices(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["choices"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            value = parts[0]
            labels = {"vi": parts[1] if len(parts) > 1 else value}
            if len(parts) > 2 and parts[2]:
                labels["en"] = parts[2]
            score = None
            if len(parts) > 3 and parts[3]:
                try:
                    score = Decimal(parts[3].replace(",", "."))
                except InvalidOperation:
                    raise forms.ValidationError(
                        _("Line %(n)s: the score is not a number.") % {"n": number}
                    ) from None
            rows.append((value, labels, score))
        return rows


class SurveyForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("survey", "Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Survey.Kind.choices)
    questionnaire = forms.ModelChoiceField(label=_("Questionnaire"), queryset=Questionnaire.objects.none())
    agency = forms.ModelChoiceField(label=_("Conducting unit"), queryset=Agency.objects.none())
    par_cycle_code = forms.CharField(label=_("PAR index cycle code"), max_length=40, required=False)
    satisfied_from = forms.IntegerField(
        label=_("Satisfied from (1–5 scale)"), min_value=1, max_value=10, initial=4
    )

    def __init__(self, *args, agencies=None, questionnaires=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies if agencies is not None else Agency.objects.none()
        self.fields["questionnaire"].queryset = (
            questionnaires if questionnaires is not None else Questionnaire.objects.none()
        )


class GroupForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=pgettext_lazy("survey group", "Name"), max_length=200)
    weight = forms.DecimalField(label=_("Weight"), min_value=0, max_digits=7, decimal_places=3, initial=1)


class QuotaForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Respondent group"), queryset=RespondentGroup.objects.none())
    subject = forms.CharField(label=_("Assessed unit code"), max_length=40)
    size = forms.IntegerField(label=_("Sample size"), min_value=0)

    def __init__(self, *args, survey=None, **kwargs):
        super().__init__(*args, **kwargs)
        if survey is not None:
            self.fields["group"].queryset = survey.groups.all()

    def clean_subject(self):
        code = self.cleaned_data["subject"].strip()
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise forms.ValidationError(_("No unit has the code %(code)s.") % {"code": code})
        return agency


class SampleForm(forms.Form):
    seed = forms.IntegerField(
        label=_("Random seed"), min_value=0, help_text=_("the same seed draws the same sample")
    )


class PaperTargetForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Respondent group"), queryset=RespondentGroup.objects.none())
    subject = forms.CharField(label=_("Assessed unit code"), max_length=40)
    service = forms.CharField(label=_("Service used"), max_length=200, required=False)

    def __init__(self, *args, survey=None, **kwargs):
        super().__init__(*args, **kwargs)
        if survey is not None:
            self.fields["group"].queryset = survey.groups.all()

    clean_subject = QuotaForm.clean_subject
