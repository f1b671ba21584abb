"""The installable app's service worker (`/sw.js`) and clearing a device's saved pages on logout.

The worker keeps the app shell and the signed-in patient's Today page on the device so Today
opens offline; docs/offline.md describes what is cached and why nothing else is."""

import hashlib
import json
import os
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache

# The app shell: saved when the worker installs, so Today has its look and behaviour offline.
# The day's exercise illustrations are saved from the Today page itself (see templates/sw.js).
SHELL = (
    "css/design.css",
    "css/app.css",
    "js/htmx.min.js",
    "js/app.js",
    "js/hold_timer.js",
    "js/offline_queue.js",
    "js/offline.js",
    "manifest.webmanifest",
    "img/brand/favicon.svg",
    "img/brand/logo.svg",
    "img/brand/icon-192.png",
    "img/icons.svg",
)

# Sent by the worker when it fetches Today to keep a copy, not for the patient to read.
OFFLINE_COPY_HEADER = "X-Offline-Copy"

# Sent with every logout: the browser drops this site's saved pages, its service worker and
# anything a signed-out patient's completions left in the browser's storage.
CLEAR_SITE_DATA = '"cache", "storage"'


@lru_cache(maxsize=1)
def _static_fingerprint() -> str:
    """A digest of every static file's name, size and time: changes when any asset changes."""
    digest = hashlib.sha256()
    for finder in finders.get_finders():
        for path, storage in finder.list([]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def shell_version() -> str:
    """The cache's version: a deploy names a new one, and the worker drops the old cache.

    `SERVICE_WORKER_VERSION` when set; else the hash of the collected static manifest (a new
    deploy with changed assets has a new one); else, in development, a fingerprint of the
    static files themselves."""
    if settings.SERVICE_WORKER_VERSION:
        return settings.SERVICE_WORKER_VERSION
    manifest_hash = getattr(staticfiles_storage, "manifest_hash", "")
    if manifest_hash:
        return manifest_hash
    if settings.DEBUG:
        _static_fingerprint.cache_clear()  # assets change under a development server
    return _static_fingerprint()


@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker script, at the root so its scope is the whole site. Anyone may fetch it: it
    holds no data, only the rules for what to keep offline."""
    context = {
        "version": shell_version(),
        "shell_json": json.dumps([static(path) for path in SHELL]),
        "today_url": reverse("programs:today"),
        # The prefix itself, not static(""): the production storage looks every name up in
        # its manifest, and "" is not in it (a 500 for every browser, until a test said so).
        "static_url": settings.STATIC_URL,
        "offline_copy_header": OFFLINE_COPY_HEADER,
    }
    response = render(request, "sw.js", context, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


def clear_site_data(response: HttpResponse) -> HttpResponse:
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response
