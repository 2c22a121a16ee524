"""The yearly implementation report: every computed number against a hand-counted fixture, the
call → write → send → return → send again flow with its audit and notices, who sees and does
what, the asking unit's overview (who has, has not, late), the printed PDF read back, and query
counts that do not grow with units or exemplars.

The fixture, school year 2026 (2025 - 2026), campaign of Sở Đà Nẵng, chain school → commune → Sở:

    school A  1 Ánh    teacher     recognised (QĐ 15/QĐ-SGDĐT)   max position 2
              2 Bình   teacher     under review at the commune    1
              3 Cúc    teacher     rejected at the commune        1
              4 Tổ 1   collective  approved, waiting decision     2
              5 Dung   teacher     draft                          (not introduced)
              6 Giang  teacher     withdrawn                      (not introduced)
              7 Hà     teacher     returned by the commune        1
    school B  8 Bích   teacher     under review at the Sở         2
              9 Khoa   teacher     revoked                        2
    school A 10 Lan    teacher     recognised, but in a 2025 round (other year)
"""

import datetime
import io
import unicodedata
from datetime import date
from types import SimpleNamespace

import openpyxl
import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from pypdf import PdfReader

from campaigns.models import Round
from core.concurrency import StaleVersionError
from core.models import AuditEvent
from nominations.models import Decision, Nomination
from notifications import kinds
from notifications.models import Message
from reporting.models import Export
from tests.conftest import counting_queries
from tests.factories import PersonFactory, RecordFactory, UnitFactory, place, title
from units.enums import Role, SchoolType, UnitLevel
from units.models import Membership
from yearly import selectors, services
from yearly.enums import ReportStatus, Standing
from yearly.models import ImplementationReport, ReportCall
from yearly.services import ReportError

pytestmark = pytest.mark.django_db
DUE = date(2026, 8, 30)
AFTER_DUE = datetime.datetime(2026, 9, 2, 3, 0, tzinfo=datetime.UTC)
SECTIONS = {
    "direction": (
        "Nhà trường ban hành kế hoạch số 12/KH-TH ngày 15/9/2025.\n\nPhân công tổ chuyên môn."
    ),
    "propagation": "Đăng 14 tin, bài trên trang thông tin điện tử của trường.",
}


@pytest.fixture
def dossiers(new_nomination, tree, users, campaign):
    def make(name, where, *, unit=None, school=None, **extra):
        school = school or tree.school_a
        actor = users.nominator if school == tree.school_a else users.sibling
        person = None if unit else PersonFactory(unit=school, full_name=name)
        nomination = new_nomination(
            person=person, unit=unit, actor=actor, nominating_unit=school, fill=False
        )
        return place(nomination, where, **extra)

    decision = Decision.objects.create(
        unit=tree.danang,
        number="15/QĐ-SGDĐT",
        signed_on=date(2026, 5, 20),
        issuer="Giám đốc Sở GDĐT Đà Nẵng",
    )
    made = SimpleNamespace(
        anh=make("Nguyễn Thị Ánh", "recognised", decision=decision),
        binh=make("Lê Văn Bình", "under_review@commune"),
        cuc=make("Phạm Thu Cúc", "rejected"),
        team=make("", "approved", unit=tree.team_a),
        dung=make("Võ Thị Dung", "draft"),
        giang=make("Đỗ Văn Giang", "withdrawn"),
        ha=make("Hồ Thị Hà", "returned"),
        bich=make("Trần Thị Bích", "under_review@province", school=tree.school_b),
        khoa=make("Đinh Văn Khoa", "revoked", school=tree.school_b),
        lan=make("Mai Thị Lan", "recognised"),
    )
    round_2025 = Round.objects.create(
        campaign=campaign,
        name="Năm học 2024 - 2025",
        kind="yearly",
        opens_on=date(2024, 9, 1),
        year=2025,
    )
    Nomination.objects.filter(pk=made.lan.pk).update(round=round_2025)
    return made


@pytest.fixture
def registry(tree, dossiers):
    """Registry facts of 2026 in and out of the subtrees, and some that must not count."""
    anh, lan = dossiers.anh.nominee_person, dossiers.lan.nominee_person
    team_member = PersonFactory(unit=tree.team_a, full_name="Lê Văn Tám")
    b_teacher = dossiers.bich.nominee_person
    c_teacher = PersonFactory(unit=tree.school_c, full_name="Rơ Mah Hlim")
    RecordFactory(person=anh, year=2026, kind="title", title=title("LDTT"))
    RecordFactory(person=lan, year=2026, kind="title", title=title("CSTDCS"))
    RecordFactory(unit=tree.school_a, year=2026, kind="title", title=title("TTLDTT"))
    RecordFactory(person=team_member, year=2026, kind="title", title=title("GK"))
    RecordFactory(person=b_teacher, year=2026, kind="initiative", description="Sáng kiến")
    # Not counted: another year, revoked, a discipline, another province.
    RecordFactory(person=anh, year=2025, kind="title", title=title("LDTT"))
    RecordFactory(person=lan, year=2026, kind="title", title=title("GK"), is_revoked=True)
    RecordFactory(person=anh, year=2026, kind="discipline", discipline_level="reprimand")
    RecordFactory(person=c_teacher, year=2026, kind="title", title=title("LDTT"))


