"""The upgrade to portal.backends.UserBackend keeps users signed in (migration portal 0004)."""

import importlib

from django.apps import apps
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client

from tests.conftest import login

rebind = importlib.import_module("portal.migrations.0004_rebind_sessions").rebind
OLD = "django.contrib.auth.backends.ModelBackend"


def backend_of(client: Client) -> str:
    session = Session.objects.get(session_key=client.session.session_key)
    return session.get_decoded()[BACKEND_SESSION_KEY]


def test_sessions_of_the_old_backend_are_rebound_and_stay_signed_in(asn_user, bkd_user):
    before = Client()
    before.force_login(asn_user, backend=OLD)
    assert before.get("/").status_code == 302  # without the migration: signed out
    current = login(bkd_user)

    rebind(apps, None)

    assert backend_of(before) == "portal.backends.UserBackend"
    page = before.get("/")
    assert page.status_code == 200
    assert page.wsgi_request.user == asn_user
    assert backend_of(current) == "portal.backends.UserBackend"
    assert current.get("/").wsgi_request.user == bkd_user
