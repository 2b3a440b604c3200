import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_reports_every_part_healthy_without_login(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert set(body["checks"]) == {"database", "storage", "tasks"}


def test_it_answers_503_when_storage_is_broken(client, settings, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker)},
        },
    }
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == {"ok": False, "error": "NotADirectoryError"}
