"""BKD campaigns: create, edit until the first signature, then frozen; versions; templates."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pledges.models import Campaign
from portal.models import AuditEvent
from tests.conftest import login
from tests.pledges_helpers import ikrar_points, make_campaign, make_signature, national_template

pytestmark = pytest.mark.django_db


def campaign_post(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "title": "Pemilihan Bupati dan Wakil Bupati Belu 2024",
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=30)).isoformat(),
        "ikrar_points": "\n".join(ikrar_points()),
        "ikrar_closing": national_template().ikrar_closing,
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
    campaign = Campaign.objects.get(instansi=instansi)
    assert response.status_code == 302
    assert campaign.instansi == instansi and campaign.created_by == bkd_user
    assert campaign.ikrar_points == ikrar_points()
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
    assert not Campaign.objects.filter(instansi__isnull=False).exists()


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
    assert Campaign.objects.get(pk=campaign.pk).title != "Judul lain"


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
    assert Campaign.objects.filter(instansi=instansi).count() == 2


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


# --- national templates and "Kampanye baru" ------------------------------------------------

CLOSING = (
    "Demikian ikrar ini kami buat dan dilaksanakan dengan penuh integritas dan rasa tanggung "
    "jawab dalam rangka mewujudkan netralitas pegawai ASN yang bermartabat, beretika dan "
    "demokratis demi terwujudnya persatuan dan kesatuan NKRI."
)


def test_four_national_templates_ship_with_the_ceremony_text():
    templates = list(Campaign.objects.national_templates())
    assert [(t.title, t.pakta_variant) for t in templates] == [
        ("Pemilu dan Pemilihan Tahun 2024", "ikrar"),
        ("Pemilu dan Pemilihan Tahun 2024", "larangan"),
        ("Pemilihan Gubernur, Bupati dan Wali Kota Tahun 2024", "ikrar"),
        ("Pemilihan Gubernur, Bupati dan Wali Kota Tahun 2024", "larangan"),
    ]
    for template in templates:
        assert len(template.ikrar_points) == 4
        assert "tidak melakukan praktik-praktik intimidasi dan ancaman" in template.ikrar_points[1]
        assert template.ikrar_closing == CLOSING
        assert template.title in template.ikrar_points[0]
        assert not template.is_frozen
    pemilu, pilkada = templates[0], templates[2]
    assert pemilu.ikrar_points[0].endswith("sesudah pelaksanaan Pemilu dan Pemilihan Tahun 2024.")
    assert "Pemilihan Gubernur, Bupati dan Wali Kota" in pilkada.ikrar_points[0]
    # Each template's dates run from the campaign period to the voting day of its election.
    assert (pemilu.opens_on, pemilu.closes_on) == (dt.date(2023, 11, 28), dt.date(2024, 2, 14))
    assert (pilkada.opens_on, pilkada.closes_on) == (dt.date(2024, 9, 25), dt.date(2024, 11, 27))


def test_the_prohibition_pakta_quotes_pasal_5_huruf_n():
    points = national_template("larangan").pakta_points
    assert len(points) == 7
    assert (
        "calon Presiden/Wakil Presiden, calon Kepala Daerah/Wakil Kepala Daerah, "
        "calon anggota DPR, DPD, atau DPRD dengan cara ikut kampanye" in points[0]
    )
    assert (
        "keberpihakan terhadap pasangan calon yang menjadi peserta pemilu sebelum, selama, dan "
        "sesudah masa kampanye meliputi pertemuan" in points[5]
    )
    assert national_template().pakta_points == []


def test_new_campaign_starts_by_choosing_a_template(bkd_user):
    page = login(bkd_user).get(reverse("pledges:campaign_create"))
    assert page.status_code == 200
    html = page.content.decode()
    for template in Campaign.objects.national_templates():
        assert f'value="{template.pk}"' in html
    assert 'value="kosong"' in html
    assert 'name="ikrar_points"' not in html  # the text form comes in step two


def test_a_chosen_template_prefills_the_form_and_is_linked(bkd_user, instansi):
    template = national_template("larangan")
    url = reverse("pledges:campaign_create") + f"?template={template.pk}"
    page = login(bkd_user).get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form["ikrar_points"].value() == "\n".join(template.ikrar_points)
    assert form["pakta_variant"].value() == "larangan"
    assert form["pakta_points"].value() == "\n".join(template.pakta_points)
    assert template.ikrar_points[1] in page.content.decode()
    assert form["opens_on"].value() == timezone.localdate(timezone=instansi.tz)
    assert form["closes_on"].value() is None  # the 2024 voting day has passed
    data = campaign_post(
        pakta_variant="larangan",
        pakta_points="\n".join(template.pakta_points),
        ikrar_points="\n".join(template.ikrar_points[:3] + ["Butir keempat diubah."]),
    )
    response = login(bkd_user).post(url, data)
    assert response.status_code == 302
    campaign = Campaign.objects.get(instansi=instansi)
    assert campaign.template == template and campaign.pakta_points == template.pakta_points
    assert campaign.ikrar_points[3] == "Butir keempat diubah."
    template.refresh_from_db()
    assert template.ikrar_points[3] != "Butir keempat diubah."


def test_an_empty_start_has_no_points(bkd_user, instansi):
    url = reverse("pledges:campaign_create") + "?template=kosong"
    page = login(bkd_user).get(url)
    assert page.status_code == 200 and page.context["form"]["ikrar_points"].value() == ""
    login(bkd_user).post(url, campaign_post(ikrar_points="Satu butir"))
    campaign = Campaign.objects.get(instansi=instansi)
    assert campaign.template is None and campaign.ikrar_points == ["Satu butir"]


@pytest.mark.parametrize("value", ["999999", "abc", "", "1 OR 1=1"])
def test_an_unknown_template_is_explained_not_a_500(bkd_user, value):
    page = login(bkd_user).get(reverse("pledges:campaign_create"), {"template": value})
    assert page.status_code == 400
    assert "Pilih" in page.content.decode()
    assert not Campaign.objects.filter(instansi__isnull=False).exists()


def test_an_administrator_corrects_a_template_in_the_admin(admin_client):
    template = national_template()
    url = reverse("admin:pledges_campaign_change", args=[template.pk])
    assert admin_client.get(url).status_code == 200
    points = [*template.ikrar_points[:3], "Menolak politik uang (dikoreksi)."]
    data = {
        "title": template.title, "opens_on": "2023-11-28", "closes_on": "2024-02-14",
        "ikrar_points": "\n".join(points), "ikrar_closing": template.ikrar_closing,
        "pakta_variant": "ikrar", "pakta_points": "", "pakta_closing": template.pakta_closing,
        "allow_drawn": "on", "allow_typed": "on",
    }  # fmt: skip
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    template.refresh_from_db()
    assert template.ikrar_points[3] == "Menolak politik uang (dikoreksi)."


def test_a_frozen_campaign_text_is_read_only_in_the_admin(admin_client, instansi, employee):
    campaign = make_campaign(instansi)
    make_signature(employee, campaign)
    page = admin_client.get(reverse("admin:pledges_campaign_change", args=[campaign.pk]))
    assert page.status_code == 200
    assert 'name="ikrar_points"' not in page.content.decode()


class TestPermissions:
    @pytest.fixture
    def campaign(self, instansi):
        return make_campaign(instansi)

    def urls(self, campaign):
        return [
            ("get", reverse("pledges:campaign_list")),
            ("get", reverse("pledges:campaign_create")),
            ("get", reverse("pledges:campaign_edit", args=[campaign.pk])),
            ("get", reverse("pledges:campaign_create") + f"?template={national_template().pk}"),
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
        assert Campaign.objects.filter(instansi__isnull=False).count() == 1

    def test_bkd_of_another_instansi_gets_404(self, other_bkd_user, campaign):
        client = login(other_bkd_user)
        assert client.get(reverse("pledges:campaign_edit", args=[campaign.pk])).status_code == 404
        url = reverse("pledges:campaign_version", args=[campaign.pk])
        assert client.post(url).status_code == 404
        assert Campaign.objects.filter(instansi__isnull=False).count() == 1

    def test_bkd_reaches_every_page(self, bkd_user, campaign):
        client = login(bkd_user)
        for method, url in self.urls(campaign)[:4]:
            assert getattr(client, method)(url).status_code == 200
