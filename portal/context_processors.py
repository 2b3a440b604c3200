def roles(request) -> dict:
    """Expose the current user's roles to templates for the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "is_bkd": user.is_bkd,
        "is_sekda": user.is_sekda,
        "is_inspektorat": user.is_inspektorat,
        "is_auditor": user.is_auditor,
        "is_asn": user.is_asn,
        "is_unit_head": user.is_unit_head,
    }
