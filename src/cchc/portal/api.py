"""REST API of the portal for applicants' software: /api/v1/portal/…

POST submissions/ files and submits a dossier in one request (multipart: `procedure`, the e-form
fields, one `file_<component code>` per component, header `Idempotency-Key`); a retry with the
same key returns the same dossier (200 instead of 201). A refused submission (400) writes nothing:
no draft, no file.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cchc.core.text import NFCFormParser, NFCMultiPartParser
from cchc.onestop.models import Dossier
from cchc.procedures.models import Procedure

from . import eforms, selectors, services


class DossierSerializer(serializers.ModelSerializer):
    procedure = serializers.CharField(source="procedure.code")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Dossier
        fields = [
            "id",
            "code",
            "procedure",
            "status",
            "status_label",
            "submitted_at",
            "received_at",
            "due_at",
            "returned_at",
            "fee_amount",
            "paid_amount",
            "paid_online",
        ]


def _require_applicant(user) -> None:
    if getattr(user, "kind", "staff") == "staff":
        raise PermissionDenied(
            _("Staff accounts cannot file dossiers; sign in with a citizen or business account.")
        )


class MyDossiers(generics.ListAPIView):
    """The signed-in applicant's dossiers, newest first."""

    serializer_class = DossierSerializer

    def get_queryset(self):
        _require_applicant(self.request.user)
        return selectors.applicant_dossiers(self.request.user)


class Submission(APIView):
    parser_classes = [NFCMultiPartParser, NFCFormParser]

    @extend_schema(
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=True)],
        request={"multipart/form-data": {"type": "object", "properties": {"procedure": {"type": "string"}}}},
        responses={201: DossierSerializer, 200: DossierSerializer},
    )
    def post(self, request):
        _require_applicant(request.user)
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            raise ValidationError({"idempotency_key": _("The Idempotency-Key header is required.")})
        already = selectors.dossier_submitted_with(key, request.user)
        if already is not None:
            return Response(DossierSerializer(already).data, status=status.HTTP_200_OK)
        code = request.data.get("procedure", "")
        version = selectors.filing_version_for_code(code)
        if version is None:
            get_object_or_404(Procedure, code=code)
            raise ValidationError({"procedure": _("This procedure cannot be filed online.")})
        procedure = version.procedure
        answers = eforms.validate_answers(version, request.data)
        uploads = {name[len("file_") :]: f for name, f in request.FILES.items() if name.startswith("file_")}
        dossier = services.online_filing_save(
            actor=request.user,
            procedure=procedure,
            version=version,
            answers=answers,
            uploads=uploads,
            submit=True,
            idempotency_key=key,
            keep_draft=False,  # a refused API submission (400) writes nothing: the client resends
        )
        return Response(DossierSerializer(dossier).data, status=status.HTTP_201_CREATED)


class MyDossier(generics.RetrieveAPIView):
    serializer_class = DossierSerializer

    def get_object(self):
        _require_applicant(self.request.user)
        dossier = selectors.applicant_dossier(self.request.user, self.kwargs["pk"])
        if dossier is None:
            raise Http404
        return dossier


urlpatterns = [
    path("dossiers/", MyDossiers.as_view(), name="portal-api-dossiers"),
    path("dossiers/<int:pk>/", MyDossier.as_view(), name="portal-api-dossier"),
    path("submissions/", Submission.as_view(), name="portal-api-submission"),
]
