"""(1 of 3) Published outputs move out of the database into storage; a version gets a rendering state; figures of a
version are kept in relational form; the public page cache's generation counter.

Existing versions were rendered at publication, so they are ``ready``: their HTML body and PDF bytes are
written to the default storage under the same deterministic names the ``render_version`` task uses, then the
old columns are dropped. Their figures are read from the frozen JSON document.
"""

from django.db import migrations, models

import disclosure.models


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0004_declared_totals_explanation_fingerprint"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicationGeneration",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.PositiveBigIntegerField(default=0, verbose_name="代数")),
            ],
            options={"verbose_name": "发布代数", "verbose_name_plural": "发布代数"},
        ),
        migrations.AddField(
            model_name="publishedversion",
            name="render_state",
            field=models.CharField(
                choices=[("rendering", "生成中"), ("ready", "已完成"), ("failed", "失败")],
                db_index=True,
                default="rendering",
                max_length=20,
                verbose_name="生成状态",
            ),
        ),
        migrations.AddField(
            model_name="publishedversion",
            name="render_error",
            field=models.TextField(blank=True, verbose_name="生成失败原因"),
        ),
        migrations.AddField(
            model_name="publishedversion",
            name="render_started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="开始生成时间"),
        ),
        migrations.AddField(
            model_name="publishedversion",
            name="body",
            field=models.FileField(
                blank=True, max_length=255, upload_to=disclosure.models._output_path, verbose_name="网页正文"
            ),
        ),
        migrations.AddField(
            model_name="publishedversion",
            name="body_sha256",
            field=models.CharField(blank=True, max_length=64, verbose_name="网页正文 SHA-256"),
        ),
        migrations.AddField(
            model_name="publishedversion",
            name="pdf_file",
            field=models.FileField(blank=True, max_length=255, upload_to=disclosure.models._output_path),
        ),
        migrations.AddField(
            model_name="publishedversion",
            name="pdf_size",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="PDF 字节数"),
        ),
        migrations.AddField(
            model_name="publishedversion",
            name="docx",
            field=models.FileField(
                blank=True, max_length=255, upload_to=disclosure.models._output_path, verbose_name="Word 文件"
            ),
        ),
        migrations.AddField(
            model_name="publishedversion",
            name="docx_sha256",
            field=models.CharField(blank=True, max_length=64, verbose_name="Word 文件 SHA-256"),
        ),
        migrations.AddField(
            model_name="publishedversion",
            name="docx_size",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="Word 文件字节数"),
        ),
        migrations.CreateModel(
            name="PublishedFigure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("table", models.CharField(max_length=40, verbose_name="表")),
                ("row", models.CharField(max_length=60, verbose_name="行")),
                ("column", models.CharField(max_length=60, verbose_name="列")),
                (
                    "value",
                    models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True, verbose_name="数值"),
                ),
                ("not_applicable", models.BooleanField(default=False, verbose_name="不适用（/）")),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=models.deletion.CASCADE,
                        related_name="figures",
                        to="disclosure.publishedversion",
                        verbose_name="版本",
                    ),
                ),
            ],
            options={
                "verbose_name": "已发布数字",
                "verbose_name_plural": "已发布数字",
                "indexes": [models.Index(fields=["table", "row", "column"], name="figure_by_cell")],
                "constraints": [
                    models.UniqueConstraint(fields=("version", "table", "row", "column"), name="one_figure_per_cell")
                ],
            },
        ),
    ]
