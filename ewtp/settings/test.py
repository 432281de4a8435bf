"""Test settings: fast hashing, background jobs in-process even when a broker is configured."""

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

# Jobs run in-process, even where CI sets a broker: most tests write in a transaction that is
# rolled back, which no worker could read. The tests of the real worker (tests/integration) send
# jobs to the broker for their duration (the `real_worker` fixture).
CELERY_TASK_ALWAYS_EAGER = True

if not REDIS_URL:  # noqa: F405
    # One test process: a local-memory store is shared by everything the tests run.
    CACHES["versions"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}  # noqa: F405

# API rate limits off: the suite (the schemathesis fuzz test above all) sends far more than a
# client would. The throttle tests turn them back on with override_settings.
EWTP_API_THROTTLE = False
