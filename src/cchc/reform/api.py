"""REST API of the reform registers: /api/v1/reform/…

Registers are listed within the caller's `reform.view` scope; rows are written through the same
services as the pages (POST to a register, PATCH a row). Figures are the platform metrics.
"""

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cchc.core.api import Pagination
from cchc.core.metrics import Period, get_metric
from cchc.org.access import require_perm, scope_q
from cchc.org.models import Agency

from . import services
from .access import MANAGE, VIEW
from .metrics import DRILLS
from .registers import REGISTERS


def _serializer(key: str):
    spec = REGISTERS[key]
    related = {
        name: serializers.SlugRelatedField(slug_field="code", queryset=Agency.objects.all())
        for name in ("agency",)
    }
    if "procedure" in spec.fields:
        from cchc.procedures.models import Procedure

        related["procedure"] = serializers.SlugRelatedField(
            slug_field="code", queryset=Procedure.objects.all()
        )
    meta = type("Meta", (), {"model": spec.model, "fields": ["id", "agency", *spec.fields]})
    return type(f"{spec.model.__name__}Serializer", (serializers.ModelSerializer,), {**related, "Meta": meta})


SERIALIZERS = {key: _serializer(key) for key in REGISTERS}


def _spec(key):
    if key not in REGISTERS:
        raise Http404
    return REGISTERS[key]


class RegisterRows(APIView):
    """Rows of a register (`documents`, `plans`, `conditions`, `inspection`, `tasks`, `targets`) in the
    caller's scope; POST adds a row (permission `reform.manage` in its unit)."""

    @extend_schema(parameters=[OpenApiParameter("year", int)])
    def get(self, request, key):
        spec = _spec(key)
        require_perm(request.user, VIEW)
        rows = (
            spec.model.objects.filter(scope_q(request.user, VIEW, "agency"))
            .select_related("agency")
            .order_by("id")
        )
        year = request.query_params.get("year", "")
        if year.isdigit() and spec.year_field:
            rows = rows.filter(
                **{
                    f"{spec.year_field}__year" if spec.year_field.endswith("_on") else spec.year_field: int(
                        year
                    )
                }
            )
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(SERIALIZERS[key](page, many=True).data)

    def post(self, request, key):
        _spec(key)
        serializer = SERIALIZERS[key](data=request.data)
        serializer.is_valid(raise_exception=True)
        row = services.register_row_create(actor=request.user, register=key, **serializer.validated_data)
        return Response(SERIALIZERS[key](row).data, status=201)


class RegisterRow(APIView):
    def _row(self, request, key, pk, perm):
        spec = _spec(key)
        row = spec.model.objects.filter(scope_q(request.user, perm, "agency"), pk=pk).first()
        if row is None:
            raise Http404
        return row

    def get(self, request, key, pk):
        row = self._row(request, key, pk, VIEW)  # first: an unknown register is a 404
        return Response(SERIALIZERS[key](row).data)

    def patch(self, request, key, pk):
        row = self._row(request, key, pk, MANAGE)
        serializer = SERIALIZERS[key](row, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        row = services.register_row_update(actor=request.user, row=row, **serializer.validated_data)
        return Response(SERIALIZERS[key](row).data)


class MetricValueView(APIView):
    """A reform figure for a unit and period: value, numerator, denominator, display and the page of
    its records. Query: `agency` (code), `start`, `end` (YYYY-MM-DD)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("agency", str),
            OpenApiParameter("start", str),
            OpenApiParameter("end", str),
        ]
    )
    def get(self, request, name):
        metric = get_metric(name)
        if metric is None or name not in DRILLS:
            raise Http404
        require_perm(request.user, VIEW)
        agency = Agency.objects.filter(code=request.query_params.get("agency", "")).first()
        if agency is None:
            raise Http404
        require_perm(request.user, VIEW, agency)
        dates = serializers.DictField(child=serializers.DateField()).to_internal_value(
            {"start": request.query_params.get("start", ""), "end": request.query_params.get("end", "")}
        )
        if dates["start"] > dates["end"]:
            raise serializers.ValidationError({"end": ["The period must start before it ends."]})
        value = metric.value(agency, Period(dates["start"], dates["end"]))
        return Response(
            {
                "name": name,
                "label": str(metric.label),
                "unit": metric.unit,
                "value": None if value.value is None else str(value.value),
                "numerator": None if value.numerator is None else str(value.numerator),
                "denominator": None if value.denominator is None else str(value.denominator),
                "display": metric.display(value),
                "records_url": value.records_url,
            }
        )


urlpatterns = [
    path("registers/<str:key>/", RegisterRows.as_view(), name="api-reform-register"),
    path("registers/<str:key>/<int:pk>/", RegisterRow.as_view(), name="api-reform-row"),
    path("metrics/<str:name>/", MetricValueView.as_view(), name="api-reform-metric"),
]
