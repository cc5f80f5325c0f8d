"""The reference for create throughput (issue 3, Benchmarks): a bare Django view that inserts one
row inside a transaction and answers 201 with JSON. No authentication, no CSRF: this app is
installed only when KEFU_BENCH=1, for benchmark runs."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kefu.bench.models import BenchRow


@csrf_exempt
@require_POST
def insert(request: HttpRequest) -> JsonResponse:
    with transaction.atomic():
        row = BenchRow.objects.create(note=request.headers.get("X-Bench-Note", "")[:100])
    return JsonResponse({"id": row.pk}, status=201)
