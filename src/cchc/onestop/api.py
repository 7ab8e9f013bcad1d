"""REST API of the back office: /api/v1/onestop/… (staff, scoped like the pages; no personal data)."""

from django.urls import path
from rest_framework import generics, serializers

from cchc.org.access import require_perm

from . import selectors
from .access import VIEW
from .models import Dossier


class DossierSerializer(serializers.ModelSerializer):
    procedure_code = serializers.CharField(source="procedure.code")
    agency_code = serializers.CharField(source="agency.code")
    handling_unit_code = serializers.CharField(source="handling_unit.code", default=None)

    class Meta:
        model = Dossier
        fields = [
            "code",
            "procedure_code",
            "agency_code",
            "handling_unit_code",
            "channel",
            "status",
            "outcome",
            "submitted_at",
            "received_at",
            "due_at",
            "legal_due_at",
            "evaluation_due_at",
            "finished_at",
            "returned_at",
            "on_time",
            "on_time_evaluation",
            "processing_working_days",
            "supplement_count",
            "paid_online",
            "has_e_result",
            "version",
        ]


class DossierQueue(generics.ListAPIView):
    """Open dossiers: `scope` = mine | unit | desk, `status`, `overdue=1`, ordered by appointment."""

    serializer_class = DossierSerializer

    def get_queryset(self):
        require_perm(self.request.user, VIEW)
        p = self.request.query_params
        status = int(p["status"]) if p.get("status", "").isdigit() else None
        return selectors.work_queue(
            self.request.user, scope=p.get("scope", "mine"), status=status, overdue=p.get("overdue") == "1"
        )


class DossierDetail(generics.RetrieveAPIView):
    serializer_class = DossierSerializer
    lookup_field = "code"

    def get_queryset(self):
        require_perm(self.request.user, VIEW)
        return selectors.dossiers_visible_to(self.request.user).select_related(
            "procedure", "agency", "handling_unit"
        )


urlpatterns = [
    path("dossiers/", DossierQueue.as_view(), name="onestop-api-queue"),
    path("dossiers/<str:code>/", DossierDetail.as_view(), name="onestop-api-dossier"),
]
