"""REST API: /api/v1/edocs/… — the registers, read-only, scoped like the pages."""

from django.urls import path
from rest_framework import generics, serializers

from cchc.org.access import require_perm

from . import selectors
from .access import VIEW
from .models import IncomingDocument, OutgoingDocument, Recipient


class RecipientSerializer(serializers.ModelSerializer):
    class Meta:
        model = Recipient
        fields = ["org_code", "status_code", "status_at"]


class OutgoingSerializer(serializers.ModelSerializer):
    agency_code = serializers.CharField(source="agency.code")
    kind = serializers.CharField(source="kind.name")
    recipients = RecipientSerializer(many=True, read_only=True)
    statuses = serializers.SerializerMethodField()

    class Meta:
        model = OutgoingDocument
        fields = [
            "id",
            "code",
            "number",
            "year",
            "notation",
            "issued_on",
            "kind",
            "subject",
            "agency_code",
            "status",
            "document_id",
            "signed_digitally",
            "recipients",
            "statuses",
        ]

    def get_statuses(self, doc) -> list[dict]:
        return [{"org_code": s.org_code, "code": s.code, "at": s.at} for s in doc.statuses.all()]


class IncomingSerializer(serializers.ModelSerializer):
    agency_code = serializers.CharField(source="agency.code")

    class Meta:
        model = IncomingDocument
        fields = [
            "id",
            "arrival_number",
            "year",
            "received_at",
            "sender_code",
            "sender_name",
            "code",
            "promulgation_date",
            "subject",
            "agency_code",
            "status",
            "due_at",
            "document_id",
            "signed_digitally",
        ]


class OutgoingList(generics.ListAPIView):
    """Outgoing register: `q` (subject, symbol), `year`, `status`."""

    serializer_class = OutgoingSerializer

    def get_queryset(self):
        require_perm(self.request.user, VIEW)
        p = self.request.query_params
        year = int(p["year"]) if p.get("year", "").isdigit() else None
        return selectors.outgoing_register(
            self.request.user, q=p.get("q", ""), year=year, status=p.get("status", "")
        )


class IncomingList(generics.ListAPIView):
    """Incoming register: `q`, `year`, `status`, `overdue=1`."""

    serializer_class = IncomingSerializer

    def get_queryset(self):
        require_perm(self.request.user, VIEW)
        p = self.request.query_params
        year = int(p["year"]) if p.get("year", "").isdigit() else None
        return selectors.incoming_register(
            self.request.user,
            q=p.get("q", ""),
            year=year,
            status=p.get("status", ""),
            overdue=p.get("overdue") == "1",
        )


urlpatterns = [
    path("outgoing/", OutgoingList.as_view(), name="edocs-api-outgoing"),
    path("incoming/", IncomingList.as_view(), name="edocs-api-incoming"),
]
