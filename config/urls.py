from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from config.api import api
from kefu.core import views as core_views
from kefu.org import views as org_views

lazy_static = lazy(static, str)  # the static URL is known once the storage is set up

urlpatterns = [
    path("", core_views.home, name="home"),
    # Browsers and tools ask for /favicon.ico whatever the page links (base_public.html).
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy_static("kefu/favicon.ico"), permanent=False),
        name="favicon",
    ),
    path("login/", org_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", org_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("language/", core_views.set_language, name="set_language"),
    path("accounts/unlock/", core_views.unlock, name="unlock_account"),
    path("org/", include("kefu.org.urls")),
    path("tickets/", include("kefu.tickets.urls")),
    path("customers/", include("kefu.customers.urls")),
    path("sla/", include("kefu.sla.urls")),
    path("audit/", include("kefu.audit.urls")),
    path("kb/", include("kefu.kb.urls")),
    path("notifications/", include("kefu.notifications.urls")),
    path("callbacks/", include("kefu.callbacks.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
if "kefu.bench" in settings.INSTALLED_APPS:  # KEFU_BENCH=1: the reference endpoint of bench/
    urlpatterns += [path("bench/", include("kefu.bench.urls"))]
