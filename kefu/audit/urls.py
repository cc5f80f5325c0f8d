from django.urls import path

from kefu.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.index, name="index"),
    path("trail/", views.audit_list, name="list"),
    path("exports/", views.export_list, name="exports"),
    path("exports/approvals/", views.export_queue, name="export_queue"),
    path(
        "exports/<int:pk>/approve/",
        views.export_decide,
        {"decision": "approve"},
        name="export_approve",
    ),
    path(
        "exports/<int:pk>/reject/",
        views.export_decide,
        {"decision": "reject"},
        name="export_reject",
    ),
    path("exports/<int:pk>/generate/", views.export_generate, name="export_generate"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
