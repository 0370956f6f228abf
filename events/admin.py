"""Data entry and review in the admin. The review rules themselves are in ``events.workflow``."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from events import workflow
from events.choices import ReviewState
from events.history import event_timeline
from events.models import (
    Actor,
    ActorAlias,
    Citation,
    Event,
    EventLink,
    EventLocation,
    Provision,
    Resolution,
    SanctionsRegime,
    TransferItem,
    Violation,
    WeaponSystem,
    WeaponSystemAlias,
)
from events.services import suggest_provisions

# Reference data ---------------------------------------------------------------


class ActorAliasInline(admin.TabularInline):
    model = ActorAlias
    extra = 1


@admin.register(Actor)
class ActorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "iso_code", "country", "un_reference", "imo_number"]
    list_filter = ["kind"]
    list_select_related = ["country"]
    search_fields = ["name", "iso_code", "aliases__name", "un_reference", "imo_number", "opensanctions_id"]
    autocomplete_fields = ["country"]
    readonly_fields = ["public_id"]
    inlines = [ActorAliasInline]
    fieldsets = [
        (None, {"fields": ["name", "kind", "iso_code", "country", "description"]}),
        ("External references", {"fields": ["un_reference", "imo_number", "opensanctions_id", "public_id"]}),
    ]


class WeaponSystemAliasInline(admin.TabularInline):
    model = WeaponSystemAlias
    extra = 1


@admin.register(WeaponSystem)
class WeaponSystemAdmin(SimpleHistoryAdmin):
    list_display = ["designation", "category", "origin"]
    list_filter = ["category", "origin"]
    list_select_related = ["origin"]
    search_fields = ["designation", "aliases__name"]
    autocomplete_fields = ["origin"]
    readonly_fields = ["public_id"]
    inlines = [WeaponSystemAliasInline]


class ResolutionInline(admin.TabularInline):
    model = Resolution
    fields = ["number", "adopted_on", "title", "url"]
    extra = 0
    show_change_link = True


@admin.register(SanctionsRegime)
class SanctionsRegimeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "authority", "target"]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["target"]
    inlines = [ResolutionInline]


class ProvisionInline(admin.StackedInline):
    model = Provision
    fk_name = "resolution"
    fields = ["paragraph", "prohibited_act", "item_scope", "summary", "extends"]
    autocomplete_fields = ["extends"]
    extra = 0


@admin.register(Resolution)
class ResolutionAdmin(SimpleHistoryAdmin):
    list_display = ["number", "adopted_on", "regime", "title"]
    list_filter = ["regime"]
    search_fields = ["number", "title"]
    date_hierarchy = "adopted_on"
    inlines = [ProvisionInline]


@admin.register(Provision)
class ProvisionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "prohibited_act", "item_scope", "extends"]
    list_filter = ["resolution__regime", "prohibited_act", "item_scope"]
    search_fields = ["resolution__number", "paragraph", "summary"]
    autocomplete_fields = ["resolution", "extends"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("resolution")


# Events -----------------------------------------------------------------------


class EventPartInline(admin.StackedInline):
    """Parts can be changed only while their event can."""

    extra = 0

    def _parent_editable(self, request: HttpRequest, obj: Event | None) -> bool:
        return obj is None or workflow.can_edit(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._parent_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._parent_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._parent_editable(request, obj)


class TransferItemInline(EventPartInline):
    model = TransferItem
    autocomplete_fields = ["weapon_system"]
    fields = [
        ("weapon_system", "category"),
        ("quantity_min", "quantity_max", "qualifier", "unit"),
        "original_wording",
        "note",
    ]


class EventLocationInline(EventPartInline):
    model = EventLocation
    autocomplete_fields = ["country"]
    fields = [("name", "country", "role"), ("latitude", "longitude", "geo_precision"), "note"]


class ViolationInline(EventPartInline):
    model = Violation
    autocomplete_fields = ["provision", "assessed_by"]
    fields = [("provision", "assessment", "assessed_by"), "rationale"]


class CitationInline(EventPartInline):
    model = Citation
    autocomplete_fields = ["document", "claimant"]
    fields = [
        ("document", "stance", "claimant"),
        "excerpt",
        ("locator", "credibility", "reliability"),
        "note",
    ]


class EventLinkInline(EventPartInline):
    model = EventLink
    fk_name = "event"
    autocomplete_fields = ["target"]
    fields = [("relation", "target"), "rationale"]
    verbose_name_plural = "links to other events"


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


STATE_COLOURS = {
    ReviewState.DRAFT: "#777",
    ReviewState.IN_REVIEW: "#b36b00",
    ReviewState.PUBLISHED: "#2e7d32",
    ReviewState.REJECTED: "#c62828",
    ReviewState.WITHDRAWN: "#555",
}


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "supplier",
        "recipient",
        "start_date",
        "claim_status",
        "review_badge",
        "version",
        "updated_at",
    ]
    list_filter = [
        "review_state",
        "claim_status",
        "kind",
        "date_precision",
        ("supplier", admin.RelatedOnlyFieldListFilter),
        ("recipient", admin.RelatedOnlyFieldListFilter),
        "items__category",
        "violations__provision__resolution",
    ]
    list_select_related = ["supplier", "recipient"]
    search_fields = ["title", "summary", "citations__excerpt", "=public_id"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["supplier", "recipient", "intermediaries"]
    inlines = [TransferItemInline, EventLocationInline, ViolationInline, CitationInline, EventLinkInline]
    actions = ["submit_selected", "publish_selected"]
    change_form_template = "admin/events/event/change_form.html"
    fieldsets = [
        (None, {"fields": ["title", "summary", "kind"]}),
        ("Who", {"fields": [("supplier", "recipient"), "intermediaries"]}),
        ("When", {"fields": [("start_date", "end_date", "date_precision")]}),
        ("Assessment", {"fields": ["claim_status"]}),
        (
            "Review",
            {
                "fields": [
                    ("review_state", "version", "public_id"),
                    ("created_by", "created_at"),
                    ("updated_by", "updated_at"),
                    ("submitted_by", "submitted_at"),
                    ("reviewed_by", "reviewed_at"),
                    "review_note",
                    "revision_of",
                ]
            },
        ),
    ]
    readonly_fields = [
        "review_state",
        "version",
        "public_id",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "review_note",
        "revision_of",
    ]

    class Media:
        js = ["events/event_form.js"]
        css = {"all": ["events/event_form.css"]}

    @admin.display(description="Review state", ordering="review_state")
    def review_badge(self, event: Event) -> str:
        label = event.get_review_state_display()
        if event.is_working_copy:
            label += " (revision)"
        return format_html('<span style="color:{}">{}</span>', STATE_COLOURS.get(event.review_state, "#000"), label)

    # Permissions follow the workflow: nothing in review, published or withdrawn is edited here.

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or workflow.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_search_results(self, request, queryset, search_term):
        # Links may only point at real events, never at a working copy.
        if request.GET.get("model_name") == "eventlink":
            queryset = queryset.filter(revision_of__isnull=True)
        return super().get_search_results(request, queryset, search_term)

    def save_model(self, request, obj: Event, form, change) -> None:
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change) -> None:
        super().save_formset(request, form, formset, change)
        if formset.has_changed() and form.instance.updated_by_id != request.user.pk:
            form.instance.updated_by = request.user
            form.instance.save(update_fields=["updated_by", "updated_at"])

    # Review -----------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/review/<str:action>/",
                self.admin_site.admin_view(self.review_view),
                name="events_event_review",
            ),
            path(
                "<path:object_id>/timeline/",
                self.admin_site.admin_view(self.timeline_view),
                name="events_event_timeline",
            ),
            path(
                "<path:object_id>/restore/<int:history_id>/",
                self.admin_site.admin_view(self.restore_view),
                name="events_event_restore",
            ),
            path(
                "suggest-provisions/",
                self.admin_site.admin_view(self.suggest_provisions_view),
                name="events_event_suggest_provisions",
            ),
            *super().get_urls(),
        ]

    def _change_url(self, event: Event) -> str:
        return reverse("admin:events_event_change", args=[event.pk])

    def _run(self, request: HttpRequest, event: Event, action: str, reason: str = "") -> Event | None:
        """Run one review action and report the outcome as an admin message; None when refused."""
        try:
            if action == "submit":
                result = workflow.submit(event, request.user)
                messages.success(request, f"“{result}” is submitted for review.")
            elif action == "publish":
                result = workflow.publish(event, request.user)
                messages.success(request, f"“{result}” is published (version {result.version}).")
            elif action == "reject":
                result = workflow.reject(event, request.user, reason)
                messages.warning(request, f"“{result}” is rejected and back with its authors.")
            elif action == "withdraw":
                result = workflow.withdraw(event, request.user, reason)
                messages.warning(request, f"“{result}” is withdrawn.")
            elif action == "start_revision":
                result = workflow.start_revision(event, request.user)
                messages.info(
                    request, "This is a working copy; readers see the published version until it is approved."
                )
            else:
                raise Http404(f"Unknown review action {action!r}.")
        except workflow.ReviewIncomplete as exc:
            messages.error(request, f"{exc} " + " ".join(exc.problems))
            return None
        except workflow.ReviewError as exc:
            messages.error(request, str(exc))
            return None
        return result

    def review_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        event = get_object_or_404(Event, pk=unquote(object_id))
        if not self.has_view_permission(request, event):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseRedirect(self._change_url(event))
        form = ReasonForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        result = self._run(request, event, action, reason)
        if result is None or not Event.objects.filter(pk=result.pk).exists():
            return HttpResponseRedirect(self._change_url(event))
        return HttpResponseRedirect(self._change_url(result))

    @admin.action(description="Submit the selected events for review")
    def submit_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for event in queryset:
            self._run(request, event, "submit")

    @admin.action(description="Publish the selected events")
    def publish_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        for event in queryset:
            self._run(request, event, "publish")

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("events.submit_event"):
            actions.pop("submit_selected", None)
        if not request.user.has_perm("events.review_event"):
            actions.pop("publish_selected", None)
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        event = self.get_object(request, unquote(object_id))
        if event is not None:
            extra_context.update(self._review_context(request, event))
        return super().change_view(request, object_id, form_url, extra_context)

    def _review_context(self, request: HttpRequest, event: Event) -> dict:
        actions = workflow.allowed_actions(request.user, event)
        open_revision = event.revisions.filter(review_state__in=workflow.OPEN_STATES).first()
        problems = workflow.publication_problems(event) if event.is_editable or "publish" in actions else []
        categories = set(event.items.values_list("category", flat=True))
        breached = set(event.violations.values_list("provision_id", flat=True))
        suggestions = [
            s for s in suggest_provisions(event.supplier, event.recipient, categories) if s.provision.pk not in breached
        ]
        return {
            "review_actions": actions,
            "reason_form": ReasonForm(),
            "publication_problems": problems,
            "open_revision": open_revision,
            "provision_suggestions": suggestions,
            "suggest_url": reverse("admin:events_event_suggest_provisions"),
        }

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = extra_context or {}
        extra_context["suggest_url"] = reverse("admin:events_event_suggest_provisions")
        return super().add_view(request, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        return HttpResponseRedirect(reverse("admin:events_event_timeline", args=[object_id]))

    def timeline_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        event = get_object_or_404(Event, pk=unquote(object_id))
        if not self.has_view_permission(request, event):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": event,
            "title": f"History of “{event}”",
            "timeline": event_timeline(event),
            "can_restore": request.user.has_perm("events.change_event")
            and (event.is_editable or event.review_state == ReviewState.PUBLISHED),
        }
        return TemplateResponse(request, "admin/events/event/timeline.html", context)

    def restore_view(self, request: HttpRequest, object_id: str, history_id: int) -> HttpResponse:
        event = get_object_or_404(Event, pk=unquote(object_id))
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:events_event_timeline", args=[event.pk]))
        record = get_object_or_404(Event.history.model, history_id=history_id, id=event.pk)
        try:
            target = workflow.restore(event, request.user, record.history_date)
        except workflow.ReviewError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(reverse("admin:events_event_timeline", args=[event.pk]))
        when = timezone.localtime(record.history_date)
        messages.success(request, f"Restored as of {when:%Y-%m-%d %H:%M:%S}. Check it and submit it for review.")
        return HttpResponseRedirect(self._change_url(target))

    def suggest_provisions_view(self, request: HttpRequest) -> JsonResponse:
        """JSON for the event form: provisions breached by a transfer from supplier to recipient."""
        if not self.has_view_permission(request):
            raise PermissionDenied

        def actor(param: str) -> Actor | None:
            value = request.GET.get(param, "")
            return Actor.objects.filter(pk=value).first() if value.isdigit() else None

        categories = [c for c in request.GET.get("categories", "").split(",") if c]
        suggestions = suggest_provisions(actor("supplier"), actor("recipient"), categories)
        return JsonResponse(
            {
                "suggestions": [
                    {
                        "id": s.provision.pk,
                        "label": str(s.provision),
                        "summary": s.provision.summary,
                        "reason": s.reason,
                    }
                    for s in suggestions
                ]
            }
        )
