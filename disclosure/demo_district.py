"""The demo district (issue 9, item 10): 嘉兴市秀洲区人民政府 with its departments and 镇/街道, four years of
published reports behind the reporting year and, for the reporting year itself, a report in every state —
published on time or late, submitted, returned, draft (some half-filled), approved, being corrected, not started.

Figures are made up but consistent (every rule passes, carried-over applications and the stock of documents
in force chain from one year to the next) and deterministic: each report's numbers come from a random
generator seeded by its agency and year. A few agencies are written to raise the supervising office's prompts
(a jump, a fall to zero, three years without an application).

Everything goes through the project's own functions (``create_report``, ``save_content``, the workflow and
``publish_report``), so the region totals, the history and the findings are what real use would leave.
Publications are frozen without rendering their files (``render=False``): rendering a hundred PDFs would make
``load_demo`` take minutes. ``manage.py render_reports --unrendered`` renders them (``make run`` does).
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from . import actions, workflow
from .formats import NOT_APPLICABLE, CellKind
from .models import AnnualReport, Organization, ReportEvent
from .publishing import publish_report, reopen_for_correction

PAST_YEARS = 3  # published years before the reporting year (the five-year chart)

# States of the reporting year's report.
ON_TIME, LATE, SUBMITTED, RETURNED, DRAFT, HALF_FILLED, APPROVED, CORRECTING, NOT_STARTED = (
    "on_time",
    "late",
    "submitted",
    "returned",
    "draft",
    "half_filled",
    "approved",
    "correcting",
    "not_started",
)
# What makes an agency's figures stand out this year (the prompts).
STEADY, JUMP, TO_ZERO, NONE = "steady", "jump", "to_zero", "none"

DEPARTMENT, GOVERNMENT = Organization.Kind.DEPARTMENT, Organization.Kind.GOVERNMENT


@dataclass(frozen=True)
class Agency:
    slug: str
    name: str
    short_name: str
    kind: str
    scale: int  # applications in a usual year
    state: str  # of the reporting year's report
    trend: str = STEADY
    first_year_back: int = PAST_YEARS  # how many past years it has published


def _department(slug, name, short, scale, state, trend=STEADY, back=PAST_YEARS):
    return Agency(f"xiuzhou-{slug}", name, short, DEPARTMENT, scale, state, trend, back)


AGENCIES = [
    _department("drc", "嘉兴市秀洲区发展和改革局", "区发改局", 6, ON_TIME),
    _department("economy", "嘉兴市秀洲区经济和信息化局", "区经信局", 4, ON_TIME),
    _department("science", "嘉兴市秀洲区科学技术局", "区科技局", 2, LATE),
    _department("civil-affairs", "嘉兴市秀洲区民政局", "区民政局", 5, ON_TIME),
    _department("justice", "嘉兴市秀洲区司法局", "区司法局", 3, ON_TIME),
    _department("hrss", "嘉兴市秀洲区人力资源和社会保障局", "区人社局", 9, ON_TIME),
    _department("natural-resources", "嘉兴市自然资源和规划局秀洲分局", "秀洲自然资源分局", 38, CORRECTING),
    _department("environment", "嘉兴市生态环境局秀洲分局", "秀洲生态环境分局", 11, ON_TIME),
    _department("housing", "嘉兴市秀洲区住房和城乡建设局", "区住建局", 27, ON_TIME),
    _department("transport", "嘉兴市秀洲区交通运输局", "区交通局", 7, SUBMITTED),
    _department("agriculture", "嘉兴市秀洲区农业农村局", "区农业农村局", 8, ON_TIME),
    _department("commerce", "嘉兴市秀洲区商务局", "区商务局", 2, RETURNED),
    _department("culture", "嘉兴市秀洲区文化和广电旅游体育局", "区文广旅体局", 3, ON_TIME),
    _department("health", "嘉兴市秀洲区卫生健康局", "区卫健局", 10, LATE),
    _department("veterans", "嘉兴市秀洲区退役军人事务局", "区退役军人局", 0, ON_TIME, NONE),
    _department("emergency", "嘉兴市秀洲区应急管理局", "区应急管理局", 4, APPROVED),
    _department("audit", "嘉兴市秀洲区审计局", "区审计局", 0, ON_TIME, NONE),
    _department("market", "嘉兴市秀洲区市场监督管理局", "区市场监管局", 14, DRAFT),
    _department("statistics", "嘉兴市秀洲区统计局", "区统计局", 6, LATE, TO_ZERO),
    _department("medical-insurance", "嘉兴市秀洲区医疗保障局", "区医保局", 4, HALF_FILLED, back=1),
    _department("enforcement", "嘉兴市秀洲区综合行政执法局", "区综合执法局", 5, ON_TIME, JUMP),
    _department("public-security", "嘉兴市公安局秀洲区分局", "秀洲公安分局", 16, SUBMITTED),
    Agency("xiuzhou-wangjiangjing", "嘉兴市秀洲区王江泾镇人民政府", "王江泾镇", GOVERNMENT, 6, ON_TIME),
    Agency("xiuzhou-youchegang", "嘉兴市秀洲区油车港镇人民政府", "油车港镇", GOVERNMENT, 4, LATE, JUMP),
    Agency("xiuzhou-xincheng-town", "嘉兴市秀洲区新塍镇人民政府", "新塍镇", GOVERNMENT, 3, APPROVED),
    Agency("xiuzhou-wangdian", "嘉兴市秀洲区王店镇人民政府", "王店镇", GOVERNMENT, 5, NOT_STARTED),
    _department("xincheng-street", "嘉兴市秀洲区新城街道办事处", "新城街道", 2, ON_TIME, back=2),
]
# The demo's first agencies (load_demo.ORGANIZATIONS), given a history too; 财政局 has never started one.
EXISTING = {
    "xiuzhou": (12, APPROVED),
    "xiuzhou-education": (9, ON_TIME),
    "xiuzhou-hitech-zone": (0, LATE),
}
# The account that fills in the reports the workflow moves (submitted, returned, approved): an editor of these.
EDITOR = "xiuzhou-editor"


def edited_slugs():
    return [slug for slug, _, state, *_ in _plan() if state in (SUBMITTED, RETURNED, APPROVED, DRAFT, HALF_FILLED)]


INFORMATION_FEE_TEXT = "本年度未收取信息处理费。"


def organizations(parent):
    """Create or update the district's agencies under ``parent``."""
    for agency in AGENCIES:
        Organization.objects.update_or_create(
            slug=agency.slug,
            defaults={"name": agency.name, "short_name": agency.short_name, "kind": agency.kind, "parent": parent},
        )


