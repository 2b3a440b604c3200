from django.urls import path

from . import views

app_name = "sanctions"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("baru/", views.case_create, name="create"),
    path("rekap/", views.dashboard, name="dashboard"),
    path("terlambat/", views.overdue, name="overdue"),
    path("ekspor.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("ekspor.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("ekspor-bkn.csv", views.bkn_export, {"fmt": "csv"}, name="bkn_csv"),
    path("ekspor-bkn.xlsx", views.bkn_export, {"fmt": "xlsx"}, name="bkn_xlsx"),
    path("<id:pk>/", views.case_detail, name="detail"),
    path("<id:pk>/tahap/<str:stage>/", views.case_transition, name="transition"),
    path("<id:pk>/bukti/", views.evidence_upload, name="evidence_upload"),
    path("<id:pk>/bukti/<id:evidence_id>/", views.evidence_download, name="evidence"),
    path("<id:pk>/sk.pdf", views.sk_pdf, name="sk_pdf"),
    path("<id:pk>/bap.pdf", views.bap_pdf, name="bap_pdf"),
]
