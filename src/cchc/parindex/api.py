"""REST API of the PAR index: /api/v1/parindex/…  Same services and selectors as the pages."""

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cchc.core.text import NFCFormParser, NFCJSONParser, NFCMultiPartParser
from cchc.org.access import require_perm
from cchc.org.models import Agency

from . import imports, selectors, services
from .access import MANAGE, VIEW, can_manage
from .models import Cycle, Item, Methodology


def _cycle(request, code) -> Cycle:
    cycle = selectors.cycles_visible(request.user).filter(code=code).first()
    if cycle is None:
        raise Http404
    return cycle


def _dec(value):
    """Exact decimals as strings without trailing zeros ("2.5", "100")."""
    return None if value is None else format(value.normalize(), "f")


class ItemSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", default=None)

    class Meta:
        model = Item
        fields = [
            "code",
            "parent_code",
            "name",
            "max_points",
            "assessment",
            "rule",
            "rule_params",
            "metric",
            "evidence_required",
            "exemptible",
            "blocks",
            "official",
            "guidance",
        ]


class MethodologySerializer(serializers.ModelSerializer):
    blocks = serializers.SerializerMethodField()

    class Meta:
        model = Methodology
        fields = [
            "code",
            "name",
            "level",
            "legal_basis",
            "effective_from",
            "effective_to",
            "status",
            "status_note",
            "max_points",
            "bonus_cap",
            "penalty_cap",
            "blocks",
        ]

    def get_blocks(self, m) -> list:
        return [{"code": b.code, "name": b.name, "max_points": str(b.max_points)} for b in m.blocks.all()]


class CycleSerializer(serializers.ModelSerializer):
    methodology = serializers.CharField(source="methodology.code")
    owner = serializers.CharField(source="owner.code")

    class Meta:
        model = Cycle
        fields = [
            "code",
            "name",
            "year",
            "methodology",
            "owner",
            "status",
            "is_synthetic",
            "self_deadline",
            "appraisal1_deadline",
            "explanation_deadline",
            "appraisal2_deadline",
            "survey_deadline",
            "groups",
            "computed_at",
            "published_at",
        ]


class MethodologyList(APIView):
    @extend_schema(responses=MethodologySerializer(many=True))
    def get(self, request):
        require_perm(request.user, VIEW)
        return Response(MethodologySerializer(Methodology.objects.prefetch_related("blocks"), many=True).data)


class MethodologyDetail(APIView):
    @extend_schema(responses=MethodologySerializer)
    def get(self, request, code):
        require_perm(request.user, VIEW)
        m = get_object_or_404(Methodology, code=code)
        data = MethodologySerializer(m).data
        data["items"] = ItemSerializer(m.items.select_related("parent").order_by("position"), many=True).data
        return Response(data)


class MethodologyImport(APIView):
    """Upload `file` (.yaml or .xlsx); `allow_unavailable_metrics` true/false. All or nothing."""

    parser_classes = [NFCMultiPartParser, NFCFormParser]

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses=MethodologySerializer,
    )
    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": ["required"]})
        m = services.methodology_import(
            actor=request.user,
            filename=upload.name,
            data=upload.read(),
            allow_unavailable_metrics=request.data.get("allow_unavailable_metrics") in ("true", "1", True),
        )
        return Response(MethodologySerializer(m).data, status=status.HTTP_201_CREATED)


class CycleCreateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=300)
    year = serializers.IntegerField(min_value=2012, max_value=2100)
    methodology = serializers.CharField()
    owner = serializers.CharField()
    groups = serializers.ListField(child=serializers.DictField(), required=False)
    add_subjects = serializers.BooleanField(default=True)


class CycleList(APIView):
    @extend_schema(responses=CycleSerializer(many=True))
    def get(self, request):
        return Response(CycleSerializer(selectors.cycles_visible(request.user), many=True).data)

    @extend_schema(request=CycleCreateSerializer, responses=CycleSerializer)
    def post(self, request):
        s = CycleCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        from django.db import transaction

        with transaction.atomic():
            cycle = services.cycle_create(
                actor=request.user,
                code=d["code"],
                name=d["name"],
                year=d["year"],
                methodology=get_object_or_404(Methodology, code=d["methodology"]),
                owner=get_object_or_404(Agency, code=d["owner"]),
                groups=d.get("groups"),
            )
            if d["add_subjects"]:
                services.subjects_add_all(actor=request.user, cycle=cycle)
        return Response(CycleSerializer(cycle).data, status=status.HTTP_201_CREATED)


