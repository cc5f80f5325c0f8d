from django.urls import path

from kefu.tickets.views import detail, files, intake, queues

app_name = "tickets"

urlpatterns = [
    path("", queues.ticket_list, name="list"),
    path("new/", intake.new, name="new_phone"),
    path("new/<str:kind>/", intake.new, name="new"),
    path("screen-pop/", intake.screen_pop, name="screen_pop"),
    path("<str:number>/", detail.detail, name="detail"),
    path("<str:number>/do/<str:move>/", detail.do_move, name="move"),
    path("<str:number>/files/<int:pk>/", files.attachment, name="attachment"),
]
