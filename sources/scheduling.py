"""When to fetch a feed next: from its own hints when it is healthy, with backoff when it fails.

Pure functions of their arguments, so that the rules can be read and tested
without a database or a clock.
"""

import random
import re
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*\"?(\d+)", re.I)
# A little jitter spreads feeds added together across the minute, so the
# dispatcher does not enqueue them all at once for ever after.
SUCCESS_JITTER = 0.1
FAILURE_JITTER = 0.25


def parse_retry_after(value: str, now: datetime) -> int | None:
    """Seconds to wait from a Retry-After header: delay-seconds or an HTTP-date (RFC 9110 10.2.3)."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return int(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=now.tzinfo)
    return max(0, int((moment - now).total_seconds()))


def max_age(cache_control: str) -> int | None:
    found = _MAX_AGE.search(cache_control or "")
    return int(found.group(1)) if found else None


def _jittered(seconds: float, fraction: float, rng: random.Random | None) -> float:
    rng = rng or random
    return seconds * (1 + rng.uniform(-fraction, fraction))


def next_fetch_after_success(
    now: datetime,
    poll_interval: int,
    *,
    minimum: int,
    maximum: int,
    ttl_minutes: int | None = None,
    cache_control: str = "",
    rng: random.Random | None = None,
) -> datetime:
    """The feed's interval, lengthened by its TTL or Cache-Control max-age, within [minimum, maximum]."""
    interval = poll_interval
    for hint in (ttl_minutes * 60 if ttl_minutes else None, max_age(cache_control)):
        if hint:
            interval = max(interval, hint)
    interval = min(max(interval, minimum), maximum)
    return now + timedelta(seconds=_jittered(interval, SUCCESS_JITTER, rng))


def next_fetch_after_failure(
    now: datetime,
    poll_interval: int,
    failures: int,
    *,
    maximum_backoff: int,
    retry_after: int | None = None,
    rng: random.Random | None = None,
) -> datetime:
    """Exponential backoff with jitter: the interval doubles with each consecutive failure, up to the cap.

    A server's Retry-After is honoured (within the cap) when it asks for longer.
    """
    exponent = min(max(failures - 1, 0), 20)
    delay = min(poll_interval * (2**exponent), maximum_backoff)
    delay = _jittered(delay, FAILURE_JITTER, rng)
    if retry_after is not None:
        delay = max(delay, min(retry_after, maximum_backoff))
    return now + timedelta(seconds=min(delay, maximum_backoff))