class CycleDetail(APIView):
    @extend_schema(responses=CycleSerializer)
    def get(self, request, code):
        cycle = _cycle(request, code)
        data = CycleSerializer(cycle).data
        data["subjects"] = [
            {
                "code": s.agency.code,
                "name": s.agency.name,
                "block": s.block,
                "ranked": s.ranked,
                "self_submitted_at": s.self_submitted_at,
                "explanation_submitted_at": s.explanation_submitted_at,
            }
            for s in selectors.subjects_visible(request.user, cycle)
        ]
        data["unavailable_metrics"] = selectors.unavailable_metrics(cycle)
        return Response(data)


class TimelineSerializer(serializers.Serializer):
    self_deadline = serializers.DateTimeField(required=False, allow_null=True)
    appraisal1_deadline = serializers.DateTimeField(required=False, allow_null=True)
    explanation_deadline = serializers.DateTimeField(required=False, allow_null=True)
    appraisal2_deadline = serializers.DateTimeField(required=False, allow_null=True)
    survey_deadline = serializers.DateTimeField(required=False, allow_null=True)
    groups = serializers.ListField(child=serializers.DictField(), required=False)


class ReopenSerializer(serializers.Serializer):
    stage = serializers.CharField()
    until = serializers.DateTimeField()
    reason = serializers.CharField()
    subject_code = serializers.CharField(required=False, allow_blank=True)


class AssignSerializer(serializers.Serializer):
    username = serializers.CharField()
    subject_code = serializers.CharField(required=False, allow_blank=True)
    area_code = serializers.CharField(required=False, allow_blank=True, default="")


class SurveyPointsSerializer(serializers.Serializer):
    subject_code = serializers.CharField()
    item_code = serializers.CharField()
    # a string, checked by the service: more decimals than stored are refused with the same message
    points = serializers.CharField()
    source = serializers.CharField(required=False, default="survey")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SubjectChangeSerializer(serializers.Serializer):
    agency_code = serializers.CharField()
    block = serializers.CharField(required=False, allow_blank=True)
    ranked = serializers.BooleanField(required=False, allow_null=True, default=None)


def _subject_json(s) -> dict:
    return {"code": s.agency.code, "name": s.agency.name, "block": s.block, "ranked": s.ranked}


