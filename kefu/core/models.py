"""Cross-cutting records that belong to no domain app."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """The stored response to a create request sent with an ``Idempotency-Key`` header.

    A retry with the same key and body gets this response again instead of creating a second
    object. Written in the same transaction as the object it describes, so it exists exactly when
    the object does; ``kefu.core.idempotency`` holds the logic and the purge.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("key"), max_length=255)
    endpoint = models.CharField(_("endpoint"), max_length=255, help_text=_("Method and path."))
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key}"
