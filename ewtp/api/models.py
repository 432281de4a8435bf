"""The API's own rows: idempotency keys (see ewtp.api.idempotency)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from rest_framework.utils.encoders import JSONEncoder


class IdempotencyKey(models.Model):
    """One caller's `Idempotency-Key` on one endpoint, and the first response it got.

    The row commits together with the request's effect and its response, so a committed row
    always has `response_status`; it is null only inside the transaction that claimed the key.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    endpoint = models.CharField(max_length=255, help_text='Method and path: "POST /api/v1/…".')
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64, help_text="sha256 of the canonical JSON body.")
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    # DRF's encoder, as its JSON renderer uses: the stored body replays as the first one rendered.
    response_body = models.JSONField(null=True, blank=True, encoder=JSONEncoder)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "endpoint", "key"], name="ewtp_api_idempotency_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key}"
