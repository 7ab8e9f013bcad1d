"""The API's shared parts: pagination, throttling and the one error format.

Every error answers {"error": {"code": "...", "message": "...", "fields": {...}}}, an unexpected
one too (500, code "server_error", the traceback only in the server's log).
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from .exceptions import Conflict, ImportRejected, InvalidTransition
from .text import NFCFormParser, NFCJSONParser, NFCMultiPartParser
from .throttling import ScopedThrottle

log = logging.getLogger("django.request")


def server_error_body() -> dict:
    from django.utils.translation import gettext

    return {
        "error": {
            "code": "server_error",
            "message": gettext(
                "An unexpected error occurred; it was logged and nothing was saved. Try again later."
            ),
        }
    }


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class TokenView(ObtainAuthToken):
    """POST user name and password for an API token; at most the "token" rate per client address
    (DRF's own view turns throttling off)."""

    throttle_classes = [ScopedThrottle]
    throttle_scope = "token"
    parser_classes = [NFCFormParser, NFCMultiPartParser, NFCJSONParser]


def _error(code: str, message, fields=None, http_status=400) -> Response:
    body = {"error": {"code": code, "message": str(message)}}
    if fields:
        body["error"]["fields"] = fields
    return Response(body, status=http_status)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else None
        return _error("invalid", "; ".join(exc.messages), fields, status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ImportRejected):
        rows = [{"sheet": e.sheet, "row": e.row, "field": e.field, "message": e.message} for e in exc.errors]
        return _error(exc.code, str(exc).splitlines()[0], {"rows": rows}, status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Conflict):
        return _error(exc.code, exc, None, status.HTTP_409_CONFLICT)
    if isinstance(exc, InvalidTransition):
        return _error(exc.code, exc, None, status.HTTP_409_CONFLICT)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        # Not an API error: a defect. Logged with its traceback; the client gets the one format.
        request = context.get("request")
        log.error(
            "Internal Server Error: %s",
            getattr(request, "path", "?"),
            exc_info=(type(exc), exc, exc.__traceback__),
        )
        set_rollback()
        return Response(server_error_body(), status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        if isinstance(detail, dict):
            message = "; ".join(
                f"{k}: {' '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in detail.items()
            )
            response.data = {"error": {"code": "invalid", "message": message, "fields": detail}}
        else:
            response.data = {"error": {"code": "invalid", "message": " ".join(map(str, detail))}}
    else:
        code = getattr(exc, "default_code", "error")
        message = detail.get("detail", detail) if isinstance(detail, dict) else detail
        response.data = {"error": {"code": code, "message": str(message)}}
    return response
