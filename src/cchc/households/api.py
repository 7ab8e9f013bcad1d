"""REST API of the household registry: /api/v1/households/…

Lists mask identity numbers; opening one household (the detail) is audited like the web page.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cchc.org.access import require_perm

from . import access, selectors, services
from .models import Classification, Household, Member, PovertyStandard, ReviewRound


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = [
            "id",
            "full_name",
            "birth_date",
            "sex",
            "identity_number",
            "relation",
            "has_disability",
            "health_insurance",
            "in_school",
            "behind_grade",
            "education",
            "work",
            "ill_untreated",
            "malnourished",
            "social_protection",
        ]


class MaskedMemberSerializer(MemberSerializer):
    identity_number = serializers.CharField(source="identity_masked")


class HouseholdSerializer(serializers.ModelSerializer):
    commune_code = serializers.CharField(source="commune.code")
    members = MaskedMemberSerializer(many=True)

    class Meta:
        model = Household
        exclude = ["commune", "created_at", "updated_at"]


class HouseholdDetailSerializer(HouseholdSerializer):
    members = MemberSerializer(many=True)


class HouseholdList(generics.ListAPIView):
    """Households in the caller's communes; `commune` (agency code) filters."""

    serializer_class = HouseholdSerializer

    def get_queryset(self):
        require_perm(self.request.user, access.VIEW)
        qs = selectors.households_visible_to(self.request.user).prefetch_related("members").order_by("pk")
        if self.request.query_params.get("commune"):
            qs = qs.filter(commune__code=self.request.query_params["commune"])
        return qs


class HouseholdDetail(APIView):
    @extend_schema(responses=HouseholdDetailSerializer)
    def get(self, request, pk):
        household = get_object_or_404(selectors.households_visible_to(request.user), pk=pk)
        services.household_viewed(actor=request.user, household=household)
        return Response(HouseholdDetailSerializer(household).data)


class ClassificationSerializer(serializers.ModelSerializer):
    household_code = serializers.CharField(source="household.code")
    standard = serializers.CharField(source="standard.code")

    class Meta:
        model = Classification
        fields = [
            "household_code",
            "standard",
            "reference_date",
            "setting",
            "income_per_person",
            "category",
            "deprivation_count",
            "deprivation_score",
            "deprived",
            "movement",
        ]


class RoundSerializer(serializers.ModelSerializer):
    commune_code = serializers.CharField(source="commune.code")
    standard = serializers.CharField(source="standard.code")

    class Meta:
        model = ReviewRound
        fields = [
            "id",
            "commune_code",
            "year",
            "reference_date",
            "standard",
            "status",
            "submitted_at",
            "approved_at",
            "decision",
        ]


class RoundList(generics.ListAPIView):
    serializer_class = RoundSerializer

    def get_queryset(self):
        require_perm(self.request.user, access.VIEW)
        return selectors.rounds_visible_to(self.request.user).order_by("-year", "pk")


class RoundResults(generics.ListAPIView):
    """The classified households of one round (the approved list once approved)."""

    serializer_class = ClassificationSerializer

    def get_queryset(self):
        rnd = get_object_or_404(selectors.rounds_visible_to(self.request.user), pk=self.kwargs["pk"])
        return rnd.classifications.select_related("household", "standard").order_by("household__code")


class StandardSerializer(serializers.ModelSerializer):
    thresholds = serializers.SerializerMethodField()
    indicators = serializers.SerializerMethodField()

    class Meta:
        model = PovertyStandard
        fields = [
            "code",
            "name",
            "legal_basis",
            "valid_from",
            "valid_to",
            "deprivation_cutoff",
            "points_per_indicator",
            "notes",
            "middle_rule",
            "middle_rule_text",
            "thresholds",
            "indicators",
        ]

    def get_thresholds(self, obj):
        return [
            {
                "setting": t.setting,
                "auto_poor_line": t.auto_poor_line,
                "income_line": t.income_line,
                "middle_line": t.middle_line,
                "confirmed": t.confirmed,
            }
            for t in obj.thresholds.all()
        ]

    def get_indicators(self, obj):
        return [
            {
                "code": i.code,
                "dimension": i.dimension,
                "name": i.name,
                "cutoff": i.cutoff_text,
                "rule": i.rule,
                "confirmed": i.confirmed,
            }
            for i in obj.indicators.all()
        ]


class StandardList(generics.ListAPIView):
    serializer_class = StandardSerializer
    pagination_class = None

    def get_queryset(self):
        require_perm(self.request.user, access.VIEW)
        return PovertyStandard.objects.prefetch_related("thresholds", "indicators")


from django.urls import path  # noqa: E402

urlpatterns = [
    path("households/", HouseholdList.as_view(), name="api-households"),
    path("households/<int:pk>/", HouseholdDetail.as_view(), name="api-household"),
    path("rounds/", RoundList.as_view(), name="api-household-rounds"),
    path("rounds/<int:pk>/results/", RoundResults.as_view(), name="api-household-round-results"),
    path("standards/", StandardList.as_view(), name="api-poverty-standards"),
]
