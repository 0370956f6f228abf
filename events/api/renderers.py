"""The file formats of the events endpoints, for content negotiation (``?format=`` or ``Accept``).

The views stream these files themselves (see ``events.api.exports``); the
renderers name the formats and their media types, and describe them in the
OpenAPI document.
"""

from rest_framework.renderers import BaseRenderer


class _ExportRenderer(BaseRenderer):
    is_export = True
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        # Reached only with data that the view has already written out.
        return data if isinstance(data, bytes) else str(data).encode(self.charset)


class CsvRenderer(_ExportRenderer):
    media_type = "text/csv"
    format = "csv"


class GeoJsonRenderer(_ExportRenderer):
    media_type = "application/geo+json"
    format = "geojson"


class StixRenderer(_ExportRenderer):
    media_type = "application/stix+json"
    format = "stix"