def _plan():
    """(slug, scale, state, trend, past years) of every agency with reports."""
    plan = [(slug, scale, state, STEADY, PAST_YEARS) for slug, (scale, state) in EXISTING.items()]
    plan += [(a.slug, a.scale, a.state, a.trend, a.first_year_back) for a in AGENCIES]
    return plan


# ---- the figures ------------------------------------------------------------------------------------------


def _applications_this_year(rng, scale, trend, last_year_total, is_current):
    if trend == NONE or scale == 0:
        return 0
    if is_current and trend == TO_ZERO:
        return 0
    if is_current and trend == JUMP and last_year_total:
        return last_year_total * 4 + rng.randint(1, 3)
    return max(0, round(scale * rng.uniform(0.6, 1.4)))


def _split(rng, total, weights):
    """``total`` split at random over len(weights) parts, roughly in proportion."""
    parts = [0] * len(weights)
    for _ in range(total):
        parts[rng.choices(range(len(weights)), weights)[0]] += 1
    return parts


def table_three(edition, rng, received, carried_in):
    """Table 三's entered cells: ``received`` applications split over the applicants, last year's carry-over,
    the results (most granted), a few carried forward; balanced per column."""
    table = edition.table_of_kind("applications")
    applicants = table.applicant_columns
    result_rows = [r for r in table.result_leaf_rows() if r.code != table.fee_lapsed_row]
    weights = [12, 3] + [0.25] * (len(result_rows) - 2)  # 予以公开 and 部分公开 first, as in the description
    cells = {}
    new = _split(rng, received, [8, 2, 1, 1, 1, 1][: len(applicants)])
    for column, n in zip(applicants, new, strict=True):
        before = carried_in.get(column.code, 0)
        forward = rng.randint(0, min(2, n)) if n else 0
        handled = n + before - forward
        cells[table.key(table.new_row, column.code)] = n
        cells[table.key(table.carried_in_row, column.code)] = before
        cells[table.key(table.carried_forward_row, column.code)] = forward
        for row in table.result_leaf_rows():
            cells[table.key(row.code, column.code)] = 0
        for row, count in zip(result_rows, _split(rng, handled, weights), strict=True):
            cells[table.key(row.code, column.code)] = count
    return cells


