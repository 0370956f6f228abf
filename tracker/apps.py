from django.apps import AppConfig


class TrackerConfig(AppConfig):
    """Project-wide pieces that belong to no domain app: API tokens and the API's shared plumbing."""

    name = "tracker"
    verbose_name = "API access"

    def ready(self) -> None:
        from tracker.api import schema  # noqa: F401 - registers the token scheme with drf-spectacular
