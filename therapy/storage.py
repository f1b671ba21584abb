"""Static files in production: hashed names (and whitenoise's compressed copies), with each
URL worked out once per process."""

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class _UrlsOncePerProcess:
    """`{% static %}` asks for the same two dozen URLs on every page (Today: about 25), each a
    manifest lookup. The manifest cannot change under a running process (collectstatic runs
    before it starts), so each name's URL is worked out once."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or name is None:
            return super().url(name, force)  # type: ignore[misc]
        try:
            return self._urls[name]
        except KeyError:
            url = self._urls[name] = super().url(name)  # type: ignore[misc]
            return url


class StaticFilesStorage(_UrlsOncePerProcess, CompressedManifestStaticFilesStorage):
    """The production default: hashed names plus gzip and Brotli copies."""


class HashedStaticFilesStorage(_UrlsOncePerProcess, ManifestStaticFilesStorage):
    """Hashed names without the compressed copies, for a proxy that compresses itself (and the
    web benchmark, which asks for pages, not static files)."""
