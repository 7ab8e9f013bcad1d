"""REST API of the procedure catalogue: /api/v1/procedures/… (read-only and public, like the
catalogue pages; the catalogue is changed through import or the services)."""

from datetime import date

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .models import DossierComponent, LegalBasis, Procedure, ProcedureVersion


class ProcedureSerializer(serializers.ModelSerializer):
    agency_code = serializers.CharField(source="agency.code", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)

    class Meta:
        model = Procedure
        fields = [
            "code",
            "name",
            "field",
            "level",
            "agency_code",
            "agency_name",
            "status",
            "abolished_on",
            "abolished_by",
        ]


class ComponentSerializer(serializers.ModelSerializer):
    class Meta:
        model = DossierComponent
        fields = ["code", "name", "required", "copies", "form_name"]


class LegalBasisSerializer(serializers.ModelSerializer):
    class Meta:
        model = LegalBasis
        fields = ["number", "title", "issued_on", "effective_from"]


class VersionSerializer(serializers.ModelSerializer):
    components = ComponentSerializer(many=True)
    legal_basis = LegalBasisSerializer(many=True)

    class Meta:
        model = ProcedureVersion
        fields = [
            "number",
            "effective_from",
            "effective_to",
            "steps",
            "channels",
            "processing_time_value",
            "processing_time_unit",
            "fee",
            "charge",
            "fee_note",
            "applicants",
            "result",
            "conditions",
            "online_level",
            "online_partial_reason",
            "publication_decision",
            "published_on",
            "posted_at_desk_on",
            "change_note",
            "components",
            "legal_basis",
        ]


class ProcedureList(generics.ListAPIView):
    """Search the catalogue: `q` (diacritics ignored), `field`, `level`, `agency` (code, subtree),
    `online_level`, `status` (active by default; `all` for every procedure)."""

    serializer_class = ProcedureSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        p = self.request.query_params
        status = p.get("status", Procedure.Status.ACTIVE)
        return selectors.procedure_search(
            p.get("q", ""),
            field=p.get("field", ""),
            level=p.get("level", ""),
            agency=p.get("agency") or None,
            online_level=p.get("online_level", ""),
            status=None if status == "all" else status,
        )


class ProcedureDetail(APIView):
    """A procedure with the version in force on `at` (YYYY-MM-DD, default today); `version` is null
    when none applied on that day."""

    permission_classes = [AllowAny]

    @extend_schema(parameters=[OpenApiParameter("at", str)], responses=ProcedureSerializer)
    def get(self, request, code):
        try:
            procedure = selectors.procedure_get(code)
        except Procedure.DoesNotExist:
            raise Http404 from None
        at = (
            serializers.DateField().to_internal_value(request.query_params["at"])
            if "at" in request.query_params
            else date.today()
        )
        version = selectors.procedure_version_in_force(procedure, at)
        data = ProcedureSerializer(procedure).data
        data["version"] = VersionSerializer(version).data if version else None
        return Response(data)


class VersionList(generics.ListAPIView):
    """Every version of a procedure, oldest first."""

    serializer_class = VersionSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        return (
            ProcedureVersion.objects.filter(procedure__code=self.kwargs["code"])
            .prefetch_related("components", "legal_basis")
            .order_by("number")
        )


urlpatterns = [
    path("", ProcedureList.as_view(), name="api-procedures"),
    path("<str:code>/", ProcedureDetail.as_view(), name="api-procedure"),
    path("<str:code>/versions/", VersionList.as_view(), name="api-procedure-versions"),
]
