from django.urls import path

from kefu.kb import views

app_name = "kb"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new_notice, name="new"),
    path("usage/", views.usage, name="usage"),
    path("panel/", views.panel_results, name="panel_results"),
    path("panel/<int:pk>/", views.panel_article, name="panel_article"),
    path("uses/", views.record_use, name="record_use"),
    path("from-case/<str:number>/", views.from_case, name="from_case"),
    path("<int:pk>/", views.article, name="article"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/do/<str:name>/", views.step, name="step"),
    path("<int:pk>/attach/", views.attach, name="attach"),
    path("<int:pk>/diff/", views.diff, name="diff"),
]
