"""The OpenAPI generator, taught the API's conventions so that no error response goes undocumented."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import SAFE_METHODS

from tracker.api.errors import ERROR_DESCRIPTIONS, ErrorSerializer


class ApiAutoSchema(AutoSchema):
    """Adds the error responses that every operation of this kind can give, in the one error shape."""

    def _error_codes(self) -> list[int]:
        codes = {400, 401, 406, 429}  # bad parameters or format, bad token, Accept, throttling
        if "{" in self.path:
            codes.add(404)
        if self.method not in SAFE_METHODS:
            codes |= {403, 409, 415}  # 409: a write that raced another one on a unique value
        return sorted(codes)

    def map_renderers(self, attribute: str) -> list:
        """File formats are offered by GET only; everything else answers JSON."""
        renderers = [renderer for renderer in self.view.get_renderers() if not getattr(renderer, "is_export", False)]
        if self.method == "GET" or len(renderers) == len(self.view.get_renderers()):
            return super().map_renderers(attribute)
        return list(dict.fromkeys(getattr(renderer, attribute) for renderer in renderers if renderer.format != "api"))

    def _get_response_bodies(self, direction: str = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if str(code) not in responses:
                error = OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code])
                responses[str(code)] = self._get_response_for_code(error, str(code), ["application/json"], direction)
        return responses

    def _get_response_headers_for_code(self, status_code: str, direction: str = "response") -> dict:
        headers = super()._get_response_headers_for_code(status_code, direction)
        if status_code == "429":
            headers["Retry-After"] = {
                "schema": {"type": "integer"},
                "description": "Seconds to wait before the next request.",
            }
        if status_code == "401":
            headers["WWW-Authenticate"] = {"schema": {"type": "string"}, "description": "How to authenticate."}
        return headers
