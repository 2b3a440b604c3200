"""BKD campaigns: create, edit until the first signature, then frozen; versions; templates."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pledges.models import IKRAR_CLOSING, IKRAR_POINTS, Campaign
from portal.models import AuditEvent
from tests.conftest import login
from tests.pledges_helpers import make_campaign, make_signature

pytestmark = pytest.mark.django_db


def campaign_post(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "title": "Pemilihan Bupati dan Wakil Bupati Belu 2024",
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=30)).isoformat(),
        "ikrar_points": "\n".join(IKRAR_POINTS),
        "ikrar_closing": IKRAR_CLOSING,
        "pakta_variant": "ikrar",
        "pakta_points": "",
        "pakta_closing": "Saya bersedia dikenakan sanksi.",
        "allow_drawn": "on",
        "allow_typed": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_bkd_creates_a_campaign_for_their_instansi(bkd_user, instansi):
    response = login(bkd_user).post(reverse("pledges:campaign_create"), campaign_post())
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert campaign.instansi == instansi and campaign.created_by == bkd_user
    assert campaign.ikrar_points == IKRAR_POINTS
    assert not campaign.is_frozen
    assert AuditEvent.objects.filter(action="campaign.create", instansi=instansi).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ikrar_points": "  \n "}, "Isi minimal satu butir."),
        ({"closes_on": "2020-01-01"}, "tidak boleh sebelum tanggal buka"),
        ({"allow_drawn": None, "allow_typed": None}, "minimal satu cara tanda tangan"),
        ({"pakta_variant": "larangan"}, "Isi daftar larangan"),
        ({"ikrar_points": "x" * 1001}, "paling panjang 1000 karakter"),
        ({"opens_on": "kemarin"}, "Masukkan tanggal yang valid"),
    ],
)
def test_bad_campaign_input_is_refused(bkd_user, overrides, message):
    response = login(bkd_user).post(reverse("pledges:campaign_create"), campaign_post(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Campaign.objects.exists()


def test_the_text_is_editable_until_the_first_signature(bkd_user, instansi, employee):
    campaign = make_campaign(instansi)
    url = reverse("pledges:campaign_edit", args=[campaign.pk])
    login(bkd_user).post(url, campaign_post(ikrar_points="Satu\nDua"))
    campaign.refresh_from_db()
    assert campaign.ikrar_points == ["Satu", "Dua"]
    make_signature(employee, campaign, confirmed_points=2)
    campaign.refresh_from_db()
    frozen_hash = campaign.text_hash
    assert frozen_hash == campaign.compute_text_hash()

    new_close = (timezone.localdate() + dt.timedelta(days=90)).isoformat()
    login(bkd_user).post(url, campaign_post(ikrar_points="Diubah", closes_on=new_close))
    campaign.refresh_from_db()
    assert campaign.ikrar_points == ["Satu", "Dua"]  # disabled fields keep the signed text
    assert campaign.closes_on.isoformat() == new_close
    assert campaign.text_hash == frozen_hash
    page = login(bkd_user).get(url).content.decode()
    assert "dibekukan" in page and frozen_hash in page


def test_the_service_refuses_a_changed_frozen_text(bkd_user, instansi, employee):
    from pledges import services

    campaign = make_campaign(instansi)
    make_signature(employee, campaign)
    campaign.refresh_from_db()
    campaign.title = "Judul lain"
    with pytest.raises(services.CampaignFrozen):
        services.save_campaign(campaign=campaign, actor=bkd_user)
    assert Campaign.objects.get().title != "Judul lain"


def test_a_new_version_copies_the_text_and_keeps_old_signatures(bkd_user, instansi, employee):
    campaign = make_campaign(instansi)
    signature = make_signature(employee, campaign)
    response = login(bkd_user).post(reverse("pledges:campaign_version", args=[campaign.pk]))
    new = Campaign.objects.get(previous_version=campaign)
    assert response.url == reverse("pledges:campaign_edit", args=[new.pk])
    assert new.version == 2 and not new.is_frozen and new.text() == campaign.text()
    assert str(new).endswith("(versi 2)")
    signature.refresh_from_db()
    assert signature.campaign == campaign
    # Asking twice does not fork the lineage.
    login(bkd_user).post(reverse("pledges:campaign_version", args=[campaign.pk]))
    assert Campaign.objects.count() == 2


def test_a_national_template_is_copied_into_the_instansi(bkd_user, instansi):
    template = make_campaign(None, title="Templat Pilkada Serentak 2024")
    page = login(bkd_user).get(reverse("pledges:campaign_list")).content.decode()
    assert "Templat Pilkada Serentak 2024" in page
    login(bkd_user).post(reverse("pledges:campaign_copy"), {"template": template.pk})
    copy = Campaign.objects.get(instansi=instansi)
    assert copy.template == template and copy.ikrar_points == template.ikrar_points


def test_the_list_shows_only_own_campaigns(bkd_user, instansi, other_instansi):
    make_campaign(instansi, title="Kampanye Belu")
    make_campaign(other_instansi, title="Kampanye Kupang")
    page = login(bkd_user).get(reverse("pledges:campaign_list")).content.decode()
    assert "Kampanye Belu" in page and "Kampanye Kupang" not in page


class TestPermissions:
    @pytest.fixture
    def campaign(self, instansi):
        return make_campaign(instansi)

    def urls(self, campaign):
        return [
            ("get", reverse("pledges:campaign_list")),
            ("get", reverse("pledges:campaign_create")),
            ("get", reverse("pledges:campaign_edit", args=[campaign.pk])),
            ("post", reverse("pledges:campaign_version", args=[campaign.pk])),
            ("post", reverse("pledges:campaign_copy")),
        ]

    def test_anonymous_goes_to_login(self, client, campaign):
        for method, url in self.urls(campaign):
            response = getattr(client, method)(url)
            assert response.status_code == 302 and response.url.startswith(reverse("login"))

    @pytest.mark.parametrize(
        "persona", ["asn_user", "sekda_user", "inspektorat_user", "auditor_user", "camat_user"]
    )
    def test_other_roles_are_refused(self, request, persona, campaign):
        user = request.getfixturevalue(persona)
        for method, url in self.urls(campaign):
            assert getattr(login(user), method)(url).status_code == 403, url
        assert Campaign.objects.count() == 1

    def test_bkd_of_another_instansi_gets_404(self, other_bkd_user, campaign):
        client = login(other_bkd_user)
        assert client.get(reverse("pledges:campaign_edit", args=[campaign.pk])).status_code == 404
        url = reverse("pledges:campaign_version", args=[campaign.pk])
        assert client.post(url).status_code == 404
        assert Campaign.objects.count() == 1

    def test_bkd_reaches_every_page(self, bkd_user, campaign):
        client = login(bkd_user)
        for method, url in self.urls(campaign)[:3]:
            assert getattr(client, method)(url).status_code == 200
