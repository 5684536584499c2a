"""transform/attachments.py: every supported format, type by magic bytes, and what cannot be read."""

from __future__ import annotations

from pathlib import Path

import pytest

from transform.attachments import pdf_rows, read_attachment, sniff
from transform.parsers.notices import table_entries

ATTACHMENTS = Path(__file__).parent / "fixtures" / "notices" / "attachments"


def read(name: str):
    return read_attachment((ATTACHMENTS / name).read_bytes(), name)


def entries_of(attachment):
    found = [table_entries(t.rows) for t in attachment.tables]
    return [e for group in found if group for e in group]


def test_xlsx_title_row_header_and_total_row():
    attachment = read("pilot_list.xlsx")
    assert attachment.kind == "xlsx" and attachment.readable
    entries = entries_of(attachment)
    assert [(e.name, e.org, e.division) for e in entries] == [
        ("智能制造标准化试点项目", "昆山恒瑞精密机械有限公司", "昆山市"),
        ("绿色建材标准化示范项目", "苏州博达新材料科技（集团）有限公司", "苏州工业园区"),
        ("智慧物流标准化试点项目", "南京德信物流有限公司", "南京市"),
    ]


def test_xls_biff_numbers_read_as_whole_numbers():
    attachment = read("pilot_prelim.xls")
    assert attachment.kind == "xls"
    table = attachment.tables[0]
    assert table.rows[2][0] == "1"  # 1.0 in the file
    assert len(entries_of(attachment)) == 3


def test_docx_merged_level_headings_and_repeated_header():
    attachment = read("award_list.docx")
    assert attachment.kind == "docx"
    assert "附件" in attachment.text
    entries = entries_of(attachment)
    assert [(e.name, e.level, e.division) for e in entries] == [
        ("《纳米材料术语》系列标准", "国家级", "苏州工业园区"),
        ("《家政服务规范》", "省级", "张家港市"),
        ("《丝绸面料通用技术要求》", "省级", None),
    ]


def test_text_pdf_columns_survive_with_an_empty_cell():
    attachment = read("station_list.pdf")
    assert attachment.kind == "pdf" and attachment.readable
    entries = entries_of(attachment)
    assert [(e.name, e.org, e.division) for e in entries] == [
        ("智能制造质量赋能站", "常熟市宏泰电气有限公司", "常熟市"),
        ("检验检测质量接力站", "苏州市计量测试院", None),
        ("丝绸纺织质量赋能站", "吴江区盛泽丝绸研究院", "吴江区"),
    ]


def test_pdf_rows_put_cells_under_the_nearest_header_column():
    lines = ["序号   项目名称          承担单位            所属地区",
             "1      智能制造试点                          昆山市",
             "2      绿色建材示范      苏州某某 有限公司   太仓市"]
    assert pdf_rows(lines) == [
        ["序号", "项目名称", "承担单位", "所属地区"],
        ["1", "智能制造试点", "", "昆山市"],
        ["2", "绿色建材示范", "苏州某某 有限公司", "太仓市"],
    ]


@pytest.mark.parametrize("name, problem", [
    ("station_list_scan.pdf", "scanned_pdf"),
    ("legacy_word.doc", "unsupported_format"),
    ("damaged.pdf", "unreadable_file"),
])
def test_unreadable_files_say_why_and_what_to_do(name, problem):
    attachment = read(name)
    assert attachment.problem == problem and not attachment.readable
    assert name in attachment.detail and "inbox" in attachment.detail


def test_type_comes_from_the_bytes_not_the_name():
    data = (ATTACHMENTS / "pilot_list.xlsx").read_bytes()
    attachment = read_attachment(data, "名单.xls")  # an .xlsx served as .xls
    assert attachment.kind == "xlsx" and len(entries_of(attachment)) == 3
    assert sniff((ATTACHMENTS / "award_list.docx").read_bytes()) == "docx"
    assert sniff((ATTACHMENTS / "pilot_prelim.xls").read_bytes()) == "ole2"
    assert sniff(b"<html>404</html>") == "unknown"


def test_html_error_page_instead_of_a_file():
    attachment = read_attachment(b"<html><body>404 Not Found</body></html>", "名单.xlsx")
    assert attachment.problem == "unsupported_format" and "名单.xlsx" in attachment.detail


def test_zip_archive_is_not_opened():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("名单.xlsx", b"x")
    assert read_attachment(buffer.getvalue(), "附件.zip").problem == "unsupported_format"