def by_category(figures):
    return {row["category"]: row for row in figures["categories"]}


MEASURES = ("introduced", "forwarded", "in_review", "recognised", "rejected", "revoked")


def row(*values):
    return dict(zip(MEASURES, values, strict=True))


# --- the numbers ------------------------------------------------------------------------------
def test_school_figures_are_counted_by_hand(tree, dossiers, registry):
    figures = selectors.report_figures(tree.school_a, 2026)
    rows = by_category(figures)
    #                                 intro fwd  review  recog  rej  revoked
    assert {k: rows["teacher"][k] for k in MEASURES} == row(4, 4, 2, 1, 1, 0)
    assert {k: rows["collective"][k] for k in MEASURES} == row(1, 1, 1, 0, 0, 0)
    assert {k: rows["manager"][k] for k in MEASURES} == row(0, 0, 0, 0, 0, 0)
    assert figures["totals"] == row(5, 5, 3, 1, 1, 0)
    assert figures["titles"] == [{"title": title("DHTT").name, "introduced": 5, "recognised": 1}]
    registry_rows = {r["row"]: (r["individual"], r["collective"]) for r in figures["registry"]}
    assert registry_rows == {
        "emulation": (2, 1),
        "award": (1, 0),
        "initiative": (0, 0),
        "research": (0, 0),
    }
    names = [e["name"] for e in figures["exemplars"]]
    # Ordered by nominating unit, then category (collective before teacher), then creation.
    assert names == ["Tổ 1", "Nguyễn Thị Ánh", "Lê Văn Bình", "Phạm Thu Cúc", "Hồ Thị Hà"]
    anh = figures["exemplars"][1]
    assert anh == {
        "nomination": dossiers.anh.pk,
        "name": "Nguyễn Thị Ánh",
        "collective": False,
        "position": "GV",
        "unit": "Trường Tiểu học Lê Lợi",
        "title": title("DHTT").name,
        "category": "teacher",
        "state": "recognised",
        "decision_number": "15/QĐ-SGDĐT",
        "decision_date": "2026-05-20",
        "decision_issuer": "Giám đốc Sở GDĐT Đà Nẵng",
    }
    assert figures["exemplars"][0]["collective"] is True
    assert figures["exemplars"][0]["unit"] == "Trường Tiểu học Lê Lợi"


def test_commune_figures_cover_its_subtree_and_count_what_it_sent_up(tree, dossiers, registry):
    figures = selectors.report_figures(tree.commune, 2026)
    rows = by_category(figures)
    # Forwarded by the commune: those that went past it (Ánh, Tổ 1, Bích, Khoa), not those that
    # stopped there (Bình under review, Cúc rejected, Hà returned by it).
    assert {k: rows["teacher"][k] for k in MEASURES} == row(6, 3, 3, 1, 1, 1)
    assert {k: rows["collective"][k] for k in MEASURES} == row(1, 1, 1, 0, 0, 0)
    assert figures["totals"] == row(7, 4, 4, 1, 1, 1)
    registry_rows = {r["row"]: (r["individual"], r["collective"]) for r in figures["registry"]}
    assert registry_rows["emulation"] == (2, 1)
    assert registry_rows["initiative"] == (1, 0)
    readable = selectors.readable(figures)
    assert [e["name"] for e in readable["recognised"]] == ["Nguyễn Thị Ánh"]
    assert readable["recognised"][0]["decision_date"] == date(2026, 5, 20)
    assert readable["registry_total"] == 5


def test_other_years_and_other_provinces_count_nothing(tree, dossiers, registry):
    assert selectors.report_figures(tree.school_a, 2025)["totals"]["recognised"] == 1  # Lan
    assert selectors.report_figures(tree.school_a, 2024)["totals"] == row(0, 0, 0, 0, 0, 0)
    gialai = selectors.report_figures(tree.gialai, 2026)
    assert gialai["totals"]["introduced"] == 0
    assert {r["row"]: r["individual"] for r in gialai["registry"]}["emulation"] == 1


# --- the call ---------------------------------------------------------------------------------
@pytest.fixture
def call(users, tree, clock):
    return services.report_call_create(
        actor=users.commune, unit=tree.commune, year=2026, due_on=DUE
    )


