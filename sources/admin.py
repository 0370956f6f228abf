from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, Subquery
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join, mark_safe
from simple_history.admin import SimpleHistoryAdmin

from sources.choices import DismissalReason, TriageState
from sources.models import Article, CandidateArticle, Document, Feed, FetchLog, Publisher
from sources.services import TriageError, create_draft_event_from_article, dismiss_articles
from sources.tasks import fetch_feed


@admin.register(Publisher)
class PublisherAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "country_code", "language", "reliability", "updated_at"]
    list_filter = ["kind", "reliability", "language"]
    search_fields = ["name", "website"]
    history_list_display = ["reliability", "reliability_note"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "country_code", "language", "website"]}),
        ("Reliability", {"fields": ["reliability", "reliability_note"]}),
    ]


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "publisher", "kind", "language", "published_at", "retrieved_at"]
    list_filter = ["kind", "language", "publisher"]
    list_select_related = ["publisher"]
    search_fields = ["title", "url", "canonical_url"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["publisher"]
    readonly_fields = ["public_id", "text_sha256", "created_at", "updated_at"]
    show_full_result_count = False  # counting millions of rows on every page is slow
    fieldsets = [
        (None, {"fields": ["title", "kind", "publisher", "language", "url", "canonical_url"]}),
        ("Dates", {"fields": ["published_at", "retrieved_at"]}),
        ("Archive", {"fields": ["archived_text", "text_sha256"]}),
        ("Record", {"classes": ["collapse"], "fields": ["public_id", "created_at", "updated_at"]}),
    ]


# Feeds, fetch log and the triage queue ----------------------------------------------------------


def highlight(value: str, matches, field: str) -> str:
    """``value`` as HTML with the matched terms of ``field`` marked, so the analyst sees why it scored."""
    spans = sorted(
        (match for match in matches or () if match.get("field") == field),
        key=lambda match: (match.get("start", 0), -match.get("end", 0)),
    )
    parts, position = [], 0
    for match in spans:
        start, end = int(match.get("start", 0)), int(match.get("end", 0))
        if start < position or end <= start or end > len(value):
            continue
        parts.append(escape(value[position:start]))
        title = f"{match.get('kind', '')}: {match.get('ref', '')}"
        parts.append(
            format_html('<mark class="term-{}" title="{}">{}</mark>', match.get("kind", ""), title, value[start:end])
        )
        position = end
    parts.append(escape(value[position:]))
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every part is escaped above


def suggestions_html(article: Article) -> str:
    suggested = article.suggestions or {}
    rows = [
        ("Supplier", suggested.get("supplier") or "–"),
        ("Recipient", suggested.get("recipient") or "–"),
        ("Categories", ", ".join(suggested.get("categories") or ()) or "–"),
        ("Resolutions", ", ".join(suggested.get("resolutions") or ()) or "–"),
        ("Score", f"{article.relevance_score:.2f}"),
    ]
    terms = sorted({f"{match.get('term')} ({match.get('kind')})" for match in article.matched_terms or ()})
    rows.append(("Matched terms", ", ".join(terms) or "–"))
    return format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows)


