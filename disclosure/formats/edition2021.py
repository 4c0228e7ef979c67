"""The 2021 edition: 国办公开办函〔2021〕30号 (2021-09-26), for the report years 2021 onward."""

from .base import DisclosureGroup, DisclosureTable, Edition, Part
from .common import (
    COMMON_RULES,
    CONTENT_LABEL,
    LITIGATION_TABLE,
    NARRATIVE_ROLES,
    OTHER,
    OTHER_HANDLING_LABEL,
    OTHER_HANDLING_NAME,
    OVERVIEW,
    PREFACE,
    PROACTIVE_LABEL,
    PROBLEMS,
    CellKind,
    Column,
    Row,
    Stock,
    application_table,
    article20,
)

DECISIONS = Column("decisions", "本年处理决定数量")

PROACTIVE_TABLE = DisclosureTable(
    code="proactive",
    label=PROACTIVE_LABEL,
    content_label=CONTENT_LABEL,
    groups=(
        DisclosureGroup(
            "article20_1",
            article20("一"),
            (Column("made", "本年制发件数"), Column("repealed", "本年废止件数"), Column("in_force", "现行有效件数")),
            (Row("rules", "规章"), Row("normative_documents", "行政规范性文件")),
        ),
        DisclosureGroup("article20_5", article20("五"), (DECISIONS,), (Row("licensing", "行政许可"),)),
        DisclosureGroup(
            "article20_6",
            article20("六"),
            (DECISIONS,),
            (Row("penalties", "行政处罚"), Row("coercion", "行政强制")),
        ),
        DisclosureGroup(
            "article20_8",
            article20("八"),
            (Column("fee_amount", "本年收费金额（单位：万元）", CellKind.MONEY),),
            (Row("fees", "行政事业性收费"),),
        ),
    ),
    stock=Stock(made="made", repealed="repealed", in_force="in_force"),
)

OTHER_HANDLING = Row(
    "other_handling",
    OTHER_HANDLING_LABEL,
    short_label=OTHER_HANDLING_NAME,
    children=(
        Row("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
        Row("other_no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
        Row("other_other", "3.其他"),
    ),
)

EDITION = Edition(
    code="2021",
    name="2021年版",
    document="国办公开办函〔2021〕30号",
    first_year=2021,
    last_year=None,
    preface=PREFACE,
    parts=(
        OVERVIEW,
        Part.of_table(PROACTIVE_TABLE),
        Part.of_table(application_table(OTHER_HANDLING, fee_lapsed_row="other_no_fee")),
        Part.of_table(LITIGATION_TABLE),
        PROBLEMS,
        OTHER,
    ),
    rules=(*COMMON_RULES, "X-stock"),
    **NARRATIVE_ROLES,
)
