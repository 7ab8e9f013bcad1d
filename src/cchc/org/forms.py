from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Agency, AgencyType, Role


class RoleAssignForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    agency = forms.ModelChoiceField(label=_("Unit"), queryset=Agency.objects.none())
    include_subtree = forms.BooleanField(label=_("Also units below"), required=False)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies if agencies is not None else Agency.objects.none()


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class AgencyCreateForm(forms.Form):
    code = forms.RegexField(
        label=_("Identifier code"),
        regex=r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9A-Z]{2}$",
        help_text=_("Form of QĐ 20/2020/QĐ-TTg, e.g. 000.00.04.G18"),
        error_messages={"invalid": _("Use the form 000.00.04.G18.")},
    )
    name = forms.CharField(label=pgettext_lazy("unit", "Name"), max_length=300)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=AgencyType.choices)
    valid_from = forms.DateField(label=_("Established on"), widget=forms.DateInput(attrs={"type": "date"}))
    decision = forms.CharField(
        label=_("Decision"),
        max_length=200,
        required=False,
        help_text=_("number and date of the deciding document"),
    )


class AgencyChangeForm(forms.Form):
    """One restructuring step on an existing unit."""

    ACTIONS = [("rename", _("Rename")), ("merge", _("Merge into another unit")), ("dissolve", _("Dissolve"))]
    action = forms.ChoiceField(label=_("Change"), choices=ACTIONS)
    new_name = forms.CharField(label=_("New name"), max_length=300, required=False)
    into = forms.ModelChoiceField(label=_("Merge into"), queryset=Agency.objects.none(), required=False)
    effective_on = forms.DateField(label=_("Effective on"), widget=forms.DateInput(attrs={"type": "date"}))
    decision = forms.CharField(
        label=_("Decision"), max_length=200, help_text=_("number and date of the deciding document")
    )

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agency is not None:
            self.fields["into"].queryset = Agency.objects.filter(valid_to__isnull=True).exclude(pk=agency.pk)

    def clean(self):
        data = super().clean()
        if data.get("action") == "rename" and not data.get("new_name"):
            self.add_error("new_name", _("Enter the new name."))
        if data.get("action") == "merge" and not data.get("into"):
            self.add_error("into", _("Choose the unit it merges into."))
        return data


class StaffCreateForm(forms.Form):
    username = forms.RegexField(label=_("User name"), regex=r"^[\w.@+-]{3,150}$")
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), required=False)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Agency.objects.none())
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, min_length=10)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = agencies if agencies is not None else Agency.objects.none()
