from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = _("Ikrar dan pakta")

    def ready(self) -> None:
        from portal.audit import register_actions

        register_actions(
            {
                "campaign.create": _("Kampanye dibuat"),
                "campaign.update": _("Kampanye diubah"),
                "campaign.new_version": _("Versi baru kampanye dibuat"),
                "review.approve": _("Tanda tangan disetujui"),
                "review.return": _("Tanda tangan dikembalikan"),
                "review.revoke": _("Tanda tangan dicabut"),
                "reminder.send": _("Pengingat dikirim"),
                "export.data": _("Data diekspor"),
                "export.bulk": _("Unduhan massal dibuat"),
                "apel.create": _("Apel dibuka"),
                "apel.update": _("Apel diubah"),
                "apel.close": _("Apel ditutup"),
                "paper.print": _("Lembar ikrar kertas dicetak"),
                "paper.record": _("Tanda tangan di atas kertas dicatat"),
            }
        )
