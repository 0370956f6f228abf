from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


def _sync_roles_after_migrate(sender, **kwargs) -> None:
    # Permissions are created app by app during post_migrate; wait for the last app.
    if sender.label != list(global_apps.get_app_configs())[-1].label:
        return
    from django.contrib.auth.models import Group, Permission

    from events.roles import sync_roles

    sync_roles(Group, Permission)


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="events_sync_roles")
