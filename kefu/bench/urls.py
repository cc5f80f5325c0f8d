from django.urls import path

from kefu.bench import views

app_name = "bench"

urlpatterns = [path("insert/", views.insert, name="insert")]
