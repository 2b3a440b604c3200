"""The four national templates (ikrar for the Pemilu and for the Pilkada, each with both pakta
variants), as data that administrators correct in the Django admin.

The wording is read from pledges/national_texts.py, its single source. A database that already
holds a template of the same title and pakta variant keeps its own (possibly corrected) row.
"""

import datetime

from django.db import migrations

from pledges import national_texts


def load(apps, schema_editor):
    Campaign = apps.get_model("pledges", "Campaign")
    for row in national_texts.templates():
        exists = Campaign.objects.filter(
            instansi__isnull=True, title=row["title"], pakta_variant=row["pakta_variant"]
        ).exists()
        if exists:
            continue
        Campaign.objects.create(
            **{
                **row,
                "opens_on": datetime.date.fromisoformat(row["opens_on"]),
                "closes_on": datetime.date.fromisoformat(row["closes_on"]),
            }
        )


def unload(apps, schema_editor):
    Campaign = apps.get_model("pledges", "Campaign")
    titles = {row["title"] for row in national_texts.templates()}
    Campaign.objects.filter(
        instansi__isnull=True, title__in=titles, signatures__isnull=True, copies__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("pledges", "0006_campaign_closing_no_default")]
    operations = [migrations.RunPython(load, unload)]
