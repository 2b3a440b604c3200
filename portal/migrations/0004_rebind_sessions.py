"""Sessions signed in before portal.backends.UserBackend name ModelBackend as their backend.

Django ends a session whose backend is no longer in AUTHENTICATION_BACKENDS, so without this
every user would be signed out by the upgrade, and an election morning would start with
everyone logging in again (login, one PBKDF2 check each, is the slowest request there is).
Only the database session engine, the portal's, is rewritten.
"""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import migrations
from django.utils import timezone

OLD = "django.contrib.auth.backends.ModelBackend"
NEW = "portal.backends.UserBackend"
BATCH = 1000


def rebind(apps, schema_editor):
    Session = apps.get_model("sessions", "Session")
    store = SessionStore()
    batch = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(BATCH):
        data = store.decode(session.session_data)
        if data.get(BACKEND_SESSION_KEY) == OLD:
            data[BACKEND_SESSION_KEY] = NEW
            session.session_data = store.encode(data)
            batch.append(session)
        if len(batch) == BATCH:
            Session.objects.bulk_update(batch, ["session_data"])
            batch = []
    Session.objects.bulk_update(batch, ["session_data"])


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_activation_code"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(rebind, migrations.RunPython.noop, elidable=True)]
