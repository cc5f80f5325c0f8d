"""Errors raised by actions, mapped to HTTP status by the UI (messages) and the API (4xx)."""

from __future__ import annotations


class IllegalTransition(Exception):
    """The move is not allowed from the object's current state (HTTP 409)."""


class StaleObject(Exception):
    """Someone else changed the object since the actor loaded it (HTTP 409).

    The message names who changed it and when, so the actor knows to reload.
    """
