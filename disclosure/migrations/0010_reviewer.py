from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0009_summary"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportevent",
            name="self_review",
            field=models.BooleanField(default=False, verbose_name="本人审核"),
        ),
    ]
