"""Which real services this test run has, and markers that skip a test without them.

With TRACKER_REQUIRE_SERVICES=1 (set by CI) nothing may be skipped: the
markers below never skip, so a missing service fails its tests, and the run
fails if any test was skipped at all (see conftest.py).
"""

import os
import shutil

import pytest
from django.conf import settings

STRICT = os.environ.get("TRACKER_REQUIRE_SERVICES", "") == "1"

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
HAS_REDIS = bool(settings.REDIS_URL)
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


def _unless(condition: bool, reason: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not STRICT and not condition, reason=reason)


requires_postgres = _unless(
    ON_POSTGRES, "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker"
)
requires_redis = _unless(HAS_REDIS, "needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0")
requires_chromium = _unless(bool(CHROMIUM), "needs Chromium: install Debian's chromium package")
