"""Signals other apps listen to. ``ticket_event`` is sent for every timeline event, inside the
action's transaction, with ``ticket=`` (the locked order) and ``event=`` (the TimelineEvent);
kefu.sla starts, stops and pauses its clocks on it."""

from django.dispatch import Signal

ticket_event = Signal()
