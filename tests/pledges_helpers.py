"""make_* helpers for campaigns and signatures, shared by the pledges test files."""

import base64
import datetime as dt
import io

from django.utils import timezone
from PIL import Image, ImageDraw

from pledges.models import Campaign
from pledges.services import SignatureInput, sign_ikrar


def drawn_png(width: int = 600, height: int = 200, *, blank: bool = False) -> bytes:
    """A transparent pad with a pen stroke, like signature_pad produces."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    if not blank:
        draw = ImageDraw.Draw(image)
        draw.line([(40, 150), (120, 40), (200, 160), (300, 60), (420, 140)], fill="black", width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def national_template(variant: str = "ikrar") -> Campaign:
    """The Pemilu dan Pemilihan 2024 template shipped by migration, with the given pakta."""
    return Campaign.objects.national_templates().filter(pakta_variant=variant).first()


def ikrar_points() -> list[str]:
    return list(national_template().ikrar_points)


def prohibitions() -> list[str]:
    return list(national_template("larangan").pakta_points)


def make_campaign(instansi, **kwargs) -> Campaign:
    today = timezone.localdate()
    template = national_template()
    kwargs.setdefault("title", "Pemilu dan Pemilihan Tahun 2024")
    kwargs.setdefault("opens_on", today - dt.timedelta(days=7))
    kwargs.setdefault("closes_on", today + dt.timedelta(days=30))
    kwargs.setdefault("ikrar_points", list(template.ikrar_points))
    kwargs.setdefault("ikrar_closing", template.ikrar_closing)
    kwargs.setdefault("pakta_closing", template.pakta_closing)
    return Campaign.objects.create(instansi=instansi, **kwargs)


def drawn_input(**kwargs) -> SignatureInput:
    kwargs.setdefault("confirmed_points", 4)
    kwargs.setdefault("ip_address", "10.1.2.3")
    kwargs.setdefault("user_agent", "Mozilla/5.0 (Linux; Android 10) Test")
    return SignatureInput(method="drawn", drawn_data_url=data_url(drawn_png()), **kwargs)


def decide(signature, action: str, reason: str = "Alasan uji yang jelas."):
    """A BKD decision on `signature` through the review service (status follows the chain)."""
    from pledges.services import review
    from portal.models import User

    actor = User.objects.filter(role=User.Role.BKD, instansi=signature.instansi).first()
    if actor is None:
        actor = User.objects.create_user(
            f"bkd.uji.{signature.instansi.code}", role=User.Role.BKD, instansi=signature.instansi
        )
    return review(signature=signature, action=action, reason=reason, actor=actor)


def make_signature(employee, campaign=None, **kwargs):
    campaign = campaign or make_campaign(employee.instansi)
    return sign_ikrar(employee=employee, campaign=campaign, data=drawn_input(**kwargs))
