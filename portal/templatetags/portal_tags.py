from django import template
from django.utils import translation

from portal import codes, dates, nip

register = template.Library()


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


@register.filter
def tanggal(value, tz=None):
    """{{ signed_at|tanggal:instansi.tz }} -> 15 November 2023 (in the page's language)"""
    return dates.tanggal(value, tz, english=_english()) if value else ""


@register.filter
def tanggal_jam(value, tz):
    return dates.tanggal_jam(value, tz, english=_english()) if value else ""


@register.filter
def nip_display(value):
    return nip.format_nip(value or "")


@register.filter
def nip_masked(value):
    return nip.mask_nip(value or "")


@register.filter
def code_groups(value):
    """A verification code in the groups of four printed on documents: ABCD-EFGH-..."""
    return codes.grouped(value or "")


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
