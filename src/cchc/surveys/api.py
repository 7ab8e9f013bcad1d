"""REST API of the survey module: /api/v1/surveys/… (read-only; aggregates only, never single responses)."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cchc.org.access import require_perm

from . import scoring, selectors
from .access import VIEW
from .models import ScoreRun, Survey


class SurveySerializer(serializers.ModelSerializer):
    agency_code = serializers.CharField(source="agency.code", read_only=True)
    questionnaire = serializers.CharField(source="questionnaire.code", read_only=True)
    questionnaire_version = serializers.IntegerField(source="questionnaire.version", read_only=True)

    class Meta:
        model = Survey
        fields = [
            "id",
            "name",
            "kind",
            "status",
            "agency_code",
            "questionnaire",
            "questionnaire_version",
            "par_cycle_code",
            "sample_seed",
            "is_synthetic",
        ]


class SurveyList(generics.ListAPIView):
    """Survey rounds in the caller's units."""

    serializer_class = SurveySerializer

    def get_queryset(self):
        require_perm(self.request.user, VIEW)
        return selectors.surveys_visible(self.request.user).order_by("-created_at")


class SatisfactionRowSerializer(serializers.Serializer):
    subject_code = serializers.CharField()
    service = serializers.CharField(required=False)
    n = serializers.IntegerField()
    shares = serializers.DictField(child=serializers.FloatField(allow_null=True))


class SatisfactionSerializer(serializers.Serializer):
    minimum_group = serializers.IntegerField()
    rows = SatisfactionRowSerializer(many=True)


class Satisfaction(APIView):
    """SIPAS: share satisfied (%) per aspect and unit (`?by=service` adds the service); null below the minimum group."""

    @extend_schema(responses=SatisfactionSerializer)
    def get(self, request, pk):
        require_perm(request.user, VIEW)
        survey = get_object_or_404(selectors.surveys_visible(request.user), pk=pk)
        by_service = request.query_params.get("by") == "service"
        table = scoring.suppress_small(scoring.satisfaction(survey, by_service=by_service))
        from cchc.org.models import Agency

        codes = (
            dict(Agency.objects.filter(pk__in=table["subject_id"].tolist()).values_list("pk", "code"))
            if len(table)
            else {}
        )
        rows = []
        for rec in table.to_dict("records"):
            row = {
                "subject_code": codes.get(rec["subject_id"], ""),
                "n": int(rec["n"]),
                "shares": {
                    a: (None if rec[a] is None or rec[a] != rec[a] else round(float(rec[a]), 4))
                    for a in scoring.ASPECTS
                    if a in rec
                },
            }
            if by_service:
                row["service"] = rec["service"]
            rows.append(row)
        return Response({"minimum_group": settings.CCHC_SURVEY_MIN_GROUP, "rows": rows})


class LatestScores(APIView):
    """The latest survey-points computation: parameters, per-unit items with group averages and points."""

    @extend_schema(responses=dict)
    def get(self, request, pk):
        require_perm(request.user, VIEW)
        survey = get_object_or_404(selectors.surveys_visible(request.user), pk=pk)
        run = get_object_or_404(ScoreRun, pk=ScoreRun.objects.filter(survey=survey).values("pk")[:1])
        minimum = settings.CCHC_SURVEY_MIN_GROUP
        results = {}
        for _key, subject in run.results.items():
            items = {}
            for code, entry in subject["items"].items():
                groups = {
                    g: {"n": v["n"], "mean": v["mean"] if v["n"] >= minimum else None}
                    for g, v in entry["groups"].items()
                }
                items[code] = {**entry, "groups": groups}
            results[subject["code"]] = {"name": subject["name"], "n": subject["n"], "items": items}
        return Response(
            {
                "id": run.pk,
                "computed_at": run.computed_at,
                "responses": run.response_count,
                "inputs_digest": run.inputs_digest,
                "written_to_par": run.written_to_par,
                "parameters": run.parameters,
                "results": results,
            }
        )


urlpatterns = [
    path("surveys/", SurveyList.as_view(), name="surveys-api-list"),
    path("surveys/<int:pk>/satisfaction/", Satisfaction.as_view(), name="surveys-api-satisfaction"),
    path("surveys/<int:pk>/scores/", LatestScores.as_view(), name="surveys-api-scores"),
]