class DismissForm(forms.Form):
    reason = forms.ChoiceField(choices=DismissalReason.choices)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class TriageActionsMixin:
    """Bulk dismiss with a reason, and one-step draft events; the rules are in ``sources.services``."""

    actions = ["dismiss_with_reason", "create_draft_events"]

    @admin.action(description="Dismiss the selected stories (asks for a reason)", permissions=["change"])
    def dismiss_with_reason(self, request, queryset):
        form = DismissForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            try:
                count = dismiss_articles(queryset, request.user, form.cleaned_data["reason"], form.cleaned_data["note"])
            except (TriageError, PermissionDenied) as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return None
            self.message_user(request, f"Dismissed {count} article(s).", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Dismiss articles",
            "form": form,
            "articles": queryset,
            "action": "dismiss_with_reason",
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/sources/dismiss_articles.html", context)

    @admin.action(description="Create a draft event from each selected article", permissions=["change"])
    def create_draft_events(self, request, queryset):
        for article in queryset:
            try:
                event = create_draft_event_from_article(article, request.user)
            except (TriageError, PermissionDenied) as exc:
                self.message_user(request, str(exc), messages.ERROR)
                continue
            url = reverse("admin:events_event_change", args=[event.pk])
            self.message_user(
                request,
                format_html('Draft event <a href="{}">{}</a> created from the article.', url, event),
                messages.SUCCESS,
            )


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = [
        "__str__", "publisher", "language", "active", "last_success_at", "consecutive_failures", "next_fetch_at",
        "last_error_class",
    ]  # fmt: skip
    list_filter = ["active", "language", "last_error_class"]
    list_select_related = ["publisher"]
    search_fields = ["url", "title"]
    autocomplete_fields = ["publisher"]
    readonly_fields = [
        "etag", "last_modified", "last_fetched_at", "last_success_at", "consecutive_failures", "last_error_class",
        "last_error_message", "lease_expires_at", "created_at", "updated_at", "recent_fetches",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["url", "title", "publisher", "language", "active", "deactivated_reason"]}),
        ("Schedule", {"fields": ["poll_interval", "next_fetch_at", "lease_expires_at"]}),
        (
            "Health",
            {
                "fields": [
                    "last_fetched_at",
                    "last_success_at",
                    "consecutive_failures",
                    "last_error_class",
                    "last_error_message",
                    "etag",
                    "last_modified",
                    "recent_fetches",
                ]
            },
        ),
        ("Record", {"classes": ["collapse"], "fields": ["created_at", "updated_at"]}),
    ]
    actions = ["fetch_now", "activate", "deactivate"]

    @admin.display(description="Recent fetches")
    def recent_fetches(self, feed: Feed) -> str:
        rows = [
            (log.started_at.strftime("%Y-%m-%d %H:%M:%S"), log.status, log.http_status or "", log.duration_ms,
             log.new, log.updated, log.error_class or "")
            for log in feed.fetch_logs.order_by("-started_at")[:20]
        ]  # fmt: skip
        if not rows:
            return "–"
        header = (
            "<tr><th>When</th><th>Status</th><th>HTTP</th><th>ms</th><th>New</th><th>Updated</th><th>Error</th></tr>"
        )
        body = format_html_join("", "<tr>" + "<td>{}</td>" * 7 + "</tr>", rows)
        return format_html("<table>{}{}</table>", mark_safe(header), body)  # noqa: S308 - constant markup

    @admin.action(description="Fetch the selected feeds now", permissions=["change"])
    def fetch_now(self, request, queryset):
        ids = list(queryset.filter(active=True).values_list("pk", flat=True))
        Feed.objects.filter(pk__in=ids).update(next_fetch_at=timezone.now())
        for feed_id in ids:
            fetch_feed.delay(feed_id)
        self.message_user(request, f"Queued {len(ids)} active feed(s) for fetching.", messages.SUCCESS)

    @admin.action(description="Activate the selected feeds", permissions=["change"])
    def activate(self, request, queryset):
        count = queryset.update(
            active=True, deactivated_reason="", next_fetch_at=timezone.now(), consecutive_failures=0
        )
        self.message_user(request, f"Activated {count} feed(s).", messages.SUCCESS)

    @admin.action(description="Deactivate the selected feeds", permissions=["change"])
    def deactivate(self, request, queryset):
        count = queryset.update(active=False, deactivated_reason=f"Deactivated by {request.user} in the admin.")
        self.message_user(request, f"Deactivated {count} feed(s).", messages.SUCCESS)


@admin.register(FetchLog)
class FetchLogAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "feed",
        "status",
        "http_status",
        "duration_ms",
        "bytes_received",
        "new",
        "error_class",
    ]
    list_filter = ["status", "error_class"]
    list_select_related = ["feed"]
    search_fields = ["feed__url", "feed__title", "error_message"]
    date_hierarchy = "started_at"
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


_READONLY_ARTICLE_FIELDS = [
    "feed", "entry_id", "url", "title", "author", "language", "published_at", "fetched_at", "updated_at",
    "update_count", "cluster", "relevance_score", "is_candidate", "triage_state", "dismissal_reason",
    "dismissal_note", "triaged_by", "triaged_at", "event", "document",
]  # fmt: skip


