from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectConfig(AppConfig):
    """The project's glue: settings, URLs, the role-dispatched home page, health, demo data.

    It sits above every app (see the import-linter contract in pyproject.toml), so it is the one
    place allowed to know them all.
    """

    name = "config"
    verbose_name = _("Proyek")
