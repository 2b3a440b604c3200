from django.urls import path

from . import views

app_name = "pledges"
urlpatterns = [
    path("v/", views.verify_index, name="verify_index"),
    path("v/periksa-pdf/", views.verify_pdf, name="verify_pdf"),
    path("v/<str:code>/", views.verify, name="verify"),
    path("ikrar/<int:pk>/", views.sign, name="sign"),
    path("ikrar/tercatat/<str:code>/", views.signed, name="signed"),
    path("sertifikat/<str:code>.pdf", views.certificate, name="certificate"),
    path("kampanye/", views.campaign_list, name="campaign_list"),
    path("kampanye/baru/", views.campaign_create, name="campaign_create"),
    path("kampanye/salin-templat/", views.campaign_copy_template, name="campaign_copy"),
    path("kampanye/<int:pk>/", views.campaign_edit, name="campaign_edit"),
    path("kampanye/<int:pk>/versi-baru/", views.campaign_new_version, name="campaign_version"),
]
