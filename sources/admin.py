from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from sources.models import Document, Publisher


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
