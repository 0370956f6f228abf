"""The four roles, as Django groups, and the permissions each holds.

The groups are created by a migration; ``sync_roles`` runs again after every
``migrate`` (see ``EventsConfig.ready``) so that models added later give their
permissions to the right roles without a hand-written migration each time.
"""

from fnmatch import fnmatch

VIEWER, ANALYST, REVIEWER, ADMIN = "viewer", "analyst", "reviewer", "admin"

_PARTS = ("transferitem", "eventlocation", "violation", "citation", "eventlink")
_REFERENCE_EDITABLE = ("actor", "actoralias", "weaponsystem", "weaponsystemalias")

# Codename patterns per app label. Analysts never hold delete_event: they
# withdraw. Reviewers hold no change permission, so nobody reviews their own
# words.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    VIEWER: {"events": ("view_*",), "sources": ("view_*",)},
    ANALYST: {
        "events": (
            "view_*",
            "add_event",
            "change_event",
            "submit_event",
            "withdraw_event",
            *(f"{action}_{part}" for part in _PARTS for action in ("add", "change", "delete")),
            *(f"{action}_{model}" for model in _REFERENCE_EDITABLE for action in ("add", "change")),
            "delete_actoralias",
            "delete_weaponsystemalias",
        ),
        "sources": ("view_*", "add_document", "change_document", "add_publisher", "change_*article*"),
    },
    REVIEWER: {
        "events": ("view_*", "review_event", "withdraw_event"),
        "sources": ("view_*", "change_publisher"),
    },
    ADMIN: {"events": ("*",), "sources": ("*",), "auth": ("*",), "django_celery_beat": ("*",), "tracker": ("*",)},
}


def sync_roles(group_model, permission_model) -> None:
    """Create the four groups and give each exactly the permissions its patterns match."""
    for role, patterns_by_app in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = [
            permission.pk
            for permission in permission_model.objects.filter(content_type__app_label__in=patterns_by_app)
            .select_related("content_type")
            .only("pk", "codename", "content_type__app_label")
            if any(
                fnmatch(permission.codename, pattern) for pattern in patterns_by_app[permission.content_type.app_label]
            )
        ]
        group.permissions.set(wanted)
