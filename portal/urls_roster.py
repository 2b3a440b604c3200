from django.urls import path

from . import views, views_officials, views_roster

app_name = "portal"
urlpatterns = [
    path("impor/", views_roster.roster_import, name="roster_import"),
    path("log-audit/", views.audit_log, name="audit_log"),
    path("unit/<id:pk>/kepala/", views.unit_head, name="unit_head"),
    path("kepala-daerah/", views_officials.officials, name="officials"),
    path("kepala-daerah/<id:pk>/berakhir/", views_officials.official_end, name="official_end"),
    path(
        "kepala-daerah/<id:pk>/aktivasi/", views_officials.official_invite, name="official_invite"
    ),
    path("impor/hasil/", views_roster.roster_import_result, name="roster_import_result"),
    path(
        "impor/templat.<str:fmt>",
        views_roster.roster_template,
        name="roster_template",
    ),
]
