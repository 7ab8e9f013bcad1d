"""REST API of the working-day calendar: /api/v1/workdays/…"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors


class Due(APIView):
    """The due moment `days` working days after receipt at `from` (local time; 15:00 cut-off unless cutoff=0)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, required=True),
            OpenApiParameter("days", int, required=True),
            OpenApiParameter("cutoff", int),
        ]
    )
    def get(self, request):
        raw, days = request.query_params.get("from", ""), request.query_params.get("days", "")
        try:
            start = datetime.fromisoformat(raw)
        except ValueError:
            raise ValidationError({"from": "Use YYYY-MM-DDTHH:MM (local time)."}) from None
        if not days.isdigit():
            raise ValidationError({"days": "A whole number of zero or more is required."})
        due = selectors.add_working_days(
            start, int(days), apply_cutoff=request.query_params.get("cutoff") != "0"
        )
        return Response({"from": raw, "days": int(days), "due": due.isoformat()})


urlpatterns = [path("due/", Due.as_view(), name="workdays-api-due")]
