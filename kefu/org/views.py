from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from kefu.lib.trees import build_tree, flatten
from kefu.org.forms import LoginForm, StyledPasswordChangeForm
from kefu.org.models import Department


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = StyledPasswordChangeForm
    success_url = reverse_lazy("password_change_done")


@login_required
@permission_required("core.use_workspace", raise_exception=True)
def directory(request: HttpRequest) -> HttpResponse:
    """The department tree with each node's head, responsible person and staff count."""
    departments = (
        Department.objects.filter(is_active=True)
        .select_related("head", "responsible")
        .annotate(
            staff_count=Count("staff", filter=Q(staff__is_active=True), distinct=True)
            + Count("team_members", filter=Q(team_members__is_active=True), distinct=True)
        )
    )
    rows = flatten(build_tree(departments, key=lambda d: d.pk, parent_key=lambda d: d.parent_id))
    return render(request, "org/directory.html", {"rows": rows})
