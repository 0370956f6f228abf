"""API tokens in the admin: an admin creates a token for a user, copies its key once, and revokes it."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from tracker.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "status", "created_at", "expires_at", "last_used_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    autocomplete_fields = ["user"]
    actions = ["revoke_tokens"]
    readonly_fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at", "revoked_by"]

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> list[str]:
        if obj is None:
            return ["user", "name", "expires_at"]
        return ["user", "name", "expires_at", *self.readonly_fields]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> list[str]:
        if obj is None:
            return []
        # A token's owner and lifetime are fixed once its key has been handed out.
        return ["user", "expires_at", *self.readonly_fields]

    @admin.display(description="status")
    def status(self, token: ApiToken) -> str:
        if token.revoked_at:
            return "revoked"
        if token.expires_at and token.expires_at <= timezone.now():
            return "expired"
        return "active"

    def save_model(self, request: HttpRequest, obj: ApiToken, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        _, key = ApiToken.issue(obj.user, obj.name, created_by=request.user, expires_at=obj.expires_at, token=obj)
        obj._issued_key = key

    def response_add(self, request: HttpRequest, obj: ApiToken, post_url_continue: str | None = None) -> HttpResponse:
        """Show the key on a page of its own, once; it never goes into a message cookie or a log."""
        key = getattr(obj, "_issued_key", None)
        if key is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": "Copy the key of the new API token",
            "token": obj,
            "key": key,
            "opts": self.opts,
            "changelist_url": reverse("admin:tracker_apitoken_changelist"),
        }
        response = TemplateResponse(request, "admin/tracker/apitoken/key_issued.html", context)
        response["Cache-Control"] = "no-store"
        return response

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        # Revoked tokens stay, so that who had access and until when is on record.
        return False

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            token.revoke(by=request.user)
            revoked += 1
        self.message_user(request, f"Revoked {revoked} token(s).", messages.SUCCESS)
