"""Limits met before a request body is read: size per view (413) and a public page's rate
(429); redirects after a form stay on this site."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.limits import DEFAULT_MAX_BODY, PDF_CHECKS_PER_ADDRESS
from tests.conftest import login

pytestmark = pytest.mark.django_db

HUGE = str(200 * 2**20)


def unread_post(client, url, length: str):
    """A POST announcing `length` bytes whose body is empty: reading it would fail loudly
    (the test client's payload refuses to give more than it holds)."""
    return client.post(url, data=b"", content_type="multipart/form-data; boundary=x",
                       CONTENT_LENGTH=length)  # fmt: skip


def test_a_200_mb_upload_to_the_public_pdf_check_is_refused_unread(client):
    response = unread_post(client, reverse("pledges:verify_pdf"), HUGE)
    assert response.status_code == 413
    assert "melebihi batas 10 MB" in response.content.decode()


def test_an_ordinary_page_refuses_more_than_the_default(asn_user):
    response = unread_post(login(asn_user), reverse("home"), str(DEFAULT_MAX_BODY + 1))
    assert response.status_code == 413


def test_the_roster_upload_takes_its_own_larger_limit(bkd_user):
    client = login(bkd_user)
    assert unread_post(client, reverse("portal:roster_import"), str(19 * 2**20)).status_code != 413
    assert unread_post(client, reverse("portal:roster_import"), str(21 * 2**20)).status_code == 413


def test_a_client_over_its_rate_is_refused_before_its_body_is_read(client):
    cache.clear()
    pdf = b"%PDF-1.4 bukan dokumen portal"
    limit = int(PDF_CHECKS_PER_ADDRESS.split("/")[0])
    for _ in range(limit):
        upload = SimpleUploadedFile("x.pdf", pdf, "application/pdf")
        assert client.post(reverse("pledges:verify_pdf"), {"file": upload}).status_code == 200
    response = unread_post(client, reverse("pledges:verify_pdf"), "5000")
    assert response.status_code == 429


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "abc", "javascript:alert(1)"],
)
def test_bulk_approve_never_redirects_off_site(bkd_user, target):
    response = login(bkd_user).post(reverse("pledges:review_bulk_approve"), {"next": target})
    assert response.status_code == 302 and response.url == reverse("pledges:review_queue")


def test_bulk_approve_returns_to_the_filtered_queue(bkd_user):
    back = reverse("pledges:review_queue") + "?status=menunggu&page=2"
    response = login(bkd_user).post(reverse("pledges:review_bulk_approve"), {"next": back})
    assert response.url == back
