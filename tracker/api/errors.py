"""The one shape of every error the API returns, and the handler that produces it.

Every error body is a JSON object with ``status`` (the HTTP status),
``code`` (stable, for programs), ``detail`` (for people) and, when they
apply, ``errors`` (field errors, nested like the request body), ``problems``
(what stops a review action) and ``retry_after`` (seconds, with 429).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from events.workflow import ReviewConflict, ReviewIncomplete, ReviewNotAllowed


class Conflict(exceptions.APIException):
    """The resource is not in a state that allows the request (409)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"

    def __init__(self, detail: str | None = None, code: str | None = None, links: dict[str, str] | None = None):
        super().__init__(detail, code)
        self.links = links or {}


class Incomplete(exceptions.APIException):
    """A review action that the event is not ready for (400, with the list of problems)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "review_incomplete"

    def __init__(self, detail: str, problems: list[str]):
        super().__init__(detail, self.default_code)
        self.problems = problems


class ErrorSerializer(serializers.Serializer):
    """Describes the error body in the OpenAPI document."""

    status = serializers.IntegerField(help_text="The HTTP status code.")
    code = serializers.CharField(
        help_text="Stable machine-readable code: invalid, parse_error, not_authenticated, authentication_failed, "
        "permission_denied, not_found, method_not_allowed, not_acceptable, unsupported_media_type, throttled, "
        "review_conflict, review_incomplete, edit_conflict."
    )
    detail = serializers.CharField(help_text="What went wrong, in words.")
    errors = serializers.DictField(
        required=False,
        help_text="Field errors, keyed like the request; in a nested list, by the position of each item with "
        'errors (`{"items": {"1": {"quantity_max": [...]}}}`); `non_field_errors` for the request as a whole.',
    )
    problems = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="What stops a review action, one gap per line."
    )
    retry_after = serializers.IntegerField(required=False, help_text="With 429: seconds to wait.")
    links = serializers.DictField(
        child=serializers.URLField(), required=False, help_text="Where to go instead, e.g. `revise` for a 409."
    )


def _translate(exc: Exception) -> Exception:
    if isinstance(exc, ReviewNotAllowed):
        return exceptions.PermissionDenied(str(exc), "permission_denied")
    if isinstance(exc, ReviewConflict):
        return Conflict(str(exc), "review_conflict")
    if isinstance(exc, ReviewIncomplete):
        return Incomplete(str(exc), exc.problems)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return exceptions.ValidationError(detail)
    if isinstance(exc, IntegrityError):
        # A uniqueness race between validation and saving: the other request won.
        return Conflict("This conflicts with a row that another request has just written; read it and retry.")
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def _code(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    return getattr(exc.detail, "code", None) or exc.default_code


def error_body(exc: exceptions.APIException) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = {"detail": _summary(errors), "errors": errors}
    else:
        body = {"detail": str(exc.detail)}
    body = {"status": exc.status_code, "code": _code(exc), **body}
    if isinstance(exc, Incomplete):
        body["problems"] = exc.problems
    if isinstance(exc, Conflict) and exc.links:
        body["links"] = exc.links
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        body["retry_after"] = max(1, round(exc.wait))
    return body


def _summary(errors: dict) -> str:
    fields = [name for name in errors if name != "non_field_errors"]
    if not fields:
        messages = errors.get("non_field_errors") or ["The request is not valid."]
        return str(messages[0])
    return f"The request is not valid; see errors for: {', '.join(fields)}."


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, fed with the review workflow's errors, answering in the one error shape."""
    exc = _translate(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        response["Retry-After"] = str(max(1, round(exc.wait)))
    response.data = error_body(exc)
    set_rollback()
    return response


ERROR_DESCRIPTIONS = {
    400: "Invalid request: see `errors` for each field (malformed JSON, wrong types, unknown query parameters, "
    "bad dates or cursors, page size out of range, unknown format) or `problems` for a review action.",
    401: "No credentials where they are needed, or a token that is unknown, expired or revoked.",
    403: "Your role does not allow this, or the four-eyes rule forbids it.",
    404: "No such resource, or one you are not allowed to see.",
    405: "The method is not allowed on this resource.",
    406: "None of the formats in the Accept header can be produced.",
    409: "The resource is not in a state that allows this (e.g. it is in review, or published and must be revised).",
    415: "The body is not JSON.",
    429: "Too many requests; retry after the number of seconds in the Retry-After header.",
}


def error_response(code: int, description: str = "") -> OpenApiResponse:
    """An error response of an operation, for ``extend_schema(responses=...)``."""
    return OpenApiResponse(ErrorSerializer, description=description or ERROR_DESCRIPTIONS[code])
