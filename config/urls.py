from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from portal import views as portal_views

from . import health, home

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
    path("admin/", admin.site.urls),
]
