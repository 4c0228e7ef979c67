from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0008_region_totals"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportevent",
            name="self_review",
            field=models.BooleanField(default=False, verbose_name="本人审核"),
        ),
    ]
