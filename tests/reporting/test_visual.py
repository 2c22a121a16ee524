"""Visual regression of the printed documents: page 1 of every document, rendered from fixed
data to a PNG (pypdfium2, the PDFium renderer from PyPI: no system package), compared with the
reviewed reference in tests/reporting/visual/ within a tolerance, so a layout change is seen.

After an intended change: `UPDATE_VISUAL=1 pytest tests/reporting/test_visual.py`, look at every
PNG it wrote, commit them. The comparison allows anti-aliasing noise (another FreeType draws a
glyph's edge a shade differently), not a moved line: at most 0.5% of the pixels may differ by
more than a quarter of the grey range.
"""

import io
import os
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image, ImageChops

from reporting import printing
from reporting.documents import render_pdf
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
REFERENCES = Path(__file__).parent / "visual"
SCALE = 100 / 72  # 100 dpi: readable in the README, small in the repo
MAX_DIFFERING = 0.005
LEVEL = 64
SUMMARY = (
    "<p>Với hơn 15 năm gắn bó với nghề, cô Ánh luôn tận tụy, gương mẫu, được đồng nghiệp và học "
    "sinh tin yêu. Cô đổi mới phương pháp dạy học theo hướng phát triển phẩm chất, năng lực học "
    "sinh; ứng dụng công nghệ thông tin vào từng tiết dạy.</p>"
    "<p>Cô bồi dưỡng học sinh giỏi đạt nhiều giải cấp thành phố, phối hợp với cha mẹ học sinh "
    "kèm cặp các em có hoàn cảnh khó khăn, không để học sinh nào bỏ học giữa chừng.</p>"
)


def first_page_png(pdf: bytes) -> Image.Image:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return document[0].render(scale=SCALE).to_pil().convert("L")
    finally:
        document.close()


def differing_share(actual: Image.Image, reference: Image.Image) -> float:
    if actual.size != reference.size:
        return 1.0
    diff = ImageChops.difference(actual, reference).point(lambda v: 255 if v > LEVEL else 0)
    return diff.histogram()[255] / (actual.size[0] * actual.size[1])


def documents(p, tree, campaign):
    """(name, template, context) of every document."""
    yield "individual-report", *printing.nomination_document(p.individual)[:2]
    yield "collective-report", *printing.nomination_document(p.collective)[:2]
    campaign.report_template = "short"
    campaign.save()
    p.individual.campaign.refresh_from_db()
    yield "short-report", *printing.nomination_document(p.individual)[:2]
    yield (
        "introduction-list",
        *printing.unit_list_document(p.round, tree.school_a, "registration")[:2],
    )
    yield "sent-list", *printing.unit_list_document(p.round, tree.commune, "sent")[:2]
    yield "registration-list", *printing.registration_document(campaign, tree.school_a)[:2]
    yield "council-minutes", *printing.council_minutes_document(p.session)[:2]
    yield "draft-decision", *printing.draft_decision_document(p.session)[:2]
    yield "decision-annex", *printing.decision_annex_document(p.decision)[:2]
    long_name = UnitFactory(
        code="PTDTNT-NBK",
        name="Trường Phổ thông Dân tộc nội trú Trung học cơ sở và Trung học phổ thông "
        "Nguyễn Bỉnh Khiêm",
        parent=tree.commune,
    )
    yield "long-unit-name", *printing.registration_document(campaign, long_name)[:2]


def test_page_one_of_every_document_matches_its_reviewed_reference(papers, tree, campaign):
    update = os.environ.get("UPDATE_VISUAL") == "1"
    changed = []
    for name, template, context in documents(papers, tree, campaign):
        actual = first_page_png(render_pdf(template, context))
        path = REFERENCES / f"{name}.png"
        if update:
            REFERENCES.mkdir(exist_ok=True)
            actual.save(path, optimize=True)
            continue
        assert path.exists(), f"no reference for {name}; run with UPDATE_VISUAL=1 and review it"
        share = differing_share(actual, Image.open(path).convert("L"))
        if share > MAX_DIFFERING:
            actual.save(path.with_suffix(".actual.png"))
            changed.append(f"{name}: {share:.2%} of the pixels differ")
    assert not changed, (
        "Page 1 changed: " + "; ".join(changed) + ". Compare the .actual.png files with the "
        "references; if the change is intended, run with UPDATE_VISUAL=1 and review them."
    )


def test_the_comparison_sees_a_moved_line_but_not_noise():
    base = Image.new("L", (200, 200), 255)
    page = base.copy()
    page.paste(0, (20, 40, 180, 42))
    assert differing_share(page, page) == 0
    noisy = page.point(lambda v: min(255, v + 20))  # a shade lighter everywhere: anti-aliasing
    assert differing_share(noisy, page) == 0
    moved = base.copy()
    moved.paste(0, (20, 60, 180, 62))
    assert differing_share(moved, page) > MAX_DIFFERING
    buffer = io.BytesIO()
    page.save(buffer, "PNG")
    assert differing_share(Image.open(buffer).convert("L"), page) == 0
