from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = "政府信息公开工作年度报告"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import regions, system_checks  # noqa: F401  (registers the font/harfbuzz checks)

        regions.connect_signals()
        _name_third_party_apps_in_chinese()
        _name_axes_records_in_chinese()


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


def _name_axes_records_in_chinese():
    """django-axes names each record with an English f-string ("Access Log for …"), which the admin shows as
    the title of its page and in its breadcrumbs; no translation can reach it, so the names are replaced."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.utils import timezone

    def when(moment):
        return f"{timezone.localtime(moment):%Y-%m-%d %H:%M:%S}" if moment else ""

    AccessLog.__str__ = lambda log: f"{log.username} 的登录记录（{when(log.attempt_time)}）"
    AccessAttempt.__str__ = lambda attempt: f"{attempt.username} 的登录尝试（{when(attempt.attempt_time)}）"
    AccessFailureLog.__str__ = lambda failure: (
        f"{failure.username} 登录失败（{when(failure.attempt_time)}，{failure.ip_address}"
        f"{'，已锁定' if failure.locked_out else ''}）"
    )
