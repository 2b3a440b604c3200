from django.db import migrations

from portal.evidence import install_guard


def install(apps, schema_editor):
    install_guard(schema_editor, apps.get_model("pledges", "Signature"), mutable=("status",))
    install_guard(schema_editor, apps.get_model("pledges", "ReviewEvent"))
    install_guard(schema_editor, apps.get_model("pledges", "Certificate"))


class Migration(migrations.Migration):
    dependencies = [("pledges", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