class _ArticleView(TriageActionsMixin, admin.ModelAdmin):
    list_select_related = ["feed__publisher"]
    readonly_fields = [*_READONLY_ARTICLE_FIELDS, "triage_panel", "story_members", "source_link"]
    fieldsets = [
        (None, {"fields": ["triage_panel"]}),
        ("Story", {"fields": ["story_members"]}),
        ("Entry", {"fields": ["source_link", "feed", "entry_id", "author", "language", "published_at", "fetched_at",
                              "updated_at", "update_count", "cluster"]}),
        ("Triage", {"fields": ["triage_state", "dismissal_reason", "dismissal_note", "triaged_by", "triaged_at",
                               "event", "document"]}),
    ]  # fmt: skip
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Article and suggestions")
    def triage_panel(self, article: Article) -> str:
        return format_html(
            '<div style="display:flex;gap:2em;align-items:flex-start">'
            '<div style="flex:3;max-width:60em"><h3>{}</h3><p style="white-space:pre-wrap">{}</p></div>'
            '<table style="flex:1">{}</table></div>',
            highlight(article.title, article.matched_terms, "title"),
            highlight(article.text, article.matched_terms, "text"),
            suggestions_html(article),
        )

    @admin.display(description="Same story elsewhere")
    def story_members(self, article: Article) -> str:
        if not article.cluster_id:
            return "–"
        members = (
            Article.objects.filter(cluster_id=article.cluster_id)
            .exclude(pk=article.pk)
            .select_related("feed__publisher")
            .order_by("published_at")[:50]
        )
        rows = [
            (reverse("admin:sources_article_change", args=[member.pk]), member.title,
             member.feed.publisher or member.feed, member.get_triage_state_display())
            for member in members
        ]  # fmt: skip
        if not rows:
            return "No other outlet carried it yet."
        return format_html("<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a> – {} ({})</li>', rows))

    @admin.display(description="Original")
    def source_link(self, article: Article) -> str:
        if not article.url:
            return "–"
        return format_html(
            '<a href="{}" rel="noopener noreferrer nofollow" target="_blank">{}</a>', article.url, article.url
        )

    @admin.display(description="Outlet")
    def outlet(self, article: Article) -> str:
        return str(article.feed.publisher or article.feed)

    @admin.display(description="Score", ordering="relevance_score")
    def score(self, article: Article) -> str:
        return f"{article.relevance_score:.2f}"

    @admin.display(description="Suggested")
    def suggested(self, article: Article) -> str:
        suggested = article.suggestions or {}
        direction = f"{suggested.get('supplier') or '?'} → {suggested.get('recipient') or '?'}"
        extra = ", ".join(
            [*(suggested.get("categories") or ()), *(f"res. {r}" for r in suggested.get("resolutions") or ())]
        )
        return f"{direction} {extra}".strip()


@admin.register(Article)
class ArticleAdmin(_ArticleView):
    list_display = ["title", "outlet", "language", "published_at", "score", "triage_state", "cluster"]
    list_filter = ["triage_state", "is_candidate", "language", "feed__publisher"]
    search_fields = ["title", "url"]
    date_hierarchy = "published_at"


@admin.register(CandidateArticle)
class TriageQueueAdmin(_ArticleView):
    """Candidates by score, each story once (led by its best candidate), with its size."""

    list_display = ["score", "title", "outlet", "language", "published_at", "story_size", "suggested"]
    list_display_links = ["title"]
    list_filter = ["language", "feed__publisher"]
    search_fields = ["title"]
    ordering = ["-relevance_score", "-id"]

    def get_queryset(self, request):
        leads = (
            Article.objects.candidates().filter(cluster_id=OuterRef("cluster_id")).order_by("-relevance_score", "id")
        )
        size = (
            Article.objects.filter(cluster_id=OuterRef("cluster_id"))
            .order_by()
            .values("cluster_id")
            .annotate(count=Count("id"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .filter(triage_state=TriageState.CANDIDATE)
            .filter(Q(cluster__isnull=True) | Q(pk=Subquery(leads.values("pk")[:1])))
            .annotate(story_size=Subquery(size))
        )

    @admin.display(description="Story size", ordering="story_size")
    def story_size(self, article) -> str:
        size = getattr(article, "story_size", None) or 1
        return "1 article" if size == 1 else f"{size} articles"
