from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.i18n import set_language

from portal import views as portal_views

from . import health, home


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; the icon is a static file (its
    hashed name is only known once the app runs, hence a view and not a URL constant)."""
    return redirect(static("img/favicon.ico"), permanent=True)


urlpatterns = [
    path("", home.home, name="home"),
    path("masuk/", login_not_required(portal_views.LoginView.as_view()), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("bahasa/", login_not_required(set_language), name="set_language"),
    path("pegawai/", include("portal.urls_roster")),
    path("dokumen/", include("portal.urls_documents")),
    path("", include("portal.urls_accounts")),
    path("", include("pledges.urls")),
    path("hukdis/", include("sanctions.urls")),
    path("sehat/", health.health, name="health"),
    path("sehat/hidup/", health.alive, name="alive"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
]
