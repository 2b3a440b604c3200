from django.urls import path

from . import views_documents

app_name = "documents"
urlpatterns = [
    path("kop-surat/", views_documents.letterhead, name="letterhead"),
    path("kop-surat/logo", views_documents.letterhead_logo, name="letterhead_logo"),
    path("kop-surat/contoh.pdf", views_documents.letterhead_preview, name="letterhead_preview"),
]
