from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SanctionsConfig(AppConfig):
    name = "sanctions"
    verbose_name = _("Hukuman disiplin")

    def ready(self) -> None:
        from portal.audit import register_actions

        register_actions(
            {
                "case.create": _("Kasus disiplin dicatat"),
                "case.evidence": _("Bukti kasus diunggah"),
                "case.transition": _("Tahap kasus diperbarui"),
                "case.export_bkn": _("Riwayat hukuman disiplin diekspor untuk BKN"),
            }
        )
