from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = "政府信息公开工作年度报告"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import regions, system_checks  # noqa: F401  (registers the font/harfbuzz checks)

        regions.connect_signals()
        _name_third_party_apps_in_chinese()


def _name_third_party_apps_in_chinese():
    """django-axes names its admin section "Axes" without a translation; its models' names are in
    disclosure/locale (the admin strings Django and axes ship without a zh_Hans translation)."""
    from django.apps import apps

    if apps.is_installed("axes"):
        apps.get_app_config("axes").verbose_name = "登录保护"