def test_a_call_goes_to_the_writers_of_the_direct_sub_units(call, users, tree):
    assert call.title == (
        "Kết quả thực hiện công tác tuyên truyền, nhân rộng điển hình tiên tiến năm học 2025 - 2026"
    )
    assert list(selectors.expected_units(call)) == [tree.school_a, tree.school_b]  # no team
    told = set(
        Message.objects.filter(key__startswith=f"report-call:{call.pk}:").values_list(
            "recipient", flat=True
        )
    )
    assert told == {users.nominator.pk, users.principal.pk, users.sibling.pk}
    message = Message.objects.get(recipient=users.principal)
    assert "30/08/2026" in message.body
    assert "UBND phường Hải Châu" in message.body
    assert AuditEvent.objects.filter(action="report_call.create", target_id=str(call.pk)).exists()
    # Moving the due date tells them once more, once.
    for _ in range(2):
        services.report_call_update(
            actor=users.commune, call=call, due_on=date(2026, 9, 15), title=call.title
        )
    assert Message.objects.filter(recipient=users.principal).count() == 2
    assert AuditEvent.objects.filter(action="report_call.update").count() == 1


def test_who_may_ask_and_what_is_refused(users, tree, clock, call):
    with pytest.raises(PermissionDenied):  # a nominator does not issue calls
        services.report_call_create(actor=users.nominator, unit=tree.commune, year=2027, due_on=DUE)
    with pytest.raises(PermissionDenied):  # the Sở's approver acts for the Sở, not the commune
        services.report_call_create(actor=users.province, unit=tree.commune, year=2027, due_on=DUE)
    with pytest.raises(ReportError, match="đã yêu cầu báo cáo năm học 2025 - 2026"):
        services.report_call_create(actor=users.commune, unit=tree.commune, year=2026, due_on=DUE)
    with pytest.raises(ReportError, match="Hạn gửi đã qua"):
        services.report_call_create(
            actor=users.commune, unit=tree.commune, year=2027, due_on=date(2026, 3, 1)
        )
    with pytest.raises(ReportError, match="không có đơn vị trực thuộc"):  # nothing below B
        services.report_call_create(actor=users.sibling, unit=tree.school_b, year=2026, due_on=DUE)
    province_call = services.report_call_create(
        actor=users.admin, unit=tree.danang, year=2026, due_on=DUE
    )
    assert list(selectors.expected_units(province_call)) == [tree.commune]


# --- writing and sending ----------------------------------------------------------------------
def write(report, actor, **fields):
    return services.report_update(actor=actor, report=report, **{**SECTIONS, **fields})


def test_send_freezes_the_numbers_audits_and_tells_the_parent_once(
    call, users, tree, dossiers, registry
):
    report = services.report_start(actor=users.nominator, call=call, unit=tree.school_a)
    assert services.report_start(actor=users.principal, call=call, unit=tree.school_a) == report
    with pytest.raises(ReportError) as missing:
        services.report_send(actor=users.principal, report=report)
    assert len(missing.value.messages) == 2
    report = write(report, users.nominator, signer_title="Hiệu trưởng", signer_name="Lê Thị Mai")
    with pytest.raises(PermissionDenied):  # nominators draft; the head sends
        services.report_send(actor=users.nominator, report=report)

    sent_at = datetime.datetime(2026, 8, 20, 2, 0, tzinfo=datetime.UTC)
    report = services.report_send(actor=users.principal, report=report, now=sent_at)
    assert report.status == ReportStatus.SENT
    assert (report.sent_to, report.sent_by, report.sent_at) == (
        tree.commune,
        users.principal,
        sent_at,
    )
    assert report.first_sent_at == sent_at
    assert report.send_count == 1
    snap = report.snapshot
    assert snap["figures"]["totals"] == row(5, 5, 3, 1, 1, 0)
    assert snap["sections"]["propagation"] == SECTIONS["propagation"]
    assert (snap["issuer"], snap["issuer_parent"], snap["place"]) == (
        "Trường Tiểu học Lê Lợi",
        "UBND phường Hải Châu",
        "Hải Châu",  # a school under a commune writes the commune's name (Decree 30)
    )
    event = AuditEvent.objects.get(action="report.send")
    assert event.actor == users.principal
    assert event.data["late"] is False
    messages = Message.objects.filter(key__startswith=f"report:{report.pk}:sent1:")
    assert [m.recipient for m in messages] == [users.commune]  # the parent's approver only
    assert "Trường Tiểu học Lê Lợi" in messages[0].body
    # A kind of its own, not the dossiers' "Có hồ sơ gửi đến".
    assert messages[0].kind == "report_sent"
    assert kinds.label(messages[0].kind) == "Có báo cáo năm gửi đến"

    # Not twice: a second press is refused and writes nothing.
    with pytest.raises(ReportError, match="đã được gửi"):
        services.report_send(actor=users.principal, report=report)
    assert Message.objects.filter(key__startswith=f"report:{report.pk}:").count() == 1
    with pytest.raises(ReportError, match="không sửa được"):
        write(report, users.principal, direction="Sửa sau khi gửi")

    # Later dossiers change the live numbers, never what was sent.
    dossiers_after = place(Nomination.objects.get(pk=dossiers.dung.pk), "under_review@commune")
    assert dossiers_after.state == "under_review"
    report.refresh_from_db()
    assert report.snapshot["figures"]["totals"]["introduced"] == 5
    assert selectors.report_figures(tree.school_a, 2026)["totals"]["introduced"] == 6
    frozen = selectors.report_view(report, live=False)
    assert frozen.figures["totals"]["introduced"] == 5
    assert not frozen.live
    assert frozen.day == date(2026, 8, 20)


