"""Small, rarely edited configuration tables read once and kept in memory, per process.

Registering an order reads the taxonomy, the routing rules and the SLA policies; each would
otherwise cost queries on every order event. A ``MemorySnapshot`` holds what its ``take``
function read: a save or delete of a watched model in this process drops it at once (signals);
other processes pick the change up within ``max_age`` seconds. The admin guide says so.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from django.db.models import Model
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")


class MemorySnapshot(Generic[T]):
    def __init__(
        self,
        name: str,
        take: Callable[[], T],
        watched: Iterable[type[Model]],
        max_age: float = 60,
    ) -> None:
        self._take = take
        self.max_age = max_age
        self._lock = threading.Lock()
        self._value: T | None = None
        self._taken_at = 0.0
        for model in watched:
            uid = f"{name}-{model._meta.label}"
            post_save.connect(self.invalidate, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(self.invalidate, sender=model, dispatch_uid=f"{uid}-delete")

    def current(self) -> T:
        value, taken_at = self._value, self._taken_at
        if value is None or time.monotonic() - taken_at > self.max_age:
            with self._lock:
                value, taken_at = self._value, self._taken_at
                if value is None or time.monotonic() - taken_at > self.max_age:
                    value = self._take()
                    self._value, self._taken_at = value, time.monotonic()
        return value

    def invalidate(self, *args: Any, **kwargs: Any) -> None:
        self._value = None
