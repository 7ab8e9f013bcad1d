"""REST API of the martyrs module: /api/v1/martyrs/…

Search and cemeteries are public like the pages; requests are staff-only, scoped to the handling unit,
and never carry the requester's contact data (open the request page, audited, for that).
"""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cchc.org.access import require_perm

from . import access, places, search, selectors


class HitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="martyr.pk")
    full_name = serializers.CharField(source="martyr.full_name")
    birth_year = serializers.IntegerField(source="martyr.birth_year", allow_null=True)
    native_place = serializers.CharField(source="martyr.native_place")
    death_date = serializers.CharField(source="martyr.death_date_display")
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())


class Search(APIView):
    """Tolerant search: `q` free text ("nguyen van hung 1948 thai binh"), or `name`, `year`, `place`;
    at most `limit` (≤ 50) results, best first, each with why it matched."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter(n, str) for n in ("q", "name", "year", "place", "limit")],
        responses=HitSerializer(many=True),
    )
    def get(self, request):
        p = request.query_params
        limit = min(50, int(p["limit"])) if p.get("limit", "").isdigit() else 20
        year = p.get("year") if (p.get("year") or "").isdigit() else None
        hits = search.search(
            search.parse(p.get("q", ""), name=p.get("name", ""), year=year, place=p.get("place", "")),
            limit=limit,
        )
        return Response({"results": HitSerializer(hits, many=True).data})


class CemeterySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    province = serializers.SerializerMethodField()
    address = serializers.CharField()
    latitude = serializers.DecimalField(max_digits=8, decimal_places=5, allow_null=True)
    longitude = serializers.DecimalField(max_digits=8, decimal_places=5, allow_null=True)
    grave_count = serializers.IntegerField()
    identified_count = serializers.IntegerField()

    def get_province(self, obj) -> str:
        return places.province_label(obj.province_code)


class CemeteryList(generics.ListAPIView):
    serializer_class = CemeterySerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        return selectors.cemeteries_public()


class RequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    martyr_id = serializers.IntegerField(allow_null=True)
    martyr_name = serializers.CharField()
    agency = serializers.CharField(source="agency.code")
    delivery = serializers.CharField()
    received_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    handled_at = serializers.DateTimeField(allow_null=True)
    on_time = serializers.BooleanField(allow_null=True)


class RequestList(generics.ListAPIView):
    """Requests in the units where the user may view them; `status`, `kind` filter."""

    serializer_class = RequestSerializer

    def get_queryset(self):
        require_perm(self.request.user, access.VIEW)
        p = self.request.query_params
        return selectors.requests_for_officer(
            self.request.user, status=p.get("status", ""), kind=p.get("kind", "")
        )


urlpatterns = [
    path("search/", Search.as_view(), name="api-martyrs-search"),
    path("cemeteries/", CemeteryList.as_view(), name="api-martyrs-cemeteries"),
    path("requests/", RequestList.as_view(), name="api-martyrs-requests"),
]
