"""A second reference for create throughput: the bare one-row insert behind the API's own layer.

``POST /bench/api/insert`` authenticates with an API token like ``POST /api/v1/tickets``, reads
and validates the same body (``RegisterIn``) and answers 201 with JSON, but writes only the bench
row. Measured beside the bare view and the real create, it tells how much of a create's cost is
the API layer (token, body validation, error handling) and how much the order itself. Mounted
only when KEFU_BENCH=1.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from ninja import NinjaAPI, Status

from kefu.bench.models import BenchRow
from kefu.org.tokens import BearerKey
from kefu.tickets.schemas import RegisterIn

api = NinjaAPI(urls_namespace="bench-api", auth=[BearerKey()], docs_url=None)


@api.post("/insert", response={201: dict[str, int]})
def insert(request: HttpRequest, payload: RegisterIn) -> Status[dict[str, int]]:
    with transaction.atomic():
        row = BenchRow.objects.create(note=payload.title[:100])
    return Status(201, {"id": row.pk})
