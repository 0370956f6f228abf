"""The full-text index over articles (PostgreSQL only) and the beat schedule of the feed dispatcher."""

from django.db import migrations

SEARCH_INDEX = "sources_article_search"
# Must match sources.models.articles.SEARCH_VECTOR_SQL, which ArticleQuerySet.search uses.
CREATE_SEARCH_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {SEARCH_INDEX} ON sources_article USING gin "
    "((to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(text, ''))))"
)

DISPATCHER_NAME = "Dispatch due feeds"
DISPATCHER_TASK = "sources.dispatch_due_feeds"


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_SEARCH_INDEX)


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX}")


def create_dispatcher_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=DISPATCHER_NAME,
        defaults={
            "task": DISPATCHER_TASK,
            "interval": every_minute,
            "enabled": True,
            "description": "Enqueues one fetch task for each active feed that is due. Edit the interval here.",
        },
    )


def delete_dispatcher_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=DISPATCHER_NAME, task=DISPATCHER_TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0002_feeds_articles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index, elidable=False),
        migrations.RunPython(create_dispatcher_schedule, delete_dispatcher_schedule),
    ]
