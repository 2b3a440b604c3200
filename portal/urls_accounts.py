from django.urls import path

from . import views_accounts as views

app_name = "accounts"
urlpatterns = [
    path("kata-sandi/ganti/", views.password_change, name="password_change"),
    path("kata-sandi/ganti/selesai/", views.password_change_done, name="password_change_done"),
    path("kata-sandi/lupa/", views.password_reset, name="password_reset"),
    path("kata-sandi/lupa/terkirim/", views.password_reset_done, name="password_reset_done"),
    path(
        "kata-sandi/atur/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("kata-sandi/selesai/", views.password_reset_complete, name="password_reset_complete"),
    path("aktivasi/", views.activate, name="activate"),
    path("aktivasi/<uidb64>/<token>/", views.activate_confirm, name="activate_confirm"),
    path("akun/aktivasi/", views.activation, name="activation"),
    path("akun/aktivasi/kirim-email/", views.activation_send, name="activation_send"),
    path("akun/aktivasi/cetak-surat/", views.activation_letters, name="activation_letters"),
]
