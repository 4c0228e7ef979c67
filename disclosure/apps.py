from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = "政府信息公开工作年度报告"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import regions, system_checks  # noqa: F401  (registers the font/harfbuzz checks)

        regions.connect_signals()
        _name_third_party_apps_in_chinese()


# Admin sections whose names their apps give as plain English strings, never translated.
THIRD_PARTY_APP_NAMES = {"axes": "登录保护", "django_tasks_database": "后台任务"}


def _name_third_party_apps_in_chinese():
    """django-axes ("Axes") and django-tasks-db ("Tasks Database Backend") name their admin sections
    without a translation; their models' names are in disclosure/locale (the admin strings Django, axes and
    django-tasks ship without a zh_Hans translation)."""
    from django.apps import apps

    for label, name in THIRD_PARTY_APP_NAMES.items():
        if label in apps.app_configs:
            apps.get_app_config(label).verbose_name = name
