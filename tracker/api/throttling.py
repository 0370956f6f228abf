"""Rate limits: per client address for anonymous callers, per token (or per user for a session) otherwise.

Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (set from the
environment, see docs/api.md) and are read at each request, so a changed
setting applies without re-importing this module. Counters live in the
default cache: Redis when configured, shared by all workers.
"""

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from tracker.models import ApiToken


class _LiveRateThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousRateThrottle(_LiveRateThrottle):
    scope = "anon"

    def get_cache_key(self, request: Request, view) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenRateThrottle(_LiveRateThrottle):
    scope = "token"

    def get_cache_key(self, request: Request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        ident = f"token-{request.auth.pk}" if isinstance(request.auth, ApiToken) else f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
