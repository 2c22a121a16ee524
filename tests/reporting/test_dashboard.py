"""The dashboards: every number against a set of dossiers placed by hand, scoping, the workbook,
the PDF, the cache, and query counts that do not grow with dossiers or units.

The set (campaign DN-Q1 of the Sở Đà Nẵng; chain school → commune X-HC → Sở; today 16/03/2026):

round Quý 1/2026               state          position/max  title      category
  a1  school A                 under review   2/2 (Sở)      DHTT       teacher
  a2  school A                 recognised     2/2           CSTD_TINH  teacher
  a3  school A (the school)    under review   1/1 (commune) TTLDXS     collective
  a4  school A                 draft          0/0           DHTT       teacher
  a5  school A                 returned       0/1           DHTT       teacher
  a6  school A                 withdrawn      1/1           DHTT       teacher
  t1  team 1 of school A       under review   1/1 (school)  DHTT       teacher
  b1  school B                 rejected       1/1           DHTT       teacher
  b2  school B                 approved       2/2           DHTT       teacher
round Quý 2/2026
  a7  school A                 recognised     2/2           DHTT       teacher
  b3  school B                 under review   1/1           DHTT       teacher

Quotas of Quý 1: a school may forward 2 teachers and must send 1 collective; the commune may
forward 3 and must forward 2. School D ("Trường Tiểu học Yên Thế", no dossier) has an extension
to 10/04; the school deadline is 03/04.
"""

import csv
import datetime
import io
import unicodedata
from datetime import date
from types import SimpleNamespace

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from campaigns.models import Extension, Quota, Round, RoundDeadline
from core.models import AuditEvent
from nominations import services
from nominations.enums import Action, State
from reporting import charts, dashboards
from reporting.models import Export
from tests.conftest import counting_queries
from tests.factories import PersonFactory, UnitFactory, place, title
from units.enums import Role, SchoolType

pytestmark = pytest.mark.django_db
URL = "/bang-dieu-khien/"


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """A new dashboard version for every test (the database is new, its primary keys may not
    be): retires every cached entry without flushing a Redis that other things share."""
    settings.DASHBOARD_CACHE_SECONDS = 0  # the cache has its own tests below
    dashboards.retire_now()


@pytest.fixture
def school_d(tree):
    return UnitFactory(
        code="TH-D",
        name="Trường Tiểu học Yên Thế",
        parent=tree.commune,
        school_type=SchoolType.PRIMARY,
    )


@pytest.fixture
def board(campaign, tree, users, make_user, school_d, clock):
    """The dossiers of the module docstring."""
    campaign.titles.add(title("CSTD_TINH"), title("TTLDXS"))
    q1 = campaign.rounds.get()
    q2 = Round.objects.create(
        campaign=campaign, name="Quý 2/2026", kind="quarterly", opens_on=date(2026, 4, 1), year=2026
    )
    for level, day in (("school", date(2026, 7, 3)), ("commune", date(2026, 7, 10))):
        RoundDeadline.objects.create(round=q2, level=level, deadline=day)
    Quota.objects.create(round=q1, level="school", category="teacher", max_forward=2)
    Quota.objects.create(round=q1, level="school", category="collective", min_target=1)
    Quota.objects.create(round=q1, level="commune", category="", max_forward=3, min_target=2)
    Extension.objects.create(round=q1, unit=school_d, deadline=date(2026, 4, 10), reason="Lũ lụt")
    editors = {
        unit.pk: make_user((unit, Role.NOMINATOR))
        for unit in (tree.school_a, tree.school_b, tree.team_a)
    }

    def dossier(unit, state, position, *, round_=q1, code="DHTT", collective=False):
        nomination = services.nomination_create(
            actor=editors[unit.pk],
            campaign=campaign,
            round_=round_,
            category="collective" if collective else "teacher",
            title=title(code),
            nominating_unit=unit,
            person=None if collective else PersonFactory(unit=unit),
            nominee_unit=unit if collective else None,
        )
        return place(nomination, (state, position, 1 if state == "returned" else None))

    a, b, team = tree.school_a, tree.school_b, tree.team_a
    return SimpleNamespace(
        q1=q1,
        q2=q2,
        a1=dossier(a, State.UNDER_REVIEW, 2),
        a2=dossier(a, State.RECOGNISED, 2, code="CSTD_TINH"),
        a3=dossier(a, State.UNDER_REVIEW, 1, code="TTLDXS", collective=True),
        a4=dossier(a, State.DRAFT, 0),
        a5=dossier(a, State.RETURNED, 0),
        a6=dossier(a, State.WITHDRAWN, 1),
        t1=dossier(team, State.UNDER_REVIEW, 1),
        b1=dossier(b, State.REJECTED, 1),
        b2=dossier(b, State.APPROVED, 2),
        a7=dossier(a, State.RECOGNISED, 2, round_=q2),
        b3=dossier(b, State.UNDER_REVIEW, 1, round_=q2),
    )


