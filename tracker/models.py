"""API tokens: how scripts and other platforms call the API as a user.

Tokens live here rather than in ``events`` or ``sources`` because they
authenticate the whole API, whatever the resource.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

TOKEN_PREFIX = "trk_"  # noqa: S105 - a marker, not a secret
# How often the last-used time is written back; a busy sync job must not turn
# every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_key(key: str) -> str:
    """SHA-256 of a key. Keys are 256-bit random strings, so a fast hash is enough (no salt or stretching)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> "ApiTokenQuerySet":
        """Tokens that still authenticate: not revoked, not expired, of an active user."""
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )

    def find(self, key: str) -> "ApiToken | None":
        """The usable token with this key, with its user, or None."""
        if not key.startswith(TOKEN_PREFIX) or len(key) > 100:
            return None
        return self.usable().select_related("user").filter(key_hash=hash_key(key)).first()


class ApiToken(models.Model):
    """A key that a script uses to call the API as one user, with that user's role.

    Only the SHA-256 of the key is stored: the key itself is shown once, when
    the token is created, and cannot be recovered; a lost key is revoked and
    replaced. The first characters are kept to tell tokens apart.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. “nightly sync of the dashboard”.")
    prefix = models.CharField(max_length=16, editable=False, help_text="The start of the key, to recognise it.")
    key_hash = models.CharField("SHA-256 of the key", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty for a token that does not expire.")
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(
        cls, user, name: str, created_by=None, expires_at=None, token: "ApiToken | None" = None
    ) -> tuple["ApiToken", str]:
        """Create a token for ``user``; returns it and its key, which is never available again."""
        key = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = token or cls()
        token.user = user
        token.name = name
        token.expires_at = expires_at
        token.created_by = created_by
        token.prefix = key[: len(TOKEN_PREFIX) + 6]
        token.key_hash = hash_key(key)
        token.save()
        return token, key

    @property
    def is_usable(self) -> bool:
        if self.revoked_at is not None or not self.user.is_active:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()

    def revoke(self, by=None) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.revoked_by = by
            self.save(update_fields=["revoked_at", "revoked_by"])

    def record_use(self) -> None:
        """Note that the token was used, at most once per ``LAST_USED_RESOLUTION``."""
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
