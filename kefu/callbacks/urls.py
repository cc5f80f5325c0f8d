from django.urls import path

from kefu.callbacks import views

app_name = "callbacks"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("hotline/", views.hotline, name="hotline"),
    path("statistics/", views.statistics, name="statistics"),
    path("reports/produce/", views.produce, name="produce"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("reports/<int:pk>/xlsx/", views.report_xlsx, name="report_xlsx"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("suggestions/<int:pk>/classify/", views.classify, name="classify"),
    path("level-helper/", views.level_helper, name="level_helper"),
    path("orders/<str:number>/reveal/", views.reveal, name="reveal"),
    path("orders/<str:number>/<slug:name>/", views.step, name="step"),
]
