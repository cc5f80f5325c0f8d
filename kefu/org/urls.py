from django.urls import path

from kefu.org import views

app_name = "org"

urlpatterns = [
    path("", views.directory, name="directory"),
]
