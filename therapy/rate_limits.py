"""Fixed-window counters in the shared cache (Redis in production and in tests), so every web
process counts together. One rule for every limit: "Do I qualify?" checks, sign-up and password
reset. Keys all start with `rate:`, which the tests clear between tests."""

import math
import time

from django.core.cache import cache

KEY_PREFIX = "rate:"


def rate_hit(key: str, *, limit: int, window: int) -> int | None:
    """Count one hit for `key` in the current window of `window` seconds. None while the count
    is within `limit`; past it, the seconds until the window ends (at least 1)."""
    now = time.time()
    slot = int(now // window)
    full_key = f"{KEY_PREFIX}{key}:{slot}"
    cache.add(full_key, 0, timeout=window + 5)
    try:
        count = cache.incr(full_key)
    except ValueError:  # expired between add and incr
        cache.set(full_key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        return max(1, math.ceil((slot + 1) * window - now))
    return None


def rate_hits(hits: list[tuple[str, int]], *, window: int) -> int | None:
    """Count one hit on each (key, limit); the longest wait among those over their limit."""
    waits = [rate_hit(key, limit=limit, window=window) for key, limit in hits]
    blocked = [wait for wait in waits if wait is not None]
    return max(blocked) if blocked else None