def page(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.context["board"], response


def table(b, key):
    return {label: n for label, n, _share in next(x for x in b.breakdowns if x.key == key).rows}


def row(b, code):
    return next(r for r in b.children if r["code"] == code)


# --- every number -----------------------------------------------------------------------------
def test_commune_sees_its_schools_dossiers_that_reached_it(client, board, users):
    b, response = page(client, users.commune)
    assert response.context["selection"].round == board.q1  # today is in Quý 1's window
    # a4 (a draft) and t1 (still at school A) have not reached the commune: not counted.
    assert b.kpis == [
        ("Tổng số hồ sơ", 7),
        ("Đã gửi lên", 6),  # a1 a2 a3 a5 b1 b2 (a6 was withdrawn)
        ("Đang xét", 2),  # a1 a3
        ("Được khen thưởng", 1),  # a2
    ]
    assert table(b, "trang-thai") == {
        "Đang soạn": 0,
        "Đang xét": 2,
        "Trả lại để bổ sung": 1,
        "Không được chọn": 1,
        "Đã được duyệt, chờ quyết định": 1,
        "Đã có quyết định khen thưởng": 1,
        "Đã rút": 1,
        "Đã bị thu hồi": 0,
    }
    # Where they are now: a1 a2 b2 at the Sở; a3 a6 b1 at the commune; a5 back at the school.
    assert table(b, "cap") == {"Trường, cơ sở giáo dục": 1, "UBND cấp xã": 3, "Sở": 3}
    assert list(table(b, "cap")) == ["Trường, cơ sở giáo dục", "UBND cấp xã", "Sở"]
    assert table(b, "doi-tuong") == {"Giáo viên, giảng viên": 6, "Tập thể": 1}
    shares = {label: share for label, _n, share in b.breakdowns[2].rows}
    assert shares == {"Giáo viên, giảng viên": 85.7, "Tập thể": 14.3}
    assert [(r["name"], r["total"], r["sent"], r["recognised"]) for r in b.trend] == [
        ("Quý 1/2026", 7, 6, 1),
        ("Quý 2/2026", 2, 2, 1),
    ]


def test_title_table_counts_each_title(client, board, users):
    b, _response = page(client, users.commune)
    names = {t.code: t.name for t in (title("DHTT"), title("CSTD_TINH"), title("TTLDXS"))}
    assert table(b, "danh-hieu") == {names["DHTT"]: 5, names["CSTD_TINH"]: 1, names["TTLDXS"]: 1}
    assert next(label for label, _n, _s in b.breakdowns[3].rows) == names["DHTT"]  # most first


def test_completion_table_of_the_commune(client, board, users):
    b, _response = page(client, users.commune)
    own = b.own
    # Left the commune: a1 a2 b2 (all still counting); a3 waits at the commune.
    assert (own["sent"], own["used"], own["waiting"]) == (3, 3, 1)
    assert own["quota_label"] == "Đã chuyển 3/3; chỉ tiêu ít nhất 2: đã đạt"
    assert own["status"] == "done"
    assert own["deadline"] == date(2026, 4, 10)
    # Laggards first: D (behind, nothing counting), B (behind, one counting), then A (done).
    assert [r["code"] for r in b.children] == ["TH-D", "TH-B", "TH-A"]
    a, b_, d = row(b, "TH-A"), row(b, "TH-B"), row(b, "TH-D")
    # A: sent a1 a2 a3 a5 (a6 withdrawn); counting a1 a2 a3 (a5 came back).
    assert (a["sent"], a["used"], a["status"], a["shortfall"]) == (4, 3, "done", 0)
    assert a["quota_label"] == (
        "Giáo viên, giảng viên: Đã chuyển 2/2; Tập thể: chỉ tiêu ít nhất 1: đã đạt"
    )
    # B: sent b1 (rejected) and b2; counting b2; no collective yet.
    assert (b_["sent"], b_["used"], b_["status"], b_["shortfall"]) == (2, 1, "behind", 1)
    assert b_["quota_label"].endswith("Tập thể: chỉ tiêu ít nhất 1: còn thiếu 1")
    assert (b_["deadline"], b_["extended"], b_["days_left"]) == (date(2026, 4, 3), False, 18)
    assert (d["sent"], d["used"], d["status"]) == (0, 0, "behind")
    assert (d["deadline"], d["extended"]) == (date(2026, 4, 10), True)
    # The progress bar is the target reached: B's teacher does not meet its collective target.
    assert (d["percent"], b_["percent"], a["percent"]) == (0, 0, 100)


def test_after_the_school_deadline_the_late_school_is_overdue_and_first(client, board, users):
    with time_machine.travel(datetime.datetime(2026, 4, 5, 3, 0, tzinfo=datetime.UTC), tick=False):
        b, _response = page(client, users.commune)
    # B's deadline (03/04) has passed; D has until 10/04.
    assert [(r["code"], r["status"], r["overdue"]) for r in b.children] == [
        ("TH-B", "overdue", True),
        ("TH-D", "behind", False),
        ("TH-A", "done", False),
    ]


def test_school_sees_its_own_and_its_teams_dossiers(client, board, users):
    b, _response = page(client, users.principal)
    # a1..a6 (its own, drafts included) and t1 (sent to the school by its team).
    assert dict(b.kpis)["Tổng số hồ sơ"] == 7
    states = table(b, "trang-thai")
    assert (states["Đang xét"], states["Đang soạn"], states["Trả lại để bổ sung"]) == (3, 1, 1)
    own = b.own
    assert (own["sent"], own["used"], own["waiting"]) == (4, 3, 1)  # t1 waits at the school
    assert own["status"] == "done"
    assert b.children == []  # the subject team nominates through its school


def test_province_sees_only_what_reached_it_and_decides(client, board, users):
    b, response = page(client, users.province)
    assert dict(b.kpis) == {
        "Tổng số hồ sơ": 3,  # a1 a2 b2
        "Đã gửi lên": 3,
        "Đang xét": 1,
        "Được khen thưởng": 1,
    }
    assert (b.own["waiting"], b.own["status"], b.own["quota_label"]) == (1, "none", "")
    assert [(r["code"], r["sent"], r["used"], r["status"]) for r in b.children] == [
        ("X-HC", 3, 3, "done")
    ]
    assert not response.context["partial"]


def test_a_viewer_sees_the_same_numbers_as_an_approver(client, board, users):
    viewer, _r = page(client, users.viewer)
    approver, _r = page(client, users.province)
    assert viewer.kpis == approver.kpis
    assert viewer.children == approver.children


def test_the_whole_campaign(client, board, users):
    b, response = page(client, users.commune, phong_trao="DN-Q1", dot="tat-ca")
    assert response.context["selection"].round is None
    assert dict(b.kpis) == {
        "Tổng số hồ sơ": 9,
        "Đã gửi lên": 8,
        "Đang xét": 3,
        "Được khen thưởng": 2,
    }
    assert b.own is None
    assert b.children == []


def test_a_chosen_round(client, board, users):
    b, response = page(client, users.commune, phong_trao="DN-Q1", dot=board.q2.pk)
    assert response.context["selection"].round == board.q2
    assert dict(b.kpis)["Tổng số hồ sơ"] == 2
    assert (b.own["sent"], b.own["used"], b.own["waiting"]) == (1, 1, 1)  # a7; b3 waits
    # No quota in Quý 2: a school is expected to send one dossier.
    # b3 waits at the commune and counts for B.
    assert [(r["code"], r["used"], r["status"]) for r in b.children] == [
        ("TH-D", 0, "behind"),
        ("TH-A", 1, "done"),
        ("TH-B", 1, "done"),
    ]
    assert row(b, "TH-D")["quota_label"] == "ít nhất 1 hồ sơ (mặc định)"


def test_a_round_of_another_campaign_falls_back_to_the_default(client, board, users):
    _b, response = page(client, users.commune, phong_trao="DN-Q1", dot="999999")
    assert response.context["selection"].round == board.q1


def test_default_round_is_the_one_the_unit_works_on():
    campaign = SimpleNamespace(status="open", owner_unit=SimpleNamespace(path="0001"))
    school = SimpleNamespace(path="00010001", level="school")
    commune = SimpleNamespace(path="00010002", level="commune")

    def rnd(pk, opens, school_day, commune_day):
        deadlines = [
            SimpleNamespace(level="school", deadline=school_day),
            SimpleNamespace(level="commune", deadline=commune_day),
        ]
        return SimpleNamespace(
            pk=pk, opens_on=opens, deadlines=SimpleNamespace(all=lambda: deadlines)
        )

    old = rnd(1, date(2025, 1, 1), date(2025, 3, 1), date(2025, 3, 8))
    q1 = rnd(2, date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 10))
    q2 = rnd(3, date(2026, 4, 1), date(2026, 7, 3), date(2026, 7, 10))
    campaign.rounds = SimpleNamespace(all=lambda: [old, q1, q2])
    assert dashboards.default_round([campaign], school, date(2026, 3, 16))[1] is q1
    # On 05/04 the schools work on quarter 2, the commune still forwards quarter 1.
    assert dashboards.default_round([campaign], school, date(2026, 4, 5))[1] is q2
    assert dashboards.default_round([campaign], commune, date(2026, 4, 5))[1] is q1
    assert dashboards.default_round([campaign], school, date(2026, 8, 1))[1] is q2  # latest opened
    assert dashboards.default_round([campaign], school, date(2024, 1, 1))[1] is old  # none yet


