"""The REST API root: ``/api/v1/``, OpenAPI document and docs under ``/api/v1/docs``."""

from ninja import NinjaAPI
from ninja.security import django_auth

from kefu.org.api import router as org_router

api = NinjaAPI(
    title="Kefu API",
    version="1",
    description="Kefu customer service center. Session authentication (with CSRF) for now.",
    auth=django_auth,
    urls_namespace="api-1",
)
api.add_router("/", org_router)
