import html

from django import template
from django.utils import translation
from django.utils.html import format_html

from portal import codes, dates, nip, stamping

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


# --- Slots of a stamped document (portal.stamping) -------------------------------------------


class _SlotNode(template.Node):
    def __init__(self, name, nodelist):
        self.name, self.nodelist = name, nodelist

    def render(self, context):
        markup = self.nodelist.render(context)
        slots = context.get(stamping.SLOTS)
        if slots is None:
            return markup
        if self.name is None:  # the <title>: plain text, no markup
            stamping.record(slots, stamping.TITLE, html.unescape(markup).strip())
            return stamping.PROBE_TITLE
        name = self.name.resolve(context)
        stamping.record(slots, name, stamping.Runs.from_html(markup))
        return format_html('<span data-slot="{}">{}</span>', name, stamping.PROBE_TEXT)


@register.tag
def slot(parser, token):
    """{% slot "name" %}{{ identity.name }}{% endslot %}: a value that differs between the
    documents made from one template (text, <b> allowed), stamped into its blank page."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("slot takes one argument: the slot's name")
    nodelist = parser.parse(("endslot",))
    parser.delete_first_token()
    return _SlotNode(parser.compile_filter(bits[1]), nodelist)


@register.tag
def title_slot(parser, token):
    """<title>{% title_slot %}…{% endtitle_slot %}</title>: the document's title, when it
    differs between documents (written into the PDF's metadata)."""
    nodelist = parser.parse(("endtitle_slot",))
    parser.delete_first_token()
    return _SlotNode(None, nodelist)


@register.simple_tag(takes_context=True)
def image_slot(context, name, uri):
    """`src="…"` of an <img> whose image differs between documents made from one template."""
    slots = context.get(stamping.SLOTS)
    if slots is None:
        return format_html('src="{}"', uri)
    stamping.record(slots, name, stamping.Picture(uri))
    return format_html('src="{}" data-slot="{}"', stamping.PROBE_IMAGE, name)