def table_four(edition, rng, scale):
    """Table 四: a few cases for the larger agencies, some corrected."""
    table = edition.table_of_kind("litigation")
    cells = {}
    for block in table.blocks:
        *outcomes, _total = block.columns
        cases = rng.randint(0, max(0, scale // 8)) if scale >= 5 else 0
        for column, n in zip(outcomes, _split(rng, cases, [4, 2, 1, 1]), strict=True):
            cells[table.key(block, column)] = n
    return cells


def table_two(edition, rng, scale, in_force_before, slug):
    """Table 二: documents made and repealed (the stock of those in force chained from last year), decisions,
    fees. A district makes no 规章: the stock group's first row is "/"."""
    table = edition.table_of_kind("disclosure")
    stock = table.stock_group()
    cells = {}
    for group in table.groups:
        for row_index, row in enumerate(group.rows):
            for column in group.columns:
                key = (table.code, row.code, column.code)
                if group is stock and row_index == 0:
                    cells[key] = NOT_APPLICABLE
                elif group is stock:
                    continue  # below, once made and repealed are known
                elif column.kind is CellKind.MONEY:
                    cells[key] = Decimal(rng.randint(0, scale * 300)) / 100
                else:
                    cells[key] = rng.randint(0, scale * 20)
    if stock is not None:
        for row in stock.rows[1:]:
            before = in_force_before.get(row.code, rng.randint(5, 30))
            made, repealed = rng.randint(0, 4), rng.randint(0, min(2, before))
            cells[(table.code, row.code, table.stock.made)] = made
            cells[(table.code, row.code, table.stock.repealed)] = repealed
            cells[(table.code, row.code, table.stock.in_force)] = before + made - repealed
    return cells


def texts_for(name, short_name, year, received, is_government):
    oversight = (
        "落实政务公开工作责任，开展工作考核、社会评议和责任追究。" if is_government else "落实政务公开工作责任。"
    )
    on_request = (
        f"本年度共收到政府信息公开申请{received}件，均在法定期限内答复。"
        if received
        else "本年度没有收到政府信息公开申请。"
    )
    return {
        "overview_summary": f"{year}年，{short_name}认真贯彻落实《中华人民共和国政府信息公开条例》。",
        "overview_proactive": "通过门户网站、政务新媒体及时公开各类政府信息。",
        "overview_on_request": on_request,
        "overview_management": "加强政府信息公开审查，规范发布流程。",
        "overview_platform": f"持续完善{name}政府信息公开专栏。",
        "overview_oversight": oversight,
        "problems": "主动公开的深度和解读质量仍需提升。下一步将加强培训，提高公开质量。",
        "other_matters": INFORMATION_FEE_TEXT,
    }


def figures_for(report, rng, scale, trend, previous, is_current):
    """Every entered cell of ``report``, consistent with last year's report ``previous`` (or None)."""
    edition = report.format
    carried_in, in_force, last_total = {}, {}, 0
    if previous is not None:
        last = previous.values()
        before = previous.format.table_of_kind("applications")
        for column in before.applicant_columns:
            value = last.get(before.key(before.carried_forward_row, column.code))
            carried_in[column.code] = int(value or 0)
        last_total = int(last.get(before.received_key()) or 0)
        stock = edition.table_of_kind("disclosure").stock
        if stock is not None and previous.format.table_of_kind("disclosure").stock is not None:
            for spec in previous.format.entered_cells():
                if spec.key.column == stock.in_force and isinstance(last.get(spec.key), Decimal):
                    in_force[spec.key.row] = int(last[spec.key])
    received = _applications_this_year(rng, scale, trend, last_total, is_current)
    cells = {}
    cells.update(table_two(edition, rng, scale, in_force, report.organization.slug))
    cells.update(table_three(edition, rng, received, carried_in))
    cells.update(table_four(edition, rng, scale))
    values = {}
    for spec in edition.entered_cells():
        value = cells.get(spec.key, 0)
        values[spec.key] = value if value == NOT_APPLICABLE else Decimal(value)
    return values, received


# ---- the reports ------------------------------------------------------------------------------------------


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _date_events(report, when):
    """The history of a report written in bulk today dated as if written when it was."""
    ReportEvent.objects.filter(report=report).update(at=when)


def _write(organization, year, rng, scale, trend, is_current, blanks=False):
    report = actions.create_report(organization, year)
    previous = report.previous()
    values, received = figures_for(report, rng, scale, trend, previous, is_current)
    if blanks:  # a draft half-way through: table 四 and half of table 三 still empty
        values = {k: v for i, (k, v) in enumerate(values.items()) if i < len(values) // 2}
    texts = texts_for(organization.name, organization.short_name, year, received, organization.kind == GOVERNMENT)
    if blanks:
        texts = {k: v for k, v in texts.items() if k.startswith("overview")}
    actions.save_content(report, None, texts=texts, cells=values)
    report.refresh_from_db()
    return report


def _published_at(organization, year, rng, late):
    deadline = organization.deadline(year)
    if late:
        return _at(deadline + datetime.timedelta(days=rng.randint(3, 40)))
    return _at(deadline - datetime.timedelta(days=rng.randint(1, 25)))


def _publish(report, reviewer, when):
    publish_report(report, reviewer, require_approved=False, published_at=when, render=False)
    _date_events(report, when)


def load(year, reviewer, editor):
    """The district's reports: ``PAST_YEARS`` published years before ``year``, then ``year`` in every state.
    Idempotent: a report that exists is left as it is."""
    by_slug = Organization.objects.in_bulk([slug for slug, *_ in _plan()], field_name="slug")
    existing = set(
        AnnualReport.objects.filter(organization__in=by_slug.values()).values_list("organization__slug", "year")
    )
    written = 0
    for slug, scale, state, trend, back in _plan():
        organization = by_slug[slug]
        for y in range(year - back, year + 1):
            if (slug, y) in existing or (y == year and state == NOT_STARTED):
                continue
            rng = random.Random(f"{slug}-{y}")
            current = y == year
            report = _write(organization, y, rng, scale, trend, current, blanks=current and state == HALF_FILLED)
            written += 1
            if not current:
                _publish(report, reviewer, _published_at(organization, y, rng, late=rng.random() < 0.15))
            else:
                _advance(report, state, rng, reviewer, editor)
    return written


def _advance(report, state, rng, reviewer, editor):
    """Take this year's report to its state through the workflow."""
    organization, year = report.organization, report.year
    if state in (ON_TIME, LATE, CORRECTING):
        _publish(report, reviewer, _published_at(organization, year, rng, late=state == LATE))
        if state == CORRECTING:
            reopen_for_correction(report, reviewer, "更正表三中部分公开的件数")
        return
    if state in (SUBMITTED, RETURNED, APPROVED):
        report = workflow.submit_report(report, editor)
        if state == RETURNED:
            workflow.return_report(report, reviewer, "请核对表三“部分公开”的件数，并补充监督保障情况。")
        elif state == APPROVED:
            workflow.approve_report(report, reviewer)