class CycleAction(APIView):
    """POST compute | publish | timeline | reopen | appraisers | survey-points | scores-import |
    subject-add | subject-set | subject-remove (body: agency_code, block, ranked)."""

    parser_classes = [NFCJSONParser, NFCMultiPartParser, NFCFormParser]

    def _subject(self, cycle, code):
        return get_object_or_404(cycle.subjects, agency__code=code) if code else None

    def post(self, request, code, action):
        cycle = _cycle(request, code)
        user = request.user
        if action == "compute":
            return Response({"subjects": services.cycle_compute(actor=user, cycle=cycle)})
        if action == "publish":
            return Response(CycleSerializer(services.cycle_publish(actor=user, cycle=cycle)).data)
        if action == "timeline":
            s = TimelineSerializer(data=request.data)
            s.is_valid(raise_exception=True)
            return Response(
                CycleSerializer(services.cycle_set_timeline(actor=user, cycle=cycle, **s.validated_data)).data
            )
        if action == "reopen":
            s = ReopenSerializer(data=request.data)
            s.is_valid(raise_exception=True)
            d = s.validated_data
            r = services.stage_reopen(
                actor=user,
                cycle=cycle,
                stage=d["stage"],
                until=d["until"],
                reason=d["reason"],
                subject=self._subject(cycle, d.get("subject_code")),
            )
            return Response({"id": r.pk}, status=status.HTTP_201_CREATED)
        if action == "appraisers":
            s = AssignSerializer(data=request.data)
            s.is_valid(raise_exception=True)
            d = s.validated_data
            a = services.appraiser_assign(
                actor=user,
                cycle=cycle,
                user=get_object_or_404(get_user_model(), username=d["username"]),
                subject=self._subject(cycle, d.get("subject_code")),
                area_code=d["area_code"],
            )
            return Response({"id": a.pk}, status=status.HTTP_201_CREATED)
        if action == "survey-points":
            s = SurveyPointsSerializer(data=request.data)
            s.is_valid(raise_exception=True)
            d = s.validated_data
            e = services.survey_points_record(
                actor=user,
                cycle=cycle,
                subject=get_object_or_404(Agency, code=d["subject_code"]),
                item_code=d["item_code"],
                points=d["points"],
                source=d["source"],
                note=d["note"],
            )
            return Response({"item_code": d["item_code"], "points": _dec(e.points)})
        if action in ("subject-add", "subject-set", "subject-remove"):
            require_perm(user, MANAGE, cycle.owner)
            s = SubjectChangeSerializer(data=request.data)
            s.is_valid(raise_exception=True)
            d = s.validated_data
            if action == "subject-add":
                subject = services.subject_add(
                    actor=user,
                    cycle=cycle,
                    agency=get_object_or_404(Agency, code=d["agency_code"]),
                    block=d.get("block", ""),
                    ranked=True if d["ranked"] is None else d["ranked"],
                )
                return Response(_subject_json(subject), status=status.HTTP_201_CREATED)
            subject = get_object_or_404(
                cycle.subjects.select_related("agency"), agency__code=d["agency_code"]
            )
            if action == "subject-remove":
                services.subject_remove(actor=user, subject=subject)
                return Response(status=status.HTTP_204_NO_CONTENT)
            subject = services.subject_update(
                actor=user, subject=subject, block=d.get("block"), ranked=d["ranked"]
            )
            return Response(_subject_json(subject))
        if action == "scores-import":
            upload = request.FILES.get("file")
            if upload is None:
                raise serializers.ValidationError({"file": ["required"]})
            return Response(
                imports.scores_import(actor=user, cycle=cycle, filename=upload.name, data=upload.read())
            )
        raise Http404


class Ranking(APIView):
    """Ranking by `by` = index | points | appraised | survey | area:<code> (published, or for managers)."""

    permission_classes = []

    def get(self, request, code):
        cycle = _cycle(request, code)
        if not (cycle.is_published or can_manage(request.user, cycle)):
            raise Http404
        by = request.query_params.get("by", "index")
        try:
            rows = selectors.ranking(cycle, component=by)
        except (ValueError, KeyError):
            raise serializers.ValidationError(
                {"by": ["index, points, appraised, survey or area:<code>"]}
            ) from None
        return Response(
            {
                "cycle": cycle.code,
                "synthetic": cycle.is_synthetic,
                "by": by,
                "results": [
                    {
                        "rank": r.rank,
                        "subject_code": r.subject.agency.code,
                        "subject_name": r.subject.agency.name,
                        "points": _dec(r.result.points),
                        "max_points": _dec(r.result.max_points),
                        "index": _dec(r.result.index),
                        "appraised_points": _dec(r.result.appraised_points),
                        "survey_points": _dec(r.result.survey_points),
                        "bonus": _dec(r.result.bonus),
                        "penalty": _dec(r.result.penalty),
                        "areas": r.result.areas,
                        "group": r.group,
                        "value": _dec(r.value),
                        "change": _dec(r.change),
                        "previous_rank": r.previous_rank,
                    }
                    for r in rows
                ],
            }
        )


