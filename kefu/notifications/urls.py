from django.urls import path

from kefu.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("bell/", views.bell, name="bell"),
    path("read-all/", views.read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("<int:notification_id>/read/", views.read, name="read"),
    path("<int:notification_id>/open/", views.open_notification, name="open"),
]
