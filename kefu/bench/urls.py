from django.urls import path

from kefu.bench import views
from kefu.bench.api import api

app_name = "bench"

urlpatterns = [
    path("insert/", views.insert, name="insert"),
    path("api/", api.urls),
]
