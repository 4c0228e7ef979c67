from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = "政府信息公开工作年度报告"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import regions, system_checks  # noqa: F401  (registers the font/harfbuzz checks)

        regions.connect_signals()