# --- scoping ----------------------------------------------------------------------------------
def test_anonymous_is_sent_to_login(client):
    for name in ("reporting:dashboard", "reporting:dashboard_export", "reporting:dashboard_pdf"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("sibling", "TH-A"),  # a school does not see its sibling
        ("sibling", "X-HC"),  # nor the commune above it
        ("commune", "SGD-DN"),  # nor a commune its Sở
        ("principal", "TH-B"),
        ("province", "THPT-C"),  # nor a Sở another province's school
        ("province", "NO-SUCH"),
    ],
)
def test_a_unit_outside_the_scope_is_a_404(client, board, users, who, code):
    client.force_login(getattr(users, who))
    assert client.get(URL, {"don_vi": code}).status_code == 404
    assert client.get(reverse("reporting:dashboard_export"), {"don_vi": code}).status_code == 404
    assert client.get(reverse("reporting:dashboard_pdf"), {"don_vi": code}).status_code == 404


def test_a_campaign_of_another_province_is_a_404(client, board, make_user, tree):
    gialai = make_user((tree.gialai, Role.CAMPAIGN_ADMIN))
    client.force_login(gialai)
    assert client.get(URL, {"phong_trao": "DN-Q1"}).status_code == 404
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["selection"].campaign is None
    assert "Chưa có phong trào nào liên quan đến đơn vị này." in response.content.decode()


