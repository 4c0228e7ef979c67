"""(3 of 3) The HTML and PDF columns go: their contents are in storage now (0006)."""

from django.db import migrations, models

import disclosure.models


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0006_move_outputs_to_storage"),
    ]

    operations = [
        migrations.RemoveField(model_name="publishedversion", name="html"),
        migrations.RemoveField(model_name="publishedversion", name="pdf"),
        migrations.RenameField(model_name="publishedversion", old_name="pdf_file", new_name="pdf"),
        migrations.AlterField(
            model_name="publishedversion",
            name="pdf",
            field=models.FileField(
                blank=True, max_length=255, upload_to=disclosure.models._output_path, verbose_name="PDF"
            ),
        ),
        migrations.AlterField(
            model_name="publishedversion",
            name="pdf_sha256",
            field=models.CharField(blank=True, max_length=64, verbose_name="PDF SHA-256"),
        ),
        migrations.AddIndex(
            model_name="publishedversion",
            index=models.Index(fields=["report", "render_state", "-number"], name="version_ready_newest"),
        ),
        migrations.AlterField(
            model_name="reportevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "创建"),
                    ("save", "保存"),
                    ("import", "导入"),
                    ("submit", "提交审核"),
                    ("return", "退回"),
                    ("approve", "审核通过"),
                    ("publish", "发布"),
                    ("reopen", "更正"),
                    ("explain", "说明警告"),
                    ("retry_render", "重新生成"),
                ],
                max_length=20,
                verbose_name="操作",
            ),
        ),
    ]