class EntrySerializer(serializers.Serializer):
    item_code = serializers.CharField()
    stage = serializers.CharField()
    points = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    value = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class SubjectSheet(APIView):
    """GET: the subject's scoring sheet (404 for another subject before publication)."""

    def get(self, request, code, agency):
        cycle = _cycle(request, code)
        subject = selectors.subject_for(request.user, cycle, agency)
        rows = selectors.subject_sheet(subject)
        return Response(
            {
                "subject": subject.agency.code,
                "block": subject.block,
                "self_submitted_at": subject.self_submitted_at,
                "explanation_submitted_at": subject.explanation_submitted_at,
                "items": [
                    {
                        "code": r.item.code,
                        "max_points": _dec(r.item.max_points),
                        "applicable": r.applicable,
                        "final": _dec(r.final),
                        "stages": {
                            s: {"points": _dec(e.points), "value": _dec(e.value), "comment": e.comment}
                            for s, e in r.stages.items()
                        },
                        "evidence": [
                            {"title": ev.title, "link": ev.link, "file": bool(ev.file)} for ev in r.evidence
                        ],
                        "metrics": [
                            {
                                "name": n,
                                "available": bool(m and mv),
                                "value": _dec(mv.value) if mv else None,
                                "records_url": mv.records_url if mv else "",
                            }
                            for n, m, mv in r.metrics
                        ],
                        "suggested": _dec(r.suggested),
                    }
                    for r in rows
                ],
            }
        )


class SubjectAction(APIView):
    """POST entries | evidence | submit | adjustments | exemptions for one subject."""

    parser_classes = [NFCJSONParser, NFCMultiPartParser, NFCFormParser]

    def post(self, request, code, agency, action):
        cycle = _cycle(request, code)
        subject = selectors.subject_for(request.user, cycle, agency)
        user, d = request.user, request.data
        if action == "entries":
            s = EntrySerializer(data=d)
            s.is_valid(raise_exception=True)
            v = s.validated_data
            e = services.entry_record(
                actor=user,
                subject=subject,
                item_code=v["item_code"],
                stage=v["stage"],
                points=v.get("points") or None,
                value=v.get("value") or None,
                comment=v["comment"],
            )
            return Response(
                {"item_code": v["item_code"], "stage": e.stage, "points": _dec(e.points)},
                status=status.HTTP_201_CREATED,
            )
        if action == "evidence":
            ev = services.evidence_add(
                actor=user,
                subject=subject,
                item_code=d.get("item_code", ""),
                title=d.get("title", ""),
                upload=request.FILES.get("file"),
                link=d.get("link", ""),
                stage=d.get("stage", "self"),
            )
            return Response({"id": ev.pk, "title": ev.title}, status=status.HTTP_201_CREATED)
        if action == "submit":
            fn = services.explanation_submit if d.get("stage") == "explanation" else services.self_submit
            fn(actor=user, subject=subject)
            return Response({"submitted": d.get("stage", "self")})
        if action == "adjustments":
            a = services.adjustment_add(
                actor=user,
                subject=subject,
                kind=d.get("kind", ""),
                points=d.get("points", ""),
                reason=d.get("reason", ""),
            )
            return Response({"id": a.pk}, status=status.HTTP_201_CREATED)
        if action == "exemptions":
            services.exemption_set(
                actor=user, subject=subject, item_code=d.get("item_code", ""), reason=d.get("reason", "")
            )
            return Response({"item_code": d.get("item_code")}, status=status.HTTP_201_CREATED)
        raise Http404


from django.urls import path  # noqa: E402

urlpatterns = [
    path("methodologies/", MethodologyList.as_view(), name="api-methodologies"),
    path("methodologies/import/", MethodologyImport.as_view(), name="api-methodology-import"),
    path("methodologies/<str:code>/", MethodologyDetail.as_view(), name="api-methodology"),
    path("cycles/", CycleList.as_view(), name="api-cycles"),
    path("cycles/<str:code>/", CycleDetail.as_view(), name="api-cycle"),
    path("cycles/<str:code>/ranking/", Ranking.as_view(), name="api-ranking"),
    path("cycles/<str:code>/do/<str:action>/", CycleAction.as_view(), name="api-cycle-action"),
    path("cycles/<str:code>/subjects/<str:agency>/", SubjectSheet.as_view(), name="api-subject"),
    path(
        "cycles/<str:code>/subjects/<str:agency>/<str:action>/",
        SubjectAction.as_view(),
        name="api-subject-action",
    ),
]
