from django.urls import path, re_path

from . import views, views_admin, views_pakta

app_name = "pledges"
urlpatterns = [
    path("v/", views.verify_index, name="verify_index"),
    path("v/periksa-pdf/", views.verify_pdf, name="verify_pdf"),
    path("v/<str:code>/", views.verify, name="verify"),
    path("ikrar/", views.asn_home, name="asn_home"),
    path("ikrar/<id:pk>/", views.sign, name="sign"),
    path("ikrar/tercatat/<str:code>/", views.signed, name="signed"),
    path("sertifikat/<str:code>.pdf", views.certificate, name="certificate"),
    path("kampanye/", views.campaign_list, name="campaign_list"),
    path("kampanye/baru/", views.campaign_create, name="campaign_create"),
    path("kampanye/salin-templat/", views.campaign_copy_template, name="campaign_copy"),
    path("kampanye/<id:pk>/", views.campaign_edit, name="campaign_edit"),
    path("kampanye/<id:pk>/versi-baru/", views.campaign_new_version, name="campaign_version"),
    path("pakta/", views_pakta.pakta_home, name="pakta_home"),
    path("pakta/rekap/", views_pakta.pakta_recap_latest, name="pakta_recap_latest"),
    path("pakta/<id:pk>/rekap/", views_pakta.pakta_recap, name="pakta_recap"),
    path("pakta/<id:pk>/unit/<id:unit_id>/", views_pakta.sign_pakta, name="sign_pakta"),
    path("pakta/saksi/<str:code>/", views_pakta.sign_witness, name="sign_witness"),
    path("kemajuan/<id:pk>/unit/<id:unit_id>/", views_pakta.unit_progress, name="unit_progress"),
    path("pakta/<id:pk>/unduh/<str:kind>/", views_pakta.export_start, name="export_start"),
    path("unduhan/<id:pk>/", views_pakta.export_status, name="export"),
    path("unduhan/<id:pk>/ulang/", views_pakta.export_restart, name="export_restart"),
    path("unduhan/<id:pk>/berkas/", views_pakta.export_download, name="export_download"),
    path("telaah/", views_admin.review_queue, name="review_queue"),
    path("telaah/setujui/", views_admin.review_bulk_approve, name="review_bulk_approve"),
    path("telaah/<str:code>/", views_admin.review_detail, name="review_detail"),
    path("telaah/<str:code>/gambar.png", views_admin.signature_image, name="signature_image"),
    path("kampanye/<id:pk>/anomali/", views_admin.anomaly_view, name="anomalies"),
    path("dasbor/", views_admin.dashboard_latest, name="dashboard_latest"),
    path("kampanye/<id:pk>/dasbor/", views_admin.dashboard, name="dashboard"),
    path("kampanye/<id:pk>/pengingat/", views_admin.reminders, name="reminders"),
    path("pengingat/<id:pk>/", views_admin.reminder_run, name="reminder_run"),
    re_path(
        r"^kampanye/(?P<pk>[0-9]{1,18})/ekspor/(?P<what>tanda-tangan|belum)\.(?P<fmt>csv|xlsx)$",
        views_admin.export,
        name="data_export",
    ),
]
