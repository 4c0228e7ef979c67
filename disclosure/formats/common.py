"""Labels that both editions share, written once and used by each edition's description."""

from .base import (
    ApplicationTable,
    CellKind,
    Column,
    ColumnGroup,
    LitigationBlock,
    LitigationTable,
    Part,
    Row,
    Stock,
    TextSection,
)

PREFACE = TextSection(
    "preface",
    "前言",
    heading=False,
    optional=True,
    carried=True,
    help="编制依据、报告期（1月1日至12月31日）、联系地址和电话等；可选。",
)

OVERVIEW = Part(
    "overview",
    "一、总体情况",
    sections=(
        # The lead paragraph most reports put under 一 before its first sub-topic.
        TextSection(
            "overview_summary",
            "总体情况概述",
            heading=False,
            optional=True,
            help="“一、总体情况”开头的概述段落；可选。",
        ),
        TextSection("overview_proactive", "（一）主动公开"),
        TextSection("overview_on_request", "（二）依申请公开"),
        TextSection("overview_management", "（三）政府信息管理"),
        TextSection("overview_platform", "（四）政府信息公开平台建设"),
        TextSection(
            "overview_oversight", "（五）监督保障", help="人民政府还应报告工作考核、社会评议和责任追究结果情况。"
        ),
    ),
)
PROBLEMS = Part.of_text("problems", "五、存在的主要问题及改进情况", "problems")
OTHER = Part.of_text(
    "other",
    "六、其他需要报告的事项",
    "other_matters",
    help="说明是否收取信息处理费、收取多少；没有需要报告的事项写“无。”",
)

# What the rules read from the narrative, the same in both editions (see Edition).
NARRATIVE_ROLES = {
    "overview_part": OVERVIEW.code,
    "oversight_section": "overview_oversight",
    "fee_section": OTHER.sections[0].code,
}

PROACTIVE_LABEL = "二、主动公开政府信息情况"
CONTENT_LABEL = "信息内容"


def article20(item):
    return f"第二十条第（{item}）项"


# Table 三 — identical in both editions apart from （六）其他处理.

APPLICANT_COLUMNS = ColumnGroup(
    "申请人情况",
    (
        Column("natural_person", "自然人"),
        ColumnGroup(
            "法人或其他组织",
            (
                Column("commercial_enterprise", "商业企业"),
                Column("research_institution", "科研机构"),
                Column("social_welfare_org", "社会公益组织"),
                Column("legal_service_org", "法律服务机构"),
                Column("other_org", "其他"),
            ),
        ),
        Column("total", "总计", derived=True),
    ),
)

REFUSED = Row(
    "refused",
    "（三）不予公开",
    short_label="不予公开",
    children=(
        Row("refused_state_secret", "1.属于国家秘密"),
        Row("refused_prohibited_by_law", "2.其他法律行政法规禁止公开"),
        Row("refused_three_securities", "3.危及“三安全一稳定”"),
        Row("refused_third_party_rights", "4.保护第三方合法权益"),
        Row("refused_internal_affairs", "5.属于三类内部事务信息"),
        Row("refused_process_information", "6.属于四类过程性信息"),
        Row("refused_enforcement_files", "7.属于行政执法案卷"),
        Row("refused_query_matters", "8.属于行政查询事项"),
    ),
)
UNABLE = Row(
    "unable",
    "（四）无法提供",
    short_label="无法提供",
    children=(
        Row("unable_not_held", "1.本机关不掌握相关政府信息"),
        Row("unable_needs_creation", "2.没有现成信息需要另行制作"),
        Row("unable_still_unclear", "3.补正后申请内容仍不明确"),
    ),
)
NOT_PROCESSED = Row(
    "not_processed",
    "（五）不予处理",
    short_label="不予处理",
    children=(
        Row("not_processed_complaints", "1.信访举报投诉类申请"),
        Row("not_processed_repeated", "2.重复申请"),
        Row("not_processed_publications", "3.要求提供公开出版物"),
        Row("not_processed_excessive", "4.无正当理由大量反复申请"),
        Row("not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息"),
    ),
)
OTHER_HANDLING_LABEL = "（六）其他处理"
OTHER_HANDLING_NAME = "其他处理"  # how the rules' messages and the indicators name the row


def application_table(other_handling, fee_lapsed_row=""):
    """Table 三 with the edition's （六）其他处理 row (a leaf in 2019, three sub-rows in 2021)."""
    results = Row(
        "results",
        "三、本年度办理结果",
        children=(
            Row("granted", "（一）予以公开", short_label="予以公开"),
            Row("partly_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", short_label="部分公开"),
            REFUSED,
            UNABLE,
            NOT_PROCESSED,
            other_handling,
            Row("results_total", "（七）总计", derived=True, short_label="办理结果总计"),
        ),
    )
    return ApplicationTable(
        code="applications",
        label="三、收到和处理政府信息公开申请情况",
        corner_label="（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        column_header=APPLICANT_COLUMNS,
        rows=(
            Row("new", "一、本年新收政府信息公开申请数量", short_label="本年新收"),
            Row("carried_in", "二、上年结转政府信息公开申请数量", short_label="上年结转"),
            results,
            Row("carried_forward", "四、结转下年度继续办理", short_label="结转下年度"),
        ),
        new_row="new",
        carried_in_row="carried_in",
        results_row="results",
        results_total_row="results_total",
        carried_forward_row="carried_forward",
        fee_lapsed_row=fee_lapsed_row,
    )


# Table 四 — the same in both editions.

OUTCOME_COLUMNS = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计", derived=True),
)

LITIGATION_TABLE = LitigationTable(
    code="litigation",
    label="四、政府信息公开行政复议、行政诉讼情况",
    row=Row("cases", ""),  # the official table has one unlabelled data row
    reconsideration=LitigationBlock("reconsideration", "行政复议", OUTCOME_COLUMNS),
    litigation_label="行政诉讼",
    lawsuits=(
        LitigationBlock("direct_suit", "未经复议直接起诉", OUTCOME_COLUMNS),
        LitigationBlock("suit_after_reconsideration", "复议后起诉", OUTCOME_COLUMNS),
    ),
    corrected_column="corrected",
)

COMMON_RULES = (
    "blank",
    "T3-sum",
    "T3-balance",
    "T3-total",
    "T4-sum",
    "X-carry",
    "N-fee",
    "N-text",
    "N-year",
    "N-oversight",
)

# Re-exported so the edition modules import their building blocks from one place.
__all__ = [
    "APPLICANT_COLUMNS",
    "CONTENT_LABEL",
    "COMMON_RULES",
    "CellKind",
    "Column",
    "LITIGATION_TABLE",
    "NARRATIVE_ROLES",
    "OTHER",
    "OTHER_HANDLING_LABEL",
    "OTHER_HANDLING_NAME",
    "OVERVIEW",
    "PREFACE",
    "PROACTIVE_LABEL",
    "PROBLEMS",
    "Row",
    "Stock",
    "application_table",
    "article20",
]
