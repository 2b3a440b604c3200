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


@pytest.mark.parametrize("who", ["anonymous", "asn", "bkd"])
def test_liveness_answers_everyone_and_reads_nothing_itself(
    client, who, request, django_assert_max_num_queries
):
    """Public like /sehat/ (a supervisor asks it); the view touches nothing. A signed-in
    browser's session and user are still loaded by the middleware (LoginRequiredMiddleware
    asks whether the user is authenticated before it looks at the view)."""
    if who != "anonymous":
        client.force_login(request.getfixturevalue(f"{who}_user"))
    with django_assert_max_num_queries(0 if who == "anonymous" else 2):
        response = client.get(reverse("alive"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Cache-Control"].startswith("max-age=0")


def test_liveness_is_get_only(client):
    assert client.post(reverse("alive")).status_code == 405
