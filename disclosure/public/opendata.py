"""The open-data downloads of a published version: the JSON document as export_report writes it, and CSV."""

import csv
import io

from ..rendering import printed_value

CSV_HEADER = ["部分", "行", "列", "数值", "代码"]
PATH_SEPARATOR = " / "


def document_csv(document):
    """One row per cell of the three tables: part, row (with its headings), column (with its spanning
    headers), value, and the stable code ``table.row.column``. UTF-8 with a BOM, so that Excel reads it."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for part in document["parts"]:
        for row in part.get("rows", []):
            row_label = PATH_SEPARATOR.join([*row["path"], row["label"]] if row["label"] else row["path"])
            for cell in row["cells"]:
                column_label = PATH_SEPARATOR.join([*cell["path"], cell["label"]])
                code = f"{part['code']}.{row['code']}.{cell['column']}"
                writer.writerow([part["label"], row_label, column_label, printed_value(cell["value"]), code])
    return out.getvalue()
