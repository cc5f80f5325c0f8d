from django.urls import path

from kefu.customers.views import imports, records, work

app_name = "customers"

urlpatterns = [
    path("", records.customer_list, name="list"),
    path("new/", records.customer_new, name="new"),
    path("duplicates/", records.duplicates, name="duplicates"),
    path("merge/", records.merge, name="merge"),
    path("dormant/", work.dormant, name="dormant"),
    path("birthdays/", work.birthdays, name="birthdays"),
    path("tasks/", work.tasks, name="tasks"),
    path("tasks/<int:pk>/outcome/", work.task_outcome, name="task_outcome"),
    path("tasks/<int:pk>/reveal/", work.task_reveal, name="task_reveal"),
    path("imports/", imports.import_list, name="imports"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", imports.import_progress, name="import_progress"),
    path("imports/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/cancel/", imports.import_cancel, name="import_cancel"),
    path("<int:pk>/", records.customer_detail, name="detail"),
    path("<int:pk>/edit/", records.customer_edit, name="edit"),
    path("<int:pk>/reveal/", records.reveal, name="reveal"),
]
