"""Certificates join the evidence chains: each one's SHA-256 (with its number, size and file)
becomes a chained record per instansi, so a swapped file and hash no longer pass
verify_chain --files. Certificates issued before are chained here, oldest first."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from portal.evidence import GENESIS, anchor, canonical, lift_guard, sha256_hex


def drop_guard(apps, schema_editor):
    lift_guard(schema_editor, "pledges_certificate")


def chain_issued(apps, schema_editor):
    from pledges.models import certificate_payload

    Certificate = apps.get_model("pledges", "Certificate")
    ChainHead = apps.get_model("portal", "ChainHead")
    rows = Certificate.objects.select_related("signature").order_by(
        "signature__instansi_id", "rendered_at", "pk"
    )
    heads: dict[str, object] = {}
    for certificate in rows.iterator(chunk_size=2000):
        chain = f"certificate:{certificate.signature.instansi_id}"
        head = heads.get(chain)
        if head is None:
            head, _ = ChainHead.objects.get_or_create(chain=chain)
            heads[chain] = head
        data = certificate_payload(
            signature_code=certificate.signature.code, number=certificate.number,
            sha256=certificate.sha256, size=certificate.size, file=certificate.file.name,
            rendered_at=certificate.rendered_at,
        )  # fmt: skip
        seq, prev = head.seq + 1, head.last_hash
        record_hash = sha256_hex(canonical({"chain": chain, "seq": seq, "prev": prev, "data": data}))
        Certificate.objects.filter(pk=certificate.pk).update(
            instansi_id=certificate.signature.instansi_id, chain=chain, seq=seq, prev_hash=prev,
            record_hash=record_hash, anchor_hmac=anchor(record_hash),
        )  # fmt: skip
        # One step at a time: the chain-head guard allows nothing else.
        head.seq, head.last_hash = seq, record_hash
        head.save(update_fields=["seq", "last_hash"])
    if schema_editor.connection.vendor == "postgresql":
        # The deferred foreign-key checks of these updates must run before the ALTER TABLEs.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0012_certificate_number"),
        ("portal", "0006_letterhead_and_document_numbers"),
    ]

    operations = [
        migrations.RunPython(drop_guard, migrations.RunPython.noop),
        migrations.AddField(
            model_name="certificate",
            name="instansi",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to="portal.instansi",
            ),  # fmt: skip
        ),
        migrations.AddField(
            model_name="certificate",
            name="chain",
            field=models.CharField(default="", editable=False, max_length=80),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="certificate",
            name="seq",
            field=models.BigIntegerField(default=0, editable=False),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="certificate",
            name="prev_hash",
            field=models.CharField(default=GENESIS, editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="certificate",
            name="record_hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="certificate",
            name="anchor_hmac",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="certificate",
            name="rendered_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(chain_issued, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificate",
            name="instansi",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to="portal.instansi",
            ),  # fmt: skip
        ),
        migrations.AlterField(
            model_name="certificate",
            name="record_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.UniqueConstraint(
                fields=("chain", "seq"), name="pledges_certificate_seq"
            ),
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.UniqueConstraint(
                fields=("chain", "prev_hash"), name="pledges_certificate_no_fork"
            ),
        ),
    ]
