from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Direction, DocumentKind, IncomingDocument, OutgoingDocument, Register, Urgency


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


# --- exchange settings -------------------------------------------------------------------------------
PEM_LIMIT = 64 * 1024  # a certificate or key file is a few kB; anything larger is not one


class PeerFilter(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("— all —")), ("1", _("Active")), ("0", _("Inactive"))],
    )


class PeerForm(forms.Form):
    code = forms.CharField(
        label=_("Identifier code"), max_length=40, help_text=_("QĐ 20/2020/QĐ-TTg, e.g. 000.00.00.G12")
    )
    name = forms.CharField(label=pgettext_lazy("edocs", "Name"), max_length=300)
    endpoint_url = forms.CharField(
        label=_("Exchange address"),
        max_length=200,
        required=False,
        help_text=_(
            "base address of its platform, e.g. https://vanban.example.gov.vn; leave empty while it is "
            "not connected (its packages wait in the outbox)"
        ),
    )
    token = forms.CharField(
        label=_("Shared token"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("sent in a header with every package; leave empty to keep the current one"),
    )
    clear_token = forms.BooleanField(label=_("Remove the shared token"), required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # the code is the peer's identity in sent documents: fixed once created
            self.fields["code"].disabled = True
        else:
            del self.fields["clear_token"]


def _read(upload, field_label) -> bytes:
    if upload.size > PEM_LIMIT:
        raise forms.ValidationError(
            _("%(field)s: the file is too large for a certificate or key.") % {"field": field_label}
        )
    return upload.read()


class CertificateForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    certificate = forms.FileField(
        label=_("Certificate (PEM)"), required=False, help_text=_(".pem or .crt file, BEGIN CERTIFICATE")
    )
    private_key = forms.FileField(
        label=_("Private key (PEM)"),
        required=False,
        help_text=_("not encrypted; written to the key folder (readable by the platform only), never shown"),
    )
    pkcs12 = forms.FileField(
        label=_("Or a PKCS#12 file (.p12, .pfx)"),
        required=False,
        help_text=_("certificate and key in one file"),
    )
    password = forms.CharField(
        label=_("PKCS#12 password"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = units

    def clean(self):
        data = super().clean()
        cert, key, p12 = data.get("certificate"), data.get("private_key"), data.get("pkcs12")
        if p12 and (cert or key):
            raise forms.ValidationError(
                _("Upload either the PEM certificate and key, or a PKCS#12 file, not both.")
            )
        if p12:
            data["pkcs12_bytes"] = _read(p12, self.fields["pkcs12"].label)
        elif cert and key:
            data["cert_pem"] = _read(cert, self.fields["certificate"].label)
            data["key_pem"] = _read(key, self.fields["private_key"].label)
        else:
            if not cert:
                self.add_error("certificate", _("Upload the certificate (or a PKCS#12 file)."))
            if not key:
                self.add_error("private_key", _("Upload the private key (or a PKCS#12 file)."))
        return data


class TrustedCAForm(forms.Form):
    name = forms.CharField(
        label=pgettext_lazy("edocs", "Name"), max_length=200, help_text=_("e.g. Root CA of the Government")
    )
    certificate = forms.FileField(label=_("CA certificate (PEM)"))

    def clean_certificate(self):
        return _read(self.cleaned_data["certificate"], self.fields["certificate"].label)


class RegisterForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    direction = forms.ChoiceField(label=_("Register of"), choices=Direction.choices)
    code = forms.CharField(label=_("Code"), max_length=20, help_text=_("e.g. VBDI, VBDEN, QD"))
    name = forms.CharField(
        label=pgettext_lazy("edocs", "Name"), max_length=200, help_text=_("e.g. Sổ văn bản đi")
    )
    secret = forms.BooleanField(label=_("Secret documents"), required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = units
