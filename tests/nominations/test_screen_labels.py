"""What a screen reader and a phone meet on the dossier pages: one label per criterion's
self-assessment, the criteria in full on the score panel, distinct labels for the reasons of
"Trả lại" and "Từ chối", the summary editor, and date fields that open the browser's picker."""

import re

import pytest
from django.urls import reverse

from core.forms import DateInput
from nominations.forms import TransitionForm

pytestmark = pytest.mark.django_db


def test_each_self_assessment_has_its_own_label_and_the_summary_its_editor(
    client, new_nomination, users, clock
):
    nomination = new_nomination(fill=False)
    client.force_login(users.nominator)
    page = client.get(reverse("nominations:edit", args=[nomination.pk])).text
    orders = sorted(a.criterion.order for a in nomination.assessments.select_related("criterion"))
    labels = re.findall(r"<label[^>]*>\s*(Tự đánh giá[^<*]*)", page)
    assert [label.strip() for label in labels] == [f"Tự đánh giá tiêu chí {n}" for n in orders]
    assert "data-summary-editor" in page
    assert '<script src="/static/js/summary-editor.js" type="module">' in page


def test_the_score_panel_shows_each_criterion_whole_and_the_reasons_are_told_apart(
    client, placed, users, clock
):
    nomination = placed("under_review@commune")
    client.force_login(users.commune)
    page = client.get(reverse("nominations:detail", args=[nomination.pk])).text
    for criterion in nomination.criteria_set.criteria.all():
        assert f"{criterion.order}. {criterion.text}" in page
    assert "Lý do trả lại" in page
    assert "Lý do từ chối" in page


def test_date_fields_open_the_browsers_picker_and_still_accept_typed_dates():
    html = DateInput().render("signed_on", __import__("datetime").date(2026, 3, 5))
    assert 'type="date"' in html
    assert 'value="2026-03-05"' in html
    assert "inputmode" not in html  # no numeric keypad without "/"
    for typed in ("2026-03-05", "05/03/2026"):
        form = TransitionForm({"signed_on": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["signed_on"].isoformat() == "2026-03-05"
