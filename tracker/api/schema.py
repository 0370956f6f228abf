"""How the OpenAPI document describes the API's own authentication."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tracker.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>` (or `Bearer <key>`), with a key that an admin created for you in the "
            "admin under API tokens.",
        }


class PublicRefFieldSchema(OpenApiSerializerFieldExtension):
    """A ``PublicRefField`` is a string in requests and an object in responses."""

    target_class = "tracker.api.fields.PublicRefField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction: str) -> dict:
        field = self.target
        if direction == "response":
            return auto_schema.resolve_serializer(field.ref_serializer, direction).ref
        schema = {"type": "string", "description": field.request_help or f"The id (UUID) of the {field.noun}."}
        if field.natural_key is None:
            schema["format"] = "uuid"
        return schema
