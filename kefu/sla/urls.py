from django.urls import path

from kefu.sla import views

app_name = "sla"

urlpatterns = [
    path("report/", views.sla_report, name="report"),
    path("order/<str:number>/<str:action>/", views.order_action, name="order_action"),
]