def test_the_province_may_look_at_its_commune_with_a_note(client, board, users):
    b, response = page(client, users.province, don_vi="X-HC")
    assert response.context["partial"]
    assert 'data-testid="partial-note"' in response.content.decode()
    # Only what reached the Sở: a1 a2 b2.
    assert dict(b.kpis)["Tổng số hồ sơ"] == 3
    assert [(r["code"], r["sent"]) for r in b.children] == [
        ("TH-D", 0),
        ("TH-B", 1),
        ("TH-A", 2),
    ]


def test_a_district_sees_its_schools_only(client, make_user, tree, campaign, clock):
    """Before 1/7/2025 the district office held the schools; its dashboard lists its own."""
    district = UnitFactory(
        code="PGD-HC", name="Phòng GDĐT Hải Châu", level="district", parent=tree.danang
    )
    mine = UnitFactory(code="TH-PGD", name="Trường của phòng", parent=district)
    UnitFactory(code="TH-KHAC", name="Trường của xã", parent=tree.commune)
    officer = make_user((district, Role.VIEWER))
    client.force_login(officer)
    response = client.get(URL)
    assert response.status_code == 200
    assert [r["code"] for r in response.context["board"].children] == [mine.code]
    assert client.get(URL, {"don_vi": "TH-KHAC"}).status_code == 404
    assert client.get(URL, {"don_vi": "X-HC"}).status_code == 404


