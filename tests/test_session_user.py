"""The signed-in user kept in the shared cache (portal.session_user): read from it instead of
the database, and dropped by every change that could make the copy wrong: the user, its
employee, its official, its unit or instansi, and the roster import's bulk writes.

The tests use the per-process cache of the test settings with USER_CACHE_SECONDS switched on;
deployed, the copies live in Redis (REDIS_URL) and nowhere else."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from portal import session_user
from portal.backends import UserBackend
from portal.models import Official, User
from tests.conftest import PASSWORD, login, make_employee, make_user
from tests.test_roster_import import csv_bytes, person, run

pytestmark = pytest.mark.django_db

cached = override_settings(USER_CACHE_SECONDS=60)


def fresh_copy(user: User) -> User:
    """What the next request would see as request.user."""
    return UserBackend().get_user(user.pk)


@cached
def test_the_second_request_reads_the_user_from_the_cache(asn_user, django_assert_num_queries):
    with django_assert_num_queries(2):  # the user with its links, and is_unit_head
        first = fresh_copy(asn_user)
    with django_assert_num_queries(0):
        again = fresh_copy(asn_user)
    # with what every page reads of it
    assert again.employee.unit.name == first.employee.unit.name == asn_user.employee.unit.name
    assert again.employee.instansi == asn_user.employee.instansi


def test_without_a_shared_cache_nothing_is_kept(asn_user, django_assert_num_queries, settings):
    assert settings.USER_CACHE_SECONDS == 0  # no REDIS_URL in the test settings
    fresh_copy(asn_user)
    with django_assert_num_queries(1):
        fresh_copy(asn_user)


@cached
def test_a_new_unit_head_gets_the_pakta_menu_at_once(
    asn_user, employee, unit, django_capture_on_commit_callbacks, django_assert_num_queries
):
    assert fresh_copy(asn_user).is_unit_head is False
    with django_assert_num_queries(0):
        assert fresh_copy(asn_user).is_unit_head is False  # kept with the copy
    with django_capture_on_commit_callbacks(execute=True):
        unit.head = employee
        unit.save(update_fields=["head"])
    assert fresh_copy(asn_user).is_unit_head is True


@cached
def test_a_deactivated_user_is_logged_out_at_the_next_request(asn_user):
    client = login(asn_user)
    assert client.get(reverse("home")).status_code == 200
    asn_user.is_active = False
    asn_user.save()
    assert client.get(reverse("home")).status_code == 302  # to the login page


@cached
def test_an_employee_the_roster_deactivates_is_logged_out(asn_user, employee):
    client = login(asn_user)
    assert client.get(reverse("home")).status_code == 200
    employee.is_active = False
    employee.save()
    assert fresh_copy(asn_user) is None
    assert client.get(reverse("home")).status_code == 302


@cached
def test_a_new_password_ends_the_other_sessions(asn_user):
    client = login(asn_user)
    assert client.get(reverse("home")).status_code == 200
    asn_user.set_password("kata-sandi-baru-456")
    asn_user.save()
    assert client.get(reverse("home")).status_code == 302


@cached
def test_a_regional_head_whose_term_ended_is_logged_out(instansi):
    official = Official.objects.create(instansi=instansi, office="kepala", title="Bupati Belu",
                                       name="Dr. Markus Nahak Bere, M.Si.")  # fmt: skip
    user = make_user("bupati.belu", role=User.Role.OFFICIAL, instansi=instansi, official=official)
    assert fresh_copy(user) is not None
    official.is_active = False
    official.save()
    assert fresh_copy(user) is None


@cached
def test_a_renamed_unit_or_instansi_shows_once_committed(
    asn_user, unit, instansi, django_capture_on_commit_callbacks
):
    fresh_copy(asn_user)
    with django_capture_on_commit_callbacks(execute=True):
        unit.name = "Dinas Pendidikan, Pemuda dan Olahraga"
        unit.save()
    assert fresh_copy(asn_user).employee.unit.name == unit.name
    with django_capture_on_commit_callbacks(execute=True):
        instansi.name = "Pemerintah Kabupaten Belu (baru)"
        instansi.save()
    assert fresh_copy(asn_user).employee.instansi.name == instansi.name


@cached
def test_a_roster_import_drops_every_copy(
    asn_user, employee, instansi, unit, django_capture_on_commit_callbacks
):
    """Its upsert is a bulk write: no signal says which users changed."""
    assert fresh_copy(asn_user).employee.jabatan == employee.jabatan
    row = person(NIP=employee.nip, Nama=employee.name, Unit=unit.name,
                 Jabatan="Guru Ahli Muda")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        result = run(instansi, csv_bytes([row]), allow_partial=True)
    assert result.updated == 1
    assert fresh_copy(asn_user).employee.jabatan == "Guru Ahli Muda"


@cached
def test_a_copy_cached_while_the_change_was_uncommitted_goes_after_commit(
    asn_user, django_capture_on_commit_callbacks
):
    """Another request may read the old row after the save and before COMMIT, and cache it."""
    stale = fresh_copy(asn_user)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        asn_user.first_name = "Maria Goreti"
        asn_user.save()
        cache.set(session_user._key(asn_user.pk), (cache.get(session_user.GENERATION), stale))
    assert fresh_copy(asn_user).first_name == "Maria Goreti"


@cached
def test_a_unit_change_uncommitted_while_copied_still_drops_it(
    asn_user, unit, django_capture_on_commit_callbacks
):
    stale = fresh_copy(asn_user)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        unit.name = "Dinas Pendidikan Dasar"
        unit.save()
        # another request, which still sees the old unit, caches its copy meanwhile
        cache.set(session_user._key(asn_user.pk), (cache.get(session_user.GENERATION), stale))
    assert fresh_copy(asn_user).employee.unit.name == "Dinas Pendidikan Dasar"


@cached
def test_logging_in_again_keeps_the_copy(client, unit, django_assert_num_queries):
    """A login saves last_login, which no page reads."""
    user = make_user(employee=make_employee(unit, "Yosef Nahak"))
    fresh_copy(user)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert user.__class__.objects.get(pk=user.pk).last_login is not None
    with django_assert_num_queries(0):
        assert fresh_copy(user).pk == user.pk


@cached
def test_a_login_leaves_the_copy_for_the_first_page(client, unit, django_assert_num_queries):
    """The login loads the user as the next request would and keeps it: the page after it
    reads no user from the database."""
    user = make_user(employee=make_employee(unit, "Yosef Nahak"))
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    with django_assert_num_queries(0):
        copy = fresh_copy(user)
    assert copy.employee.unit.name == unit.name and copy.employee.instansi == unit.instansi
    assert copy.is_unit_head is False


@cached
def test_the_login_caches_the_user_as_committed_after_the_password_check(client, unit):
    """A change committed while the password was checked (a roster import, a password reset)
    is in the copy: it is loaded afresh, not the object whose password was checked."""
    user = make_user(employee=make_employee(unit, "Yosef Nahak"))
    check_password = User.check_password

    def checked_while_another_request_commits(self, raw_password):
        User.objects.filter(pk=self.pk).update(first_name="Yosef Benediktus")  # no signal
        return check_password(self, raw_password)

    with mock.patch.object(User, "check_password", checked_while_another_request_commits):
        client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert fresh_copy(user).first_name == "Yosef Benediktus"


def test_a_release_that_changes_any_model_in_the_copy_never_reads_old_copies():
    """The key carries the columns of the user and of every row pickled with it."""
    from portal.caching import model_shape
    from portal.models import Employee, Instansi, Unit

    key = session_user._key(7)
    assert all(model_shape(m) in key for m in (User, Employee, Unit, Instansi, Official))
