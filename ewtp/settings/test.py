"""Test settings: fast hashing, eager Celery unless a broker is configured (CI sets one)."""

from __future__ import annotations

from ewtp.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests serve static files from the finders; no collectstatic output is needed.
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

if not REDIS_URL:  # noqa: F405
    # One test process: a local-memory store is shared by everything the tests run.
    CACHES["versions"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}  # noqa: F405

# API rate limits off: the suite (the schemathesis fuzz test above all) sends far more than a
# client would. The throttle tests turn them back on with override_settings.
EWTP_API_THROTTLE = False
