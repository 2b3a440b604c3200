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


def test_anonymous_hits_do_not_write_to_storage_each_time(client, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    writes = []
    save = FileSystemStorage.save

    def counted(self, name, content, **kwargs):
        writes.append(name)
        return save(self, name, content, **kwargs)

    monkeypatch.setattr(FileSystemStorage, "save", counted)
    for _ in range(5):
        assert client.get(reverse("health")).json()["checks"]["storage"]["ok"] is True
    assert len(writes) == 1
