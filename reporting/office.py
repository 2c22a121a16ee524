"""The editable files of the printed documents: the draft decision as Word (python-docx; offices
finish decisions in Word) and the documents' own lists as Excel (openpyxl): the decision's
annex and the seed 002 registration/introduction lists, laid out as the paper is.

Same Decree 30/2020 layout as the PDFs: A4, margins 20/15/20/30 mm, Times New Roman 13–14 pt
(the font every Vietnamese office has), header table with the governing body and the unit left
and the national motto right."""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from core.exports import neutralise as safe_cell

from .templatetags.documents import vn_dateline, vn_upper

FONT = "Times New Roman"


# --- Word -------------------------------------------------------------------------------------


def _paragraph(cell_or_doc, text="", *, bold=False, italic=False, size=13, align=None, indent=0):
    paragraph = cell_or_doc.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(3)
    if indent:
        paragraph.paragraph_format.first_line_indent = Mm(indent)
    if align is not None:
        paragraph.alignment = align
    if text:
        _run(paragraph, text, bold=bold, italic=italic, size=size)
    return paragraph


def _run(paragraph, text, *, bold=False, italic=False, size=13):
    run = paragraph.add_run(text)
    run.bold, run.italic, run.font.size, run.font.name = bold, italic, Pt(size), FONT
    run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return run


def _underline_paragraph(paragraph):
    """A bottom border on a paragraph: the rule under the motto, as long as the line."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _page_numbers_from_page_two(section):
    """Decree 30: page numbers top centre, from page 2 (a different first page has none)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = _run(paragraph, "")
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _a4(document):
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.PORTRAIT
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    _page_numbers_from_page_two(section)
    return section


