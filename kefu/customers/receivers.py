"""Keeping what the customer pages cache in step with the customers."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_save
from django.dispatch import receiver

from kefu.customers.models import Customer
from kefu.customers.services import REGIONS_KEY, forget_regions


@receiver(post_save, sender=Customer, dispatch_uid="kefu.customers.regions")
def on_customer_saved(sender: Any, instance: Customer, **kwargs: Any) -> None:
    """A customer in a region the list's filter does not offer yet makes it read them again."""
    if instance.region and instance.region not in (cache.get(REGIONS_KEY) or [instance.region]):
        forget_regions()
