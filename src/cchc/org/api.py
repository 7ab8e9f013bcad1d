"""REST API of the organisation registry: /api/v1/org/…"""

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cchc.core.models import AuditEvent

from . import selectors
from .access import VIEW_AUDIT, VIEW_ORG, agencies_with_perm, require_perm
from .models import Agency, AgencyChange, RoleAssignment


class AgencySerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", default=None, read_only=True)

    class Meta:
        model = Agency
        fields = ["id", "code", "name", "short_name", "type", "parent_code", "valid_from", "valid_to"]


class AgencyChangeSerializer(serializers.ModelSerializer):
    agency_code = serializers.CharField(source="agency.code")
    successor_code = serializers.CharField(source="successor.code", default=None)

    class Meta:
        model = AgencyChange
        fields = [
            "agency_code",
            "kind",
            "effective_on",
            "decision",
            "successor_code",
            "old_value",
            "new_value",
        ]


class AgencyList(generics.ListAPIView):
    """Units, filterable by `type`, `parent` (code) and `active` (true/false)."""

    serializer_class = AgencySerializer

    def get_queryset(self):
        require_perm(self.request.user, VIEW_ORG)
        qs = Agency.objects.select_related("parent").order_by("path")
        params = self.request.query_params
        if params.get("type"):
            qs = qs.filter(type=params["type"])
        if params.get("parent"):
            qs = qs.filter(parent__code=params["parent"])
        if params.get("active") in ("true", "false"):
            qs = qs.filter(valid_to__isnull=params["active"] == "true")
        return qs


class AgencyDetail(generics.RetrieveAPIView):
    serializer_class = AgencySerializer
    lookup_field = "code"

    def get_queryset(self):
        require_perm(self.request.user, VIEW_ORG)
        return Agency.objects.select_related("parent")


class RestructuringSerializer(serializers.Serializer):
    units_reduced = serializers.IntegerField()
    units_created = serializers.IntegerField()
    divisions_ended = serializers.IntegerField()
    division_parents = AgencySerializer(many=True)
    events = AgencyChangeSerializer(many=True)


class Restructuring(APIView):
    """What a unit's restructuring amounted to between `start` and `end` (YYYY-MM-DD)."""

    @extend_schema(responses=RestructuringSerializer)
    def get(self, request, code):
        require_perm(request.user, VIEW_ORG)
        agency = get_object_or_404(Agency, code=code)
        dates = serializers.DictField(child=serializers.DateField()).to_internal_value(
            {"start": request.query_params.get("start", ""), "end": request.query_params.get("end", "")}
        )
        summary = selectors.restructuring_summary(agency, dates["start"], dates["end"])
        return Response(RestructuringSerializer(summary).data)


class RoleSerializer(serializers.ModelSerializer):
    agency_code = serializers.CharField(source="agency.code")

    class Meta:
        model = RoleAssignment
        fields = ["role", "agency_code", "include_subtree", "valid_from", "valid_to"]


class PersonSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", default=None)
    roles = RoleSerializer(source="role_assignments", many=True)

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "full_name", "email", "position", "unit_code", "roles", "is_synthetic"]


class PeopleList(generics.ListAPIView):
    """Staff in the units where the caller may view people."""

    serializer_class = PersonSerializer

    def get_queryset(self):
        return selectors.people_visible_to(self.request.user)


class PersonDetail(generics.RetrieveAPIView):
    serializer_class = PersonSerializer

    def get_queryset(self):
        return selectors.people_visible_to(self.request.user)


class Me(APIView):
    @extend_schema(responses=PersonSerializer)
    def get(self, request):
        user = get_user_model().objects.prefetch_related("role_assignments__agency").get(pk=request.user.pk)
        return Response(PersonSerializer(user).data)


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "action",
            "actor_label",
            "target_type",
            "target_id",
            "target_label",
            "before",
            "after",
            "source_ip",
            "hash",
        ]


class AuditList(generics.ListAPIView):
    """Audit events of the units where the caller may view the audit log."""

    serializer_class = AuditEventSerializer

    def get_queryset(self):
        require_perm(self.request.user, VIEW_AUDIT)
        qs = AuditEvent.objects.order_by("-id")
        if not self.request.user.is_superuser:
            qs = qs.filter(agency_id__in=agencies_with_perm(self.request.user, VIEW_AUDIT).values("pk"))
        if self.request.query_params.get("action"):
            qs = qs.filter(action=self.request.query_params["action"])
        return qs


from django.urls import path  # noqa: E402

urlpatterns = [
    path("agencies/", AgencyList.as_view(), name="api-agencies"),
    path("agencies/<str:code>/", AgencyDetail.as_view(), name="api-agency"),
    path("agencies/<str:code>/restructuring/", Restructuring.as_view(), name="api-restructuring"),
    path("people/", PeopleList.as_view(), name="api-people"),
    path("people/<int:pk>/", PersonDetail.as_view(), name="api-person"),
    path("me/", Me.as_view(), name="api-me"),
    path("audit/", AuditList.as_view(), name="api-audit"),
]
