"""Passwords are Argon2id at OWASP's parameters; older hashes upgrade at the next login."""

import pytest
from django.contrib.auth.hashers import identify_hasher, make_password
from django.test import Client
from django.urls import reverse

from config import settings as project
from portal.hashers import Argon2idHasher
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "Netral-Apel-2026!"


@pytest.fixture
def production_hashers(settings):
    # The suite runs with a fast test hasher (conftest); here the settings file's list applies.
    settings.PASSWORD_HASHERS = project.PASSWORD_HASHERS
    return settings


def test_the_parameters_are_owasps_argon2id_minimum():
    hasher = Argon2idHasher()
    assert (hasher.memory_cost, hasher.time_cost, hasher.parallelism) == (19 * 1024, 2, 1)
    encoded = hasher.encode(PASSWORD, hasher.salt())
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert project.PASSWORD_HASHERS[0] == "portal.hashers.Argon2idHasher"


def test_new_passwords_are_argon2id(production_hashers):
    user = make_user("bkd.uji")
    user.set_password(PASSWORD)
    assert isinstance(identify_hasher(user.password), Argon2idHasher)


def test_a_pbkdf2_hash_is_upgraded_at_the_next_login(production_hashers, employee):
    user = make_user(employee=employee)
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    response = Client().post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert Client().post(reverse("login"), {"username": user.username,
                                            "password": PASSWORD}).status_code == 302  # fmt: skip


def test_an_argon2_hash_with_weaker_parameters_is_upgraded_too(production_hashers, employee):
    user = make_user(employee=employee)
    weak = Argon2idHasher()
    weak.memory_cost, weak.time_cost = 8 * 1024, 1
    user.password = weak.encode(PASSWORD, weak.salt())
    user.save(update_fields=["password"])
    Client().post(reverse("login"), {"username": user.username, "password": PASSWORD})
    user.refresh_from_db()
    assert "m=19456,t=2,p=1" in user.password