def test_return_and_send_again(call, users, tree, dossiers):
    report = services.report_start(actor=users.principal, call=call, unit=tree.school_a)
    report = write(report, users.principal)
    first = datetime.datetime(2026, 8, 1, 2, 0, tzinfo=datetime.UTC)
    report = services.report_send(actor=users.principal, report=report, now=first)
    with pytest.raises(PermissionDenied):  # the sibling does not receive it
        services.report_return(actor=users.sibling, report=report, reason="x")
    with pytest.raises(ReportError, match="lý do"):
        services.report_return(actor=users.commune, report=report, reason="  ")
    report = services.report_return(
        actor=users.commune, report=report, reason="Bổ sung số tin, bài trên mạng xã hội."
    )
    assert report.status == ReportStatus.RETURNED
    assert report.returned_by == users.commune
    told = Message.objects.filter(key__startswith=f"report:{report.pk}:returned1:")
    assert {m.recipient for m in told} == {users.nominator, users.principal}
    assert {m.kind for m in told} == {"report_returned"}
    assert AuditEvent.objects.filter(action="report.return", target_id=str(report.pk)).exists()
    # The parent still reads what it received; the unit edits its working copy.
    assert selectors.reports_visible_to(users.commune).filter(pk=report.pk).exists()
    report = write(report, users.nominator, propagation="Đăng 20 tin, bài; 3 bài trên Zalo.")
    assert report.snapshot["sections"]["propagation"] == SECTIONS["propagation"]
    late = datetime.datetime(2026, 9, 5, 2, 0, tzinfo=datetime.UTC)
    report = services.report_send(actor=users.principal, report=report, now=late)
    assert report.send_count == 2
    assert report.first_sent_at == first
    assert report.snapshot["sections"]["propagation"].startswith("Đăng 20 tin")
    again = Message.objects.get(key=f"report:{report.pk}:sent2:{users.commune.pk}")
    assert "gửi lại" in again.body


def test_a_stale_page_does_not_overwrite_a_newer_save(call, users, tree):
    report = services.report_start(actor=users.principal, call=call, unit=tree.school_a)
    version = report.version
    write(report, users.nominator)
    with pytest.raises(StaleVersionError, match="người khác đã lưu thay đổi"):
        services.report_update(
            actor=users.principal, report=report, expected_version=version, direction="Cũ"
        )


def test_text_is_cleaned_and_bounded(call, users, tree):
    report = services.report_start(actor=users.principal, call=call, unit=tree.school_a)
    report = services.report_update(
        actor=users.principal,
        report=report,
        direction="Cu\u0309a tru\u031bo\u031b\u0300ng\u00a0 A  \r\n\r\n\r\n\r\nDòng 2   ",
    )
    assert report.direction == unicodedata.normalize("NFC", "Của trường A\n\nDòng 2")
    with pytest.raises(ReportError, match="dài quá"):
        services.report_update(actor=users.principal, report=report, proposals="x" * 20_001)


def test_a_unit_not_asked_cannot_start(call, users, tree, make_user):
    team_approver = make_user((tree.team_a, Role.APPROVER), username="to.truong")
    with pytest.raises(ReportError, match="không thuộc các đơn vị"):
        services.report_start(actor=team_approver, call=call, unit=tree.team_a)
    with pytest.raises(PermissionDenied):  # a Sở approver does not write for the school
        services.report_start(actor=users.province, call=call, unit=tree.school_a)


# --- pages: who sees and does what --------------------------------------------------------------
@pytest.fixture
def sent(call, users, tree, dossiers):
    report = services.report_start(actor=users.principal, call=call, unit=tree.school_a)
    write(report, users.principal)
    return services.report_send(actor=users.principal, report=report)


