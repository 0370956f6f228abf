"""Indexes for the API's ``q=`` search (PostgreSQL only; SQLite scans).

Two kinds, because no single one suits every script: full-text vectors with
the 'simple' configuration (no stemming, no stop words, so Korean, Russian,
Ukrainian and Japanese words are kept as written) for word queries, and
trigram indexes for substrings, which Japanese text without spaces needs.
The expressions must stay identical to those in ``events.filtersets``.
"""

from django.db import migrations

INDEXES = {
    "events_event_search": (
        "events_event USING gin "
        "((to_tsvector('simple'::regconfig, COALESCE(title, '') || ' ' || COALESCE(summary, ''))))"
    ),
    "events_citation_search": "events_citation USING gin ((to_tsvector('simple'::regconfig, COALESCE(excerpt, ''))))",
    "events_event_title_trgm": "events_event USING gin (title gin_trgm_ops)",
    "events_event_summary_trgm": "events_event USING gin (summary gin_trgm_ops)",
    "events_citation_excerpt_trgm": "events_citation USING gin (excerpt gin_trgm_ops)",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension: the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, target in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("events", "0003_eventtombstone")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
