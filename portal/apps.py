from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.urls import register_converter

        from . import (
            checks,  # noqa: F401 - registers the deploy check of seals
            session_user,
        )
        from .evidence import install_guards
        from .fields import IdConverter

        register_converter(IdConverter, "id")
        session_user.connect()
        # Once per migrate (and per test-database flush), not once per app.
        post_migrate.connect(install_guards, sender=self, dispatch_uid="portal.install_guards")
