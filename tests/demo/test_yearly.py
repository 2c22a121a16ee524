"""The demo yearly reports: the Sở's call, one report sent and one drafting, seeded once."""

import io

import pytest
from django.core.management import call_command

from yearly.enums import ReportStatus
from yearly.models import ImplementationReport, ReportCall

pytestmark = pytest.mark.django_db


def test_demo_yearly_reports():
    call_command("seed_demo", "--scale", "demo", stdout=io.StringIO())
    output = io.StringIO()
    call_command("seed_demo", "--scale", "demo", stdout=output)
    assert "Báo cáo năm mẫu: thêm 0" in output.getvalue()
    call = ReportCall.objects.get()
    assert (call.unit.code, call.year, call.due_on.isoformat()) == ("SGD-DN", 2026, "2026-11-30")
    reports = dict(ImplementationReport.objects.values_list("unit__code", "status"))
    assert reports == {"DN-THPT001": ReportStatus.SENT, "DN-X001": ReportStatus.DRAFT}
    sent = ImplementationReport.objects.get(unit__code="DN-THPT001")
    assert sent.snapshot["sections"]["propagation"].startswith("Mở chuyên mục")
