from django.db import models


class BenchRow(models.Model):
    """One row per reference request: the cheapest write a Django view can make."""

    note = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.pk} {self.note}"
