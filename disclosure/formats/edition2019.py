"""The 2019 (试行) edition: 国办公开办函〔2019〕60号, for the report years 2019 and 2020."""

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
    application_table,
    article20,
)

PREVIOUS_ITEMS = Column("previous_items", "上一年项目数量")
CHANGE = Column("change", "本年增/减", CellKind.SIGNED)
DECISIONS = Column("decisions", "处理决定数量")

PROACTIVE_TABLE = DisclosureTable(
    code="proactive",
    label=PROACTIVE_LABEL,
    content_label=CONTENT_LABEL,
    groups=(
        DisclosureGroup(
            "article20_1",
            article20("一"),
            (
                Column("new_made", "本年新制作数量"),
                Column("new_published", "本年新公开数量"),
                Column("published_total", "对外公开总数量"),
            ),
            (Row("rules", "规章"), Row("normative_documents", "规范性文件")),
        ),
        DisclosureGroup(
            "article20_5",
            article20("五"),
            (PREVIOUS_ITEMS, CHANGE, DECISIONS),
            (Row("licensing", "行政许可"), Row("other_management_services", "其他对外管理服务事项")),
        ),
        DisclosureGroup(
            "article20_6",
            article20("六"),
            (PREVIOUS_ITEMS, CHANGE, DECISIONS),
            (Row("penalties", "行政处罚"), Row("coercion", "行政强制")),
        ),
        DisclosureGroup(
            "article20_8",
            article20("八"),
            (PREVIOUS_ITEMS, CHANGE),
            (Row("fees", "行政事业性收费"),),
        ),
        DisclosureGroup(
            "article20_9",
            article20("九"),
            (Column("procurement_items", "采购项目数量"), Column("procurement_amount", "采购总金额", CellKind.MONEY)),
            (Row("procurement", "政府集中采购"),),
        ),
    ),
)

EDITION = Edition(
    code="2019",
    name="2019年版（试行）",
    document="国办公开办函〔2019〕60号",
    first_year=2019,
    last_year=2020,
    preface=PREFACE,
    parts=(
        OVERVIEW,
        Part.of_table(PROACTIVE_TABLE),
        Part.of_table(application_table(Row("other_handling", OTHER_HANDLING_LABEL, short_label=OTHER_HANDLING_NAME))),
        Part.of_table(LITIGATION_TABLE),
        PROBLEMS,
        OTHER,
    ),
    rules=COMMON_RULES,
    **NARRATIVE_ROLES,
)
