"""(2 of 3) Published outputs move out of the database into storage; a version gets a rendering state; figures of a
version are kept in relational form; the public page cache's generation counter.

Existing versions were rendered at publication, so they are ``ready``: their HTML body and PDF bytes are
written to the default storage under the same deterministic names the ``render_version`` task uses, then the
old columns are dropped. Their figures are read from the frozen JSON document.
"""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations


def output_name(version, ext, data):
    # The same scheme as disclosure.publishing.output_name.
    digest = hashlib.sha256(data).hexdigest()
    org = version.report.organization.slug
    return f"reports/{org}/{version.report.year}/v{version.number}-{version.pk}-{digest[:16]}.{ext}", digest


def save(name, data):
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))
    return name


def figures_of(document):
    for part in document.get("parts", []):
        for row in part.get("rows") or []:
            for cell in row["cells"]:
                value = cell["value"]
                if value is None:
                    continue
                yield part["code"], row["code"], cell["column"], value


def move_outputs_to_storage(apps, schema_editor):
    Version = apps.get_model("disclosure", "PublishedVersion")
    Figure = apps.get_model("disclosure", "PublishedFigure")
    for version in Version.objects.select_related("report__organization").iterator(chunk_size=100):
        body = (version.html or "").encode("utf-8")
        pdf = bytes(version.pdf or b"")
        body_name, body_sha = output_name(version, "html", body)
        pdf_name, pdf_sha = output_name(version, "pdf", pdf)
        version.body, version.body_sha256 = save(body_name, body), body_sha
        version.pdf_file, version.pdf_sha256, version.pdf_size = save(pdf_name, pdf), pdf_sha, len(pdf)
        version.render_state = "ready"
        version.save(update_fields=["body", "body_sha256", "pdf_file", "pdf_sha256", "pdf_size", "render_state"])
        Figure.objects.bulk_create(
            Figure(
                version=version,
                table=table,
                row=row,
                column=column,
                value=None if value == "/" else value,
                not_applicable=value == "/",
            )
            for table, row, column, value in figures_of(version.content)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0005_rendering_in_storage"),
    ]

    operations = [
        migrations.RunPython(move_outputs_to_storage, migrations.RunPython.noop, elidable=False),
    ]
