"""Email comes from EMAIL_URL: the console by default, an SMTP server when one is named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOW = (
    "import json; from ewtp.settings import base as s; print(json.dumps({k: getattr(s, k) for k in"
    " ('EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_HOST_USER', 'EMAIL_HOST_PASSWORD',"
    " 'EMAIL_USE_TLS', 'DEFAULT_FROM_EMAIL')}))"
)


def _email_settings(**env: str) -> dict[str, object]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("EMAIL_URL", "DJANGO_DEFAULT_FROM_EMAIL") and not k.startswith("DJANGO_")
    }
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(json.loads(out))


def test_email_defaults_to_the_console() -> None:
    email = _email_settings()
    assert email["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert email["DEFAULT_FROM_EMAIL"] == "eWTP Marketplace <noreply@localhost>"


def test_email_url_names_an_smtp_server() -> None:
    email = _email_settings(
        EMAIL_URL="smtp+tls://mailer:s3cret@smtp.example.org:587",
        DJANGO_DEFAULT_FROM_EMAIL="Market <market@example.org>",
    )
    assert email == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "s3cret",
        "EMAIL_USE_TLS": True,
        "DEFAULT_FROM_EMAIL": "Market <market@example.org>",
    }
