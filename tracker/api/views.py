"""Pieces every API view shares."""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response


class FormatNegotiation(DefaultContentNegotiation):
    """``?format=`` wins over the Accept header; an unknown format is a 400 that lists the known ones."""

    def select_renderer(self, request: Request, renderers: list, format_suffix: str | None = None) -> tuple:
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404:
            formats = ", ".join(renderer.format for renderer in renderers)
            raise ValidationError({"format": [f"Unknown format; this endpoint offers: {formats}."]}) from None


class JsonResponsesMixin:
    """Data (errors, the results of writes and actions) is JSON even when a file format was asked for.

    Only the views' own file responses (the CSV, GeoJSON and STIX exports of
    GET requests) are files.
    """

    def finalize_response(self, request: Request, response, *args, **kwargs):
        if isinstance(response, Response):
            renderer = getattr(request, "accepted_renderer", None)
            if getattr(renderer, "is_export", False):
                request.accepted_renderer = JSONRenderer()
                request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


@csrf_exempt  # answers every method with a 404, and changes nothing
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any address under /api/ that no endpoint answers: the API's 404, not the site's HTML page.

    An address that lacks only its final slash is redirected with 308, which
    keeps the method and the body (a 301 would turn a POST into a GET).
    """
    if not request.path.endswith("/"):
        try:
            match = resolve(f"{request.path}/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{request.path}/" + (f"?{query}" if query else ""), status=308)
    return JsonResponse(
        {"status": 404, "code": "not_found", "detail": "No endpoint at this address; see /api/docs/."}, status=404
    )


UUID_PATTERN = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


class PublicIdLookupMixin:
    """Rows are addressed by their public id (a UUID), never by the database key."""

    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = UUID_PATTERN
