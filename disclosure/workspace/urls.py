"""The staff workspace under /workspace/. Every page needs a login; every report page a role there.

Every answer is ``Cache-Control: private, no-store`` (``never_cache``): the pages show drafts and who
may do what, which no shared cache nor the browser's back button may keep.
"""

from django.urls import path as django_path
from django.urls import re_path
from django.views.decorators.cache import never_cache

from .. import converters  # noqa: F401  (registers <year:…>)
from .views import accounts, dashboard, imports, oversight, parts, report, review

app_name = "workspace"

REPORT = "<slug:slug>/<year:year>/"


def path(route, view, name):
    return django_path(route, never_cache(view), name=name)


urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("login/", accounts.login, name="login"),
    path("logout/", accounts.logout, name="logout"),
    path("password/", accounts.password_change, name="password"),
    path("password/done/", accounts.password_done, name="password_done"),
    path("password/set/<uidb64>/<token>/", accounts.password_set, name="password_set"),
    path("password/set/done/", accounts.password_set_done, name="password_set_done"),
    path("review/", dashboard.review_queue, name="review"),
    path("oversight/", oversight.start, name="oversight_start"),
    path("oversight/<year:year>/", oversight.overview, name="oversight"),
    path("oversight/<year:year>/remind/", oversight.remind, name="oversight_remind"),
    path("oversight/<year:year>/totals/", oversight.totals, name="oversight_totals"),
    path("oversight/<year:year>/findings/", oversight.findings, name="oversight_findings"),
    path("oversight/<year:year>/indicators/", oversight.region_indicators, name="oversight_indicators"),
    path(
        "oversight/<year:year>/indicators/<slug:slug>/",
        oversight.agency_indicators,
        name="oversight_agency_indicators",
    ),
    path("oversight/<year:year>/workbook.xlsx", oversight.workbook_xlsx, name="oversight_xlsx"),
    path("oversight/<year:year>/detail.csv", oversight.detail_csv, name="oversight_csv"),
    path("oversight/<year:year>/totals/<slug:table>/<slug:row>/<slug:column>/", oversight.cell, name="oversight_cell"),
    path("import/", imports.upload, name="import"),
    path("import/batch/", imports.batch, name="import_batch"),
    # A token is 32 characters, so an organization whose slug is "import" keeps its report pages.
    re_path(r"^import/(?P<token>[A-Za-z0-9_-]{32})/$", never_cache(imports.review), name="import_review"),
    path("<slug:slug>/past-years/", imports.past, name="past_years"),
    path("<slug:slug>/past-years/earlier/", imports.earlier_upload, name="earlier_upload"),
    path("<slug:slug>/past-years/earlier/<year:year>/delete/", imports.earlier_delete, name="earlier_delete"),
    path(REPORT + "start/", report.start, name="start"),
    path(REPORT, report.overview, name="report"),
    path(REPORT + "part/<slug:code>/", parts.edit_part, name="part"),
    path(REPORT + "preview/", report.preview, name="preview"),
    path(REPORT + "findings/", report.findings, name="findings"),
    path(REPORT + "history/", report.history, name="history"),
    path(REPORT + "submit/", report.submit, name="submit"),
    path(REPORT + "withdraw/", report.withdraw, name="withdraw"),
    path(REPORT + "return/", report.return_, name="return"),
    path(REPORT + "review/", review.review_page, name="review_report"),
    path(REPORT + "approve/", review.approve, name="approve"),
    path(REPORT + "publish/", review.publish, name="publish"),
    path(REPORT + "correct/", report.correct, name="correct"),
    path(REPORT + "retry-render/", report.retry_render, name="retry_render"),
]