def test_a_system_administrator_starts_at_the_top_and_sees_everything(
    client, board, make_user, tree
):
    admin = make_user(is_superuser=True, is_staff=True)
    b, response = page(client, admin)
    assert response.context["unit"] == tree.ministry
    b, response = page(client, admin, don_vi="X-HC", phong_trao="DN-Q1", dot=board.q1.pk)
    assert not response.context["partial"]
    assert dict(b.kpis)["Tổng số hồ sơ"] == 9  # a1..a6, t1, b1, b2: drafts and all
    assert row(b, "TH-A")["sent"] == 4


def test_without_a_role_the_page_says_so(client, make_user):
    nobody = make_user()
    client.force_login(nobody)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["unit"] is None
    assert client.get(reverse("reporting:dashboard_export")).status_code == 404


def test_the_ministry_is_pointed_to_the_campaign_owner(client, board, users):
    b, response = page(client, users.ministry)
    assert response.context["selection"].campaign.code == "DN-Q1"
    assert b.outside
    assert b.own is None
    assert dict(b.kpis)["Tổng số hồ sơ"] == 0  # nothing reached the ministry
    assert "don_vi=SGD-DN" in response.content.decode()


def test_page_renders_tables_charts_and_links(client, board, users):
    _b, response = page(client, users.commune)
    html = response.content.decode()
    for testid in ("kpis", "own-progress", "completion", "trend", "breakdown-trang-thai"):
        assert f'data-testid="{testid}"' in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 5
    assert "style=" not in html.split("<main", 1)[1]  # strict CSP: no inline styles
    assert "<script" not in html.split("<main", 1)[1].split("</main>")[0]
    assert "?don_vi=TH-B&amp;phong_trao=DN-Q1&amp;dot=" in html  # drill down
    assert reverse("reporting:dashboard") in html  # the nav link


# --- charts -----------------------------------------------------------------------------------
def test_charts_are_accessible_escaped_svg():
    svg = charts.bar_chart(
        [("<b>Trường</b> & xã", 3), ("Khác", 0)],
        chart_id="c",
        title="Tiêu đề",
        desc="Mô tả",
        empty="Trống",
    )
    assert 'role="img"' in svg and 'aria-labelledby="c-title c-desc"' in svg  # noqa: PT018
    assert '<title id="c-title">Tiêu đề</title>' in svg
    assert "&lt;b&gt;Trường&lt;/b&gt; &amp; xã" in svg and "<b>" not in svg  # noqa: PT018
    assert "style" not in svg
    empty = charts.trend_chart(
        ["Q1"],
        [charts.Series("x", [0])],
        chart_id="t",
        title="T",
        desc="D",
        empty="Chưa có hồ sơ nào.",
    )
    assert "Chưa có hồ sơ nào." in empty
    assert charts.nice_ceiling(7) == 10 and charts.nice_ceiling(11) == 20  # noqa: PT018
    assert charts.nice_ceiling(0) == 1 and charts.nice_ceiling(50) == 50  # noqa: PT018