def _header_table(document, head: dict):
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Mm(70), Mm(95)
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if head.get("governing"):
        _run(left.paragraphs[0], vn_upper(head["governing"]), size=12)
        _paragraph(left, vn_upper(head["issuer_name"]), bold=True, size=12, align=1)
    else:
        _run(left.paragraphs[0], vn_upper(head["issuer_name"]), bold=True, size=12)
    _paragraph(left, "───────", size=10, align=WD_ALIGN_PARAGRAPH.CENTER)
    number = head.get("number") or f"      /{head.get('number_suffix', '')}"
    _paragraph(left, f"Số: {number}", size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(right.paragraphs[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    motto = _paragraph(right, align=WD_ALIGN_PARAGRAPH.CENTER)
    _run(motto, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13)
    _underline_paragraph(motto)
    motto.paragraph_format.left_indent = Mm(16)
    motto.paragraph_format.right_indent = Mm(16)
    _paragraph(
        right,
        f"{head['place']}, {vn_dateline(head['day'])}",
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )


def decision_docx(draft) -> bytes:
    document = Document()
    _a4(document)
    _header_table(document, draft.header)
    _paragraph(document, "DỰ THẢO", bold=True, size=11, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, "QUYẾT ĐỊNH", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, draft.subject, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "────────", size=10, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(
        document, vn_upper(draft.authority), bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    for line in draft.bases:
        _paragraph(document, f"{line};", italic=True, size=14, align=justify, indent=10)
    _paragraph(document, draft.proposal, italic=True, size=14, align=justify, indent=10)
    _paragraph(document, "QUYẾT ĐỊNH:", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    for label, lines in (
        ("Điều 1.", [draft.article1]),
        ("Điều 2.", draft.article2),
        ("Điều 3.", [draft.article3]),
    ):
        for index, line in enumerate(lines):
            paragraph = _paragraph(document, align=justify, indent=10)
            if index == 0:
                _run(paragraph, f"{label} ", bold=True, size=14)
            _run(paragraph, line, size=14)
    signatures = document.add_table(rows=1, cols=2)
    left, right = signatures.rows[0].cells
    _run(left.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=12)
    for recipient in draft.recipients:
        _paragraph(left, f"- {recipient}", size=11)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(right.paragraphs[0], vn_upper(draft.signer_role), bold=True, size=14)
    for _blank in range(4):
        _paragraph(right, "")
    _paragraph(right, draft.signer_name, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)

    page_break = document.add_paragraph().add_run()
    page_break.add_break(WD_BREAK.PAGE)
    _paragraph(
        document, vn_upper(draft.annex_heading), bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    _paragraph(
        document, draft.annex_reference, italic=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER
    )
    columns = ANNEX_COLUMNS
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, (label, _width) in zip(table.rows[0].cells, columns, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], label, bold=True, size=12)
    for row in draft.rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, _annex_values(row), strict=True):
            _run(cell.paragraphs[0], str(value), size=12)
    if draft.total:
        cells = table.add_row().cells
        _run(cells[1].paragraphs[0], "Tổng cộng", bold=True, size=12)
        _run(cells[-1].paragraphs[0], _money(draft.total), bold=True, size=12)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- Excel ------------------------------------------------------------------------------------

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
ANNEX_COLUMNS = [
    ("STT", 6),
    ("Tập thể, cá nhân", 30),
    ("Chức vụ, đơn vị", 40),
    ("Danh hiệu, hình thức", 28),
    ("Tiền thưởng (đồng)", 16),
]


def _money(amount) -> str:
    return f"{int(amount):,}".replace(",", ".")


def _annex_values(row):
    return [row.number, row.name, row.where, row.title, _money(row.amount) if row.amount else ""]


class _Sheet:
    """A worksheet written row by row in the paper's layout: merged title lines, bold centred
    table headers with borders, wrapped cells, column widths that fit A4."""

    def __init__(self, sheet, widths):
        self.sheet, self.row, self.ncols = sheet, 1, len(widths)
        for index, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToHeight = 0

    def line(self, text, *, bold=False, italic=False, size=13, align="center", ours=False):
        """A merged line across the table; `ours`: fixed text of the form, not neutralised."""
        self.sheet.merge_cells(
            start_row=self.row, start_column=1, end_row=self.row, end_column=self.ncols
        )
        cell = self.sheet.cell(self.row, 1, text if ours else safe_cell(text))
        cell.font = Font(name=FONT, bold=bold, italic=italic, size=size)
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
        self.row += 1

    def blank(self):
        self.row += 1

    def table(self, headers, rows, *, numbers=(), merge=None):
        """A bordered table; `merge` (first, last): columns joined on every row (the collective
        table of seed 002 has one column fewer than the individual one)."""
        for column, label in enumerate(headers, 1):
            cell = self.sheet.cell(self.row, column, label)
            cell.font, cell.alignment, cell.border = (
                Font(name=FONT, bold=True, size=12),
                CENTRE,
                BOX,
            )
        if merge:
            self._join(merge)
        self.row += 1
        for values in rows:
            for column, value in enumerate(values, 1):
                cell = self.sheet.cell(
                    self.row, column, value if column - 1 in numbers else safe_cell(value)
                )
                cell.font, cell.border = Font(name=FONT, size=12), BOX
                cell.alignment = CENTRE if column == 1 else WRAP
                if column - 1 in numbers and isinstance(value, int):
                    cell.number_format = "#,##0"
            if merge:
                self._join(merge)
            self.row += 1

    def _join(self, merge):
        first, last = merge
        self.sheet.merge_cells(
            start_row=self.row, start_column=first + 1, end_row=self.row, end_column=last + 1
        )

    def header(self, head: dict):
        """The Decree 30 header in two half-width blocks."""
        half = self.ncols // 2
        lines_left = [vn_upper(head["governing"])] if head.get("governing") else []
        lines_left.append(vn_upper(head["issuer_name"]))
        number = head.get("number") or (
            f"Số:      /{head['number_suffix']}" if head.get("number_suffix") else ""
        )
        if number and not number.startswith("Số"):
            number = f"Số: {number}"
        left = [*lines_left, number]
        right = [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            f"{head['place']}, {vn_dateline(head['day'])}",
        ]
        for offset in range(max(len(left), len(right))):
            for text, first, last, bold in (
                (
                    left[offset] if offset < len(left) else "",
                    1,
                    half,
                    offset == len(lines_left) - 1,
                ),
                (right[offset] if offset < len(right) else "", half + 1, self.ncols, offset < 2),
            ):
                self.sheet.merge_cells(
                    start_row=self.row, start_column=first, end_row=self.row, end_column=last
                )
                cell = self.sheet.cell(self.row, first, safe_cell(text))
                italic = first > 1 and offset == 2
                cell.font = Font(name=FONT, bold=bold, italic=italic, size=12)
                cell.alignment = CENTRE
            self.row += 1
        self.blank()


def _save(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def annex_xlsx(draft) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách kèm theo QĐ"
    page = _Sheet(sheet, [w for _l, w in ANNEX_COLUMNS])
    page.header(draft.header)
    page.line(vn_upper(draft.annex_heading), bold=True)
    page.line(draft.annex_reference, italic=True, size=12)
    page.blank()
    rows = [[r.number, r.name, r.where, r.title, r.amount or ""] for r in draft.rows]
    if draft.total:
        rows.append(["", "Tổng cộng", "", "", draft.total])
    page.table([label for label, _w in ANNEX_COLUMNS], rows, numbers=(0, 4))
    return _save(workbook)


def seed002_xlsx(listing) -> bytes:
    """The registration/introduction list in seed 002's layout: title block, "1. TẬP THỂ" with
    its own table, "2. CÁ NHÂN" with another, the "Lưu ý" note."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = listing["sheet_title"][:31]
    widths = [6, 32, 20, 32, 18, 24]
    page = _Sheet(sheet, widths)
    page.header(listing["head"])
    for text in listing["title_lines"]:
        page.line(text, bold=True)
    if listing["reference"]:
        page.line(listing["reference"], italic=True, size=12)
    page.blank()
    page.line("1. TẬP THỂ", bold=True, align="left", ours=True)
    page.table(
        ["Stt", "Trường (tập thể)", "Địa chỉ", "", "Số điện thoại liên hệ", listing["title_col"]],
        [
            [i, row["name"], row["address"], "", row["phone"], row["title"]]
            for i, row in enumerate(listing["collectives"], 1)
        ],
        numbers=(0,),
        merge=(2, 3),
    )
    page.blank()
    page.line("2. CÁ NHÂN", bold=True, align="left", ours=True)
    page.table(
        ["Stt", "Họ và tên", "Chức vụ", "Đơn vị", "Số điện thoại liên hệ", listing["title_col"]],
        [
            [i, row["name"], row["position"], row["unit"], row["phone"], row["title"]]
            for i, row in enumerate(listing["individuals"], 1)
        ],
        numbers=(0,),
    )
    page.blank()
    for note in listing["notes"]:
        page.line(note, italic=True, size=12, align="left", ours=True)
    return _save(workbook)
