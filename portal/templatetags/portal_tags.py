from django import template

from portal import dates, nip

register = template.Library()


@register.filter
def tanggal(value, tz=None):
    """{{ signed_at|tanggal:instansi.tz }} -> 15 November 2023"""
    return dates.tanggal(value, tz) if value else ""


@register.filter
def tanggal_jam(value, tz):
    return dates.tanggal_jam(value, tz) if value else ""


@register.filter
def nip_display(value):
    return nip.format_nip(value or "")


@register.filter
def nip_masked(value):
    return nip.mask_nip(value or "")


@register.filter
def code_groups(value):
    """A verification code in the groups of four printed on documents: ABCD-EFGH-..."""
    value = value or ""
    return "-".join(value[i : i + 4] for i in range(0, len(value), 4))


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