# --- exports ----------------------------------------------------------------------------------
def test_the_workbook_holds_every_table(client, board, users, tree):
    client.force_login(users.commune)
    response = client.get(reverse("reporting:dashboard_export"), {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="bang-dieu-khien-x-hc-')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Tổng hợp",
        "Theo trạng thái",
        "Theo cấp đang giữ hồ sơ",
        "Theo đối tượng",
        "Theo danh hiệu",
        "Theo đợt",
        "Tiến độ đơn vị trực thuộc",
    ]
    values = {
        name: [list(r) for r in book[name].iter_rows(values_only=True)] for name in book.sheetnames
    }
    summary = dict(values["Tổng hợp"][1:])
    assert summary["Đơn vị"] == "UBND phường Hải Châu"
    assert summary["Đợt"] == "Quý 1/2026"
    assert summary["Tổng số hồ sơ"] == 7 and summary["Đã gửi lên"] == 6  # noqa: PT018
    assert summary["Đơn vị đã gửi lên cấp trên"] == 3
    assert ["Đang xét", 2, 28.6] in values["Theo trạng thái"]
    # Opening dates are real date cells (shown dd/mm/yyyy), not text.
    assert values["Theo đợt"][1:] == [
        ["Quý 1/2026", datetime.datetime(2026, 1, 1), 7, 6, 1],
        ["Quý 2/2026", datetime.datetime(2026, 4, 1), 2, 2, 1],
    ]
    assert book["Theo đợt"]["B2"].number_format == "DD/MM/YYYY"
    progress = values["Tiến độ đơn vị trực thuộc"]
    assert progress[0][:5] == ["Mã đơn vị", "Đơn vị", "Cấp", "Đã gửi lên", "Tính vào chỉ tiêu"]
    assert [r[0] for r in progress[1:]] == ["TH-D", "TH-B", "TH-A"]
    assert progress[2][3:] == [
        2,
        1,
        1,
        progress[2][6],
        datetime.datetime(2026, 4, 3),
        None,
        "Chưa đạt",
    ]
    assert progress[1][8] == "có"  # D's extension
    event = AuditEvent.objects.get(action="dashboard.export")
    assert (event.actor, event.target_id) == (users.commune, str(tree.commune.pk))
    assert event.data["table"] == "all"


def test_one_table_as_csv(client, board, users):
    client.force_login(users.commune)
    response = client.get(
        reverse("reporting:dashboard_export"),
        {"format": "csv", "bang": "doi-tuong", "phong_trao": "DN-Q1", "dot": "tat-ca"},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Đối tượng", "Số hồ sơ", "Tỷ lệ (%)"],
        ["Giáo viên, giảng viên", "8", "88.9"],
        ["Tập thể", "1", "11.1"],
    ]
    assert (
        client.get(
            reverse("reporting:dashboard_export"), {"format": "csv", "bang": "nope"}
        ).status_code
        == 404
    )


def test_exports_are_vietnamese_whatever_the_ui_language(client, board, users):
    client.force_login(users.commune)
    client.cookies["django_language"] = "en"
    response = client.get(
        reverse("reporting:dashboard_export"), {"format": "csv", "bang": "trang-thai"}
    )
    assert response.content.decode("utf-8-sig").splitlines()[0] == "Trạng thái,Số hồ sơ,Tỷ lệ (%)"


def test_a_workbook_neutralises_formulas():
    import tablib

    from core.exports import workbook_response

    sheet = tablib.Dataset(["=HYPERLINK(1)", 1], headers=["a", "b"], title="S")
    book = openpyxl.load_workbook(io.BytesIO(workbook_response([sheet], basename="x").content))
    assert book["S"]["A2"].value == "'=HYPERLINK(1)"


# --- PDF --------------------------------------------------------------------------------------
def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(p.extract_text() for p in reader.pages)
    return len(reader.pages), unicodedata.normalize("NFC", " ".join(text.split()))


def test_the_dashboard_prints(client, board, users):
    client.force_login(users.commune)
    response = client.get(reverse("reporting:dashboard_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages, text = pdf_text(response.content)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Hải Châu, ngày 16 tháng 3 năm 2026" in text  # the commune's own place (Decree 30)
    assert "TÌNH HÌNH XÉT CHỌN, ĐỀ NGHỊ KHEN THƯỞNG" in text
    assert "Quý 1/2026" in text
    assert "II. TIẾN ĐỘ CỦA CÁC ĐƠN VỊ TRỰC THUỘC" in text
    assert text.index("Trường Tiểu học Yên Thế") < text.index("Trường Tiểu học Trần Phú")
    assert "Chưa đạt" in text and "Đã đạt" in text  # noqa: PT018
    assert "Đã có quyết định khen thưởng" in text  # a chart label and a table row
    assert f"1/{pages}" not in text  # page numbers at the top from page 2, not "n/N"
    assert AuditEvent.objects.filter(action="dashboard.pdf", actor=users.commune).exists()


def test_a_large_dashboard_is_printed_in_the_background(client, settings, board, users):
    settings.PDF_INLINE_MAX_CHARS = 1
    client.force_login(users.commune)
    response = client.get(reverse("reporting:dashboard_pdf"))
    export = Export.objects.get(requested_by=users.commune)
    assert response.url == reverse("reporting:export", args=[export.pk])
    assert export.name.endswith(".pdf")
    with export.source.open("rb") as handle:
        assert "Bảng điều khiển - UBND phường Hải Châu" in handle.read().decode()


# --- cache ------------------------------------------------------------------------------------
def count_queries(client, url, params=None) -> tuple[int, object]:
    with counting_queries() as count:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return count[0], response


def test_cached_numbers_are_reused_and_retired_by_a_transition(
    client, board, users, settings, django_capture_on_commit_callbacks
):
    settings.DASHBOARD_CACHE_SECONDS = 60
    client.force_login(users.commune)
    cold, first = count_queries(client, URL)
    warm, second = count_queries(client, URL)
    assert warm < cold
    assert second.context["board"].kpis == first.context["board"].kpis
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(
            actor=users.commune, nomination=board.a3, action=Action.RETURN, reason="Bổ sung"
        )
    _n, third = count_queries(client, URL)
    assert dict(third.context["board"].kpis)["Đang xét"] == 1  # a3 went back to the school


def test_the_cache_does_not_leak_across_scopes(client, board, users, settings):
    settings.DASHBOARD_CACHE_SECONDS = 60
    commune, _r = page(client, users.commune)
    province, _r = page(client, users.province, don_vi="X-HC")
    assert dict(commune.kpis)["Tổng số hồ sơ"] == 7
    assert dict(province.kpis)["Tổng số hồ sơ"] == 3


def test_a_cache_that_is_down_costs_speed_not_the_page(
    client, board, users, settings, django_capture_on_commit_callbacks
):
    settings.DASHBOARD_CACHE_SECONDS = 60
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    b, _r = page(client, users.commune)
    assert dict(b.kpis)["Tổng số hồ sơ"] == 7
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(
            actor=users.commune, nomination=board.a3, action=Action.RETURN, reason="Bổ sung"
        )
    assert dict(page(client, users.commune)[0].kpis)["Đang xét"] == 1


# --- query counts -----------------------------------------------------------------------------
def test_queries_do_not_grow_with_dossiers_or_units(client, board, users, tree, make_user):
    client.force_login(users.commune)
    client.get(URL)  # warm the session
    before, _r = count_queries(client, URL)
    export_before, _r = count_queries(client, reverse("reporting:dashboard_export"))
    editor = make_user((tree.school_b, Role.NOMINATOR))
    for n in range(3):
        school = UnitFactory(code=f"TH-N{n}", name=f"Trường mới {n}", parent=tree.commune)
        Extension.objects.create(round=board.q1, unit=school, deadline=date(2026, 4, 9), reason="x")
        nomination = services.nomination_create(
            actor=editor,
            campaign=board.q1.campaign,
            round_=board.q1,
            category="teacher",
            title=title("DHTT"),
            nominating_unit=tree.school_b,
            person=PersonFactory(unit=tree.school_b),
        )
        place(nomination, "under_review@province")
    after, response = count_queries(client, URL)
    assert after == before
    assert len(response.context["board"].children) == 6
    assert count_queries(client, reverse("reporting:dashboard_export"))[0] == export_before