def test_anonymous_users_are_sent_to_the_login_page(client, sent, call):
    for url in (
        reverse("yearly:index"),
        reverse("yearly:call", args=[call.pk]),
        reverse("yearly:call_create"),
        reverse("yearly:report", args=[sent.pk]),
        reverse("yearly:report_pdf", args=[sent.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/tai-khoan/dang-nhap/" in response["Location"]


def test_a_draft_is_the_units_own_until_sent(client, call, users, tree, make_user):
    report = services.report_start(actor=users.principal, call=call, unit=tree.school_a)
    url = reverse("yearly:report", args=[report.pk])
    viewer_a = make_user((tree.school_a, Role.VIEWER), username="a.xem")
    expected = {
        users.principal: 200,
        users.nominator: 200,
        viewer_a: 200,
        users.commune: 404,  # the parent reads it once sent, not while drafted
        users.province: 404,
        users.sibling: 404,
    }
    for user, status in expected.items():
        client.force_login(user)
        assert client.get(url).status_code == status, user.username


def test_a_sent_report_is_read_above_and_never_beside(client, sent, users, tree, make_user):
    gialai = make_user((tree.gialai, Role.APPROVER), username="gl.duyet")
    expected = {
        users.commune: 200,
        users.province: 200,
        users.viewer: 200,
        users.ministry: 200,
        users.sibling: 404,
        gialai: 404,
    }
    for url in (
        reverse("yearly:report", args=[sent.pk]),
        reverse("yearly:report_pdf", args=[sent.pk]),
    ):
        for user, status in expected.items():
            client.force_login(user)
            assert client.get(url).status_code == status, (url, user.username)


def test_nominators_draft_viewers_read_only_heads_send(client, call, users, tree, make_user):
    report = services.report_start(actor=users.principal, call=call, unit=tree.school_a)
    edit = reverse("yearly:report_edit", args=[report.pk])
    send = reverse("yearly:report_send", args=[report.pk])
    viewer_a = make_user((tree.school_a, Role.VIEWER), username="a.xem")
    client.force_login(viewer_a)
    assert client.get(edit).status_code == 403
    client.force_login(users.nominator)
    response = client.post(edit, {"version": report.version, **SECTIONS, "signer_name": "Lê Mai"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.signer_name == "Lê Mai"
    assert report.direction == SECTIONS["direction"]
    assert client.post(send, {"version": report.version}).status_code == 403
    detail = client.get(reverse("yearly:report", args=[report.pk])).content.decode()
    assert send not in detail  # no button for what one may not do
    client.force_login(users.principal)
    detail = client.get(reverse("yearly:report", args=[report.pk])).content.decode()
    assert send in detail
    response = client.post(send, {"version": report.version}, follow=True)
    assert "Đã gửi báo cáo đến UBND phường Hải Châu" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SENT
    # A stale page pressing send again gets a sentence, not a second report.
    response = client.post(send, {"version": report.version - 1}, follow=True)
    assert "đã được gửi" in response.content.decode()


def test_the_parent_returns_from_the_page(client, sent, users):
    url = reverse("yearly:report_return", args=[sent.pk])
    client.force_login(users.province)  # above, but not the receiving unit
    assert client.post(url, {"reason": "Thiếu số liệu"}).status_code == 403
    client.force_login(users.commune)
    page = client.get(reverse("yearly:report", args=[sent.pk])).content.decode()
    assert url in page
    client.post(url, {"reason": "Thiếu số liệu"})
    sent.refresh_from_db()
    assert sent.status == ReportStatus.RETURNED
    assert sent.return_reason == "Thiếu số liệu"


def test_user_text_is_escaped(client, call, users, tree):
    report = services.report_start(actor=users.principal, call=call, unit=tree.school_a)
    write(report, users.principal, difficulties="<script>alert(1)</script> & 2 < 3")
    client.force_login(users.principal)
    page = client.get(reverse("yearly:report", args=[report.pk])).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 2 &lt; 3" in page
    text = pdf_text(client.get(reverse("yearly:report_pdf", args=[report.pk])).content)
    assert "<script>alert(1)</script> & 2 < 3" in text


def test_the_call_pages(client, users, tree, clock):
    client.force_login(users.nominator)
    assert client.get(reverse("yearly:call_create")).status_code == 403
    client.force_login(users.commune)
    response = client.post(
        reverse("yearly:call_create"),
        {"unit": tree.commune.pk, "year": 2026, "due_on": "30/08/2026", "title": ""},
    )
    call = ReportCall.objects.get(unit=tree.commune, year=2026)
    assert response["Location"] == reverse("yearly:call", args=[call.pk])
    assert call.due_on == DUE
    response = client.post(
        reverse("yearly:call_create"),
        {"unit": tree.commune.pk, "year": 2026, "due_on": "30/08/2026"},
    )
    assert "hãy sửa yêu cầu đó" in response.content.decode()
    edit = reverse("yearly:call_edit", args=[call.pk])
    client.post(edit, {"due_on": "15/09/2026", "title": call.title, "instructions": "Gửi sớm."})
    call.refresh_from_db()
    assert call.due_on == date(2026, 9, 15)
    assert call.instructions == "Gửi sớm."
    client.force_login(users.principal)  # sees the call addressed to it, not its overview
    index = client.get(reverse("yearly:index")).content.decode()
    assert reverse("yearly:report_start", args=[call.pk, "TH-A"]) in index
    client.force_login(users.sibling)  # a school with nothing below asks nobody: no button, no page
    index = client.get(reverse("yearly:index")).content.decode()
    assert reverse("yearly:call_create") not in index
    assert client.get(reverse("yearly:call_create")).status_code == 403
    client.force_login(users.principal)
    assert client.get(reverse("yearly:call", args=[call.pk])).status_code == 404
    assert client.get(edit).status_code == 404
    client.force_login(users.province)  # oversees it, may not change it
    assert client.get(reverse("yearly:call", args=[call.pk])).status_code == 200
    assert client.get(edit).status_code == 403
    client.force_login(users.principal)
    response = client.post(reverse("yearly:report_start", args=[call.pk, "TH-A"]))
    report = ImplementationReport.objects.get(unit=tree.school_a)
    assert response["Location"] == reverse("yearly:report_edit", args=[report.pk])
    # A unit the user holds no role at is not found.
    response = client.post(reverse("yearly:report_start", args=[call.pk, "TH-B"]))
    assert response.status_code == 404


# --- the overview -----------------------------------------------------------------------------
def standings(overview):
    return {row.unit.code: (row.standing, row.late) for row in overview.rows}


def test_the_parent_sees_who_has_and_has_not_reported(call, users, tree, dossiers):
    overview = selectors.call_overview(call)
    assert standings(overview) == {
        "TH-A": (Standing.NOT_STARTED, False),
        "TH-B": (Standing.NOT_STARTED, False),
    }
    report_a = services.report_start(actor=users.principal, call=call, unit=tree.school_a)
    write(report_a, users.principal)
    services.report_send(actor=users.principal, report=report_a)
    services.report_start(actor=users.sibling, call=call, unit=tree.school_b)
    overview = selectors.call_overview(call)
    assert standings(overview) == {
        "TH-A": (Standing.SENT, False),
        "TH-B": (Standing.DRAFTING, False),
    }
    assert (overview.expected, overview.sent, overview.not_sent, overview.overdue) == (2, 1, 1, 0)
    assert overview.rows[0].report.sent_introduced == 5
    assert overview.rows[0].report.sent_recognised == 1

    with time_machine.travel(AFTER_DUE, tick=False):
        overview = selectors.call_overview(call)
        assert standings(overview)["TH-B"] == (Standing.DRAFTING, True)
        assert overview.overdue == 1
        report_b = ImplementationReport.objects.get(unit=tree.school_b)
        write(report_b, users.sibling)
        services.report_send(actor=users.sibling, report=report_b)
        overview = selectors.call_overview(call)
    assert standings(overview) == {"TH-A": (Standing.SENT, False), "TH-B": (Standing.SENT, True)}
    assert (overview.sent, overview.sent_late, overview.overdue) == (2, 1, 0)


def test_overview_page_and_spreadsheet(client, sent, call, users):
    client.force_login(users.commune)
    url = reverse("yearly:call", args=[call.pk])
    page = client.get(url).content.decode()
    assert 'data-unit="TH-A" data-standing="sent"' in page
    assert 'data-unit="TH-B" data-standing="not_started"' in page
    assert reverse("yearly:report_pdf", args=[sent.pk]) in page
    response = client.get(url, {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Mã đơn vị", "Đơn vị", "Tình trạng")
    assert rows[1][0] == "TH-A"
    assert rows[1][2] == "Đã gửi"
    assert rows[1][6] == 5
    assert rows[2][0] == "TH-B"
    assert rows[2][2] == "Chưa lập báo cáo"
    assert AuditEvent.objects.filter(action="report_call.export").count() == 1
    client.force_login(users.sibling)
    assert client.get(url).status_code == 404


# --- the printed report -----------------------------------------------------------------------
def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


def test_a_long_report_is_printed_in_the_background(
    client, settings, call, users, tree, celery_eager, django_capture_on_commit_callbacks
):
    report = services.report_start(actor=users.principal, call=call, unit=tree.school_a)
    write(report, users.principal, difficulties="Thiếu kinh phí. " * 400)
    settings.PDF_INLINE_MAX_CHARS = 5000  # a short report prints inline, this one does not
    client.force_login(users.principal)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("yearly:report_pdf", args=[report.pk]))
    export = Export.objects.get()
    assert response.url == reverse("reporting:export", args=[export.pk])
    assert export.name == "bao-cao-nam-hoc-2026-th-a-du-thao.pdf"
    download = client.get(reverse("reporting:export_download", args=[export.pk]))
    text = pdf_text(b"".join(download.streaming_content))
    assert "DỰ THẢO" in text
    assert text.count("Thiếu kinh phí.") > 390  # the whole text, over several pages
    assert AuditEvent.objects.filter(action="document.implementation_report").count() == 1


def test_the_pdf_reads_back_in_the_official_layout(client, call, users, tree, dossiers, registry):
    report = services.report_start(actor=users.principal, call=call, unit=tree.school_a)
    write(report, users.principal, difficulties="Thiếu kinh phí.", number="25/BC-TH")
    client.force_login(users.principal)
    draft = pdf_text(client.get(reverse("yearly:report_pdf", args=[report.pk])).content)
    assert "DỰ THẢO" in draft
    services.report_send(actor=users.principal, report=report)
    client.force_login(users.commune)
    response = client.get(reverse("yearly:report_pdf", args=[report.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "bao-cao-nam-hoc-2026-th-a.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    for expected in (
        "UBND PHƯỜNG HẢI CHÂU",
        "TRƯỜNG TIỂU HỌC LÊ LỢI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 25/BC-TH",
        "Hải Châu, ngày",
        "BÁO CÁO",
        "năm học 2025 - 2026",
        "Kính gửi: UBND phường Hải Châu",
        "I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI THỰC HIỆN",
        "kế hoạch số 12/KH-TH",
        "II. KẾT QUẢ THỰC HIỆN",
        "Giáo viên, giảng viên 4 4 2 1 1",
        "Tập thể 1 1 1 0 0",
        "Tổng cộng 5 5 3 1 1",
        "Danh hiệu thi đua 2 1 3",
        "Nguyễn Thị Ánh",
        "15/QĐ-SGDĐT, 20/05/2026",
        "Hồ Thị Hà",
        "6. Kết quả tuyên truyền, nhân rộng điển hình tiên tiến",
        "Đăng 14 tin, bài",
        "III. HẠN CHẾ, KHÓ KHĂN, VƯỚNG MẮC",
        "Thiếu kinh phí.",
        "THỦ TRƯỞNG ĐƠN VỊ",
        "Nơi nhận:",
    ):
        assert expected in text, expected
    assert "DỰ THẢO" not in text
    assert "IV." not in text  # no proposals: the section is left out, not printed bare
    assert "Võ Thị Dung" not in text
    assert "Mai Thị Lan" not in text
    assert text.index("I. CÔNG TÁC") < text.index("II. KẾT QUẢ") < text.index("III. HẠN CHẾ")
    event = AuditEvent.objects.filter(action="document.implementation_report").order_by("pk").last()
    assert event.actor == users.commune
    assert event.data == {"draft": False}


# --- query counts -----------------------------------------------------------------------------
def count_queries(client, url) -> int:
    with counting_queries() as count:
        response = client.get(url)
    assert response.status_code == 200, url
    return count[0]


def add_school(tree, n, call, users, make_user, *, send=True):
    school = UnitFactory(
        code=f"TH-N{n}", name=f"Trường số {n}", parent=tree.commune, school_type=SchoolType.PRIMARY
    )
    head = make_user((school, Role.APPROVER), username=f"ht{n}")
    report = services.report_start(actor=head, call=call, unit=school)
    if send:
        write(report, head)
        services.report_send(actor=head, report=report)
    return school


def test_overview_and_index_queries_do_not_grow_with_sub_units(
    client, call, users, tree, make_user
):
    client.force_login(users.commune)
    overview = reverse("yearly:call", args=[call.pk])
    index = reverse("yearly:index")
    services.report_call_create(actor=users.admin, unit=tree.danang, year=2025 + 1, due_on=DUE)
    client.get(overview)
    add_school(tree, 1, call, users, make_user)
    before = count_queries(client, overview), count_queries(client, index)
    for n in range(2, 6):
        add_school(tree, n, call, users, make_user, send=n % 2 == 0)
    services.report_call_create(actor=users.admin, unit=tree.danang, year=2027, due_on=DUE)
    Membership.objects.create(user=users.commune, unit=tree.danang, role=Role.VIEWER)
    assert (count_queries(client, overview), count_queries(client, index)) == before


def test_report_page_and_pdf_queries_do_not_grow_with_exemplars(
    client, call, users, tree, new_nomination
):
    report = services.report_start(actor=users.principal, call=call, unit=tree.school_a)
    write(report, users.principal)
    client.force_login(users.principal)
    urls = (
        reverse("yearly:report", args=[report.pk]),
        reverse("yearly:report_pdf", args=[report.pk]),
    )

    def add(n):
        for i in range(n):
            person = PersonFactory(unit=tree.school_a, full_name=f"Giáo viên {i}")
            place(new_nomination(person=person, fill=False), "under_review@commune")
            RecordFactory(person=person, year=2026, kind="title", title=title("LDTT"))

    add(1)
    before = [count_queries(client, url) for url in urls]
    add(3)
    assert [count_queries(client, url) for url in urls] == before


# --- levels ----------------------------------------------------------------------------------
def test_closed_units_and_teams_are_not_asked(tree, users, clock):
    UnitFactory(
        code="PGD-OLD",
        name="Phòng GDĐT cũ",
        level=UnitLevel.DISTRICT,
        parent=tree.danang,
        valid_to=date(2025, 6, 30),
    )
    call = services.report_call_create(actor=users.admin, unit=tree.danang, year=2026, due_on=DUE)
    assert [u.code for u in selectors.expected_units(call)] == ["X-HC"]


def test_members_find_it_in_the_menu_and_admins_in_the_admin(client, sent, users, make_user):
    client.force_login(users.nominator)
    assert reverse("yearly:index") in client.get(reverse("home")).content.decode()
    admin_user = make_user(username="quantri", is_superuser=True, is_staff=True)
    client.force_login(admin_user)
    for name in ("reportcall", "implementationreport"):
        assert client.get(reverse(f"admin:yearly_{name}_changelist")).status_code == 200
    change = reverse("admin:yearly_implementationreport_change", args=[sent.pk])
    assert client.get(change).status_code == 200
    # A system admin reads every report but does not act for a unit.
    assert client.get(reverse("yearly:report", args=[sent.pk])).status_code == 200
    with pytest.raises(PermissionDenied):
        services.report_return(actor=admin_user, report=sent, reason="x")


def test_an_institution_asks_its_faculties(client, users, tree, make_user, clock):
    """Seed 004: the academy's faculties and offices report to it; a Sở's offices do not."""
    UnitFactory(code="SGD-DN-VP", name="Văn phòng Sở", level=UnitLevel.SUBUNIT, parent=tree.danang)
    province_call = services.report_call_create(
        actor=users.admin, unit=tree.danang, year=2026, due_on=DUE
    )
    assert [u.code for u in selectors.expected_units(province_call)] == ["X-HC"]
    school_call = services.report_call_create(
        actor=users.principal, unit=tree.school_a, year=2026, due_on=DUE
    )
    assert list(selectors.expected_units(school_call)) == [tree.team_a]
    progress = selectors.with_progress(ReportCall.objects.order_by("pk"))
    assert [(c.expected_count, c.sent_count) for c in progress] == [(1, 0), (1, 0)]
    head = make_user((tree.team_a, Role.APPROVER), username="truong.khoa")
    assert [(a.unit, a.call, a.can_write) for a in selectors.assignments_of(head)] == [
        (tree.team_a, school_call, True)
    ]
    report = services.report_start(actor=head, call=school_call, unit=tree.team_a)
    write(report, head)
    assert services.report_send(actor=head, report=report).sent_to == tree.school_a
    client.force_login(head)
    assert client.get(reverse("yearly:index")).status_code == 200


# --- a stale tab and a double click -----------------------------------------------------------
def test_a_stale_tab_keeps_what_was_typed_and_shows_what_is_stored(client, call, users, tree):
    report = services.report_start(actor=users.principal, call=call, unit=tree.school_a)
    edit = reverse("yearly:report_edit", args=[report.pk])
    client.force_login(users.principal)
    read_at = report.version
    write(report, users.nominator, direction="Bản của đồng nghiệp")
    response = client.post(edit, {"version": read_at, **SECTIONS, "direction": "Bản của tôi"})
    assert response.status_code == 200
    assert "người khác đã lưu thay đổi" in response.text
    rows = {label: (stored, typed) for label, stored, typed in response.context["stale"]}
    assert rows["Công tác chỉ đạo, triển khai thực hiện"] == ("Bản của đồng nghiệp", "Bản của tôi")
    assert response.context["form"]["direction"].value() == "Bản của tôi"
    report.refresh_from_db()
    assert report.direction == "Bản của đồng nghiệp"


def test_a_double_click_on_send_sends_once_and_says_nothing_wrong(
    client, call, users, tree, django_capture_on_commit_callbacks
):
    report = services.report_start(actor=users.principal, call=call, unit=tree.school_a)
    report = write(report, users.principal)
    client.force_login(users.principal)
    page = client.get(reverse("yearly:report", args=[report.pk]))
    assert 'name="form_token"' in page.text
    send = reverse("yearly:report_send", args=[report.pk])
    data = {"version": report.version, "form_token": "0d6f1f1e-3a7c-4a39-8c0e-4c3b5d2a9e11"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send, data)
        second = client.post(send, data, follow=True)
    report.refresh_from_db()
    assert (report.status, report.send_count) == (ReportStatus.SENT, 1)
    assert "không cần gửi lại" not in second.text


def test_the_report_counts_exactly_its_school_year(tree, dossiers, campaign):
    """The 2025 - 2026 report counted a Q4/2026 dossier (its round's calendar year is 2026)
    and a decision dated 06/12/2026. It counts the school year, 01/09/2025 - 31/08/2026."""
    q4 = Round.objects.create(
        campaign=campaign,
        name="Quý 4/2026",
        kind="quarterly",
        opens_on=date(2026, 10, 1),
        year=2026,
    )
    Nomination.objects.filter(pk=dossiers.binh.pk).update(round=q4)
    late = Decision.objects.create(
        unit=tree.danang,
        number="99/QĐ-SGDĐT",
        signed_on=date(2026, 12, 6),
        issuer="Giám đốc Sở GDĐT Đà Nẵng",
    )
    Nomination.objects.filter(pk=dossiers.anh.pk).update(decision=late)
    figures = selectors.report_figures(tree.school_a, 2026)
    rows = by_category(figures)
    #                                 intro fwd  review  recog  rej  revoked
    # Bình's Q4 round belongs to 2026 - 2027; Ánh was decided after the year: still waiting.
    assert {k: rows["teacher"][k] for k in MEASURES} == row(3, 3, 2, 0, 1, 0)
    anh = next(e for e in figures["exemplars"] if e["name"] == "Nguyễn Thị Ánh")
    assert (anh["state"], anh["decision_number"]) == ("approved", "")
    # The next school year's report has Bình.
    assert by_category(selectors.report_figures(tree.school_a, 2027))["teacher"]["introduced"] == 1
    # A call may state its own period: to 31/12/2026, Ánh's decision counts.
    period = (date(2025, 9, 1), date(2026, 12, 31))
    wide = by_category(selectors.report_figures(tree.school_a, 2026, period))
    assert wide["teacher"]["recognised"] == 1
    assert wide["teacher"]["introduced"] == 4
