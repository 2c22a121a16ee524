"""Shared by the access-control crawl and the payload crawl: the URL conf walked into routes, a
world of two provinces built once per module, the users who must be refused, and what a refusal
looks like.

The world ("the owner's data") sits under Sở Đà Nẵng: a campaign of the Sở with a round, dossiers
of school A in every state (some sent up to the commune and the Sở), evidence, reviews, a council
session and a decision, a public consultation with comments, the commune's yearly report call and
school A's reports, bundles, notifications, an import job. The attackers hold every role at school
B (a sibling of school A under the same commune), or all of them at Sở Gia Lai (another
province); a staff user without superuser and the anonymous visitor complete the list. Each
attacker side also has objects of its own, so that a URL mixing an attacker's own object with a
foreign one (an IDOR through the parent) is tried as well.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from types import SimpleNamespace

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import PLACES, SUMMARY
from tests.factories import jpeg_bytes as _jpeg
from tests.factories import pdf_upload as _pdf

# 10:00 on 16/03/2026 in Hà Nội: the round of the world is open (school deadline 03/04/2026).
IN_WINDOW = datetime.datetime(2026, 3, 16, 3, 0, tzinfo=datetime.UTC)
TODAY = date(2026, 3, 16)
ROLES = ("nominator", "approver", "council_secretary", "campaign_admin", "viewer")


# --- the URL conf -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Route:
    name: str | None  # "nominations:detail"; None for an unnamed pattern
    pattern: str  # "ho-so/<int:pk>/"
    kwargs: frozenset[str]

    @property
    def is_admin(self) -> bool:
        return self.pattern.startswith(ADMIN_PREFIX)


ADMIN_PREFIX = "quan-tri/"


def _kwargs_of(pattern) -> set[str]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return set(converters)
    regex = getattr(pattern, "regex", None)
    return set(regex.groupindex) if regex is not None else set()


def routes() -> list[Route]:
    """Every URL pattern of the project, included apps and the admin too, with its full name."""
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str, inherited: set[str]):
        for entry in resolver.url_patterns:
            pattern = prefix + str(entry.pattern).lstrip("^").rstrip("$")
            kwargs = inherited | _kwargs_of(entry.pattern)
            if isinstance(entry, URLResolver):
                space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, pattern, space, kwargs)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}{entry.name}" if entry.name else None
                found.append(Route(name, pattern, frozenset(kwargs)))

    walk(get_resolver(), "", "", set())
    return found


# --- responses --------------------------------------------------------------------------------
def login_url() -> str:
    return reverse("login")


def to_login(response) -> bool:
    location = response.get("Location", "") if response.status_code in (301, 302, 303) else ""
    return location.startswith((login_url(), f"/{ADMIN_PREFIX}login/"))


def answered(response) -> str | None:
    """None when the response refuses (404, 403, 405, or a redirect to a login page); else a
    description of what was answered."""
    if response.status_code in (403, 404, 405):
        return None
    if response.status_code in (301, 302, 303, 307, 308):
        return None if to_login(response) else f"{response.status_code} → {response['Location']}"
    return str(response.status_code)


def settle(response):
    """Read a streamed body to the end (which closes the file behind it) and keep it."""
    if getattr(response, "streaming", False) and not hasattr(response, "crawl_body"):
        response.crawl_body = b"".join(response.streaming_content)
    return response


def body_bytes(response) -> bytes:
    settle(response)
    return getattr(response, "crawl_body", None) or (
        b"" if getattr(response, "streaming", False) else response.content
    )


def body_text(response) -> str:
    return body_bytes(response).decode("utf-8", "replace")


# --- the database, for "a refused POST changed nothing" ---------------------------------------
SNAPSHOT_APPS = (
    "units",
    "criteria",
    "campaigns",
    "nominations",
    "reporting",
    "yearly",
    "notifications",
)


def snapshot(*, ignore=()) -> dict:
    """Every row of the domain tables (and imports, the audit log is checked separately),
    comparable with ==."""
    state = {}
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label not in SNAPSHOT_APPS and label != "core.ImportJob":
            continue
        if label in ignore:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "content"]
        state[label] = list(model.objects.order_by("pk").values_list(*fields))
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))


# --- the world --------------------------------------------------------------------------------
def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ho-so/bao-cao.txt", "Hồ sơ")
    return buffer.getvalue()


# Names that only the owner side may read (the recognised exemplar is public on purpose).
SECRET_NAMES = {place: f"Bí Mật {i} Trường A" for i, place in enumerate(PLACES)}


def build_world():
    """Build the world in travelled time (call it inside `time_machine.travel(IN_WINDOW)`)."""
    from campaigns.models import CampaignRule, Extension, Phase, Quota, Registration, Round
    from core.imports import IMPORTERS, import_job_check, template_dataset
    from criteria.models import CriteriaSet, Criterion, EligibilityRule
    from nominations import services
    from nominations.enums import NoticeKind
    from nominations.models import (
        CommentKind,
        Consultation,
        ConsultationComment,
        CouncilSession,
        CouncilVote,
        Decision,
        Evidence,
        ModelWork,
        Nomination,
        Review,
    )
    from notifications.models import Delivery, Message, Preference
    from reporting.models import Export, ExportStatus
    from tests.factories import (
        CampaignFactory,
        NominationFactory,
        PersonFactory,
        RecordFactory,
        UnitFactory,
        UserFactory,
        title,
    )
    from tests.factories import place as place_dossier
    from units.enums import Role, SchoolType, UnitLevel
    from units.models import Membership, Placement, UnitMove
    from yearly import services as yearly
    from yearly.models import ReportCall

    w = SimpleNamespace()
    ministry = UnitFactory(code="BO", name="Bộ Giáo dục và Đào tạo", level=UnitLevel.MINISTRY)
    w.dn = UnitFactory(
        code="SGD-DN", name="Sở GDĐT Đà Nẵng", level=UnitLevel.PROVINCE, parent=ministry
    )
    w.commune = UnitFactory(
        code="X-HC", name="UBND phường Hải Châu", level=UnitLevel.COMMUNE, parent=w.dn
    )
    w.school_a = UnitFactory(
        code="TH-A", name="Trường Tiểu học Lê Lợi", parent=w.commune, school_type=SchoolType.PRIMARY
    )
    w.team_a = UnitFactory(code="TH-A-T1", name="Tổ 1", level=UnitLevel.SUBUNIT, parent=w.school_a)
    w.school_b = UnitFactory(
        code="TH-B",
        name="Trường Tiểu học Trần Phú",
        parent=w.commune,
        school_type=SchoolType.PRIMARY,
    )
    w.gl = UnitFactory(
        code="SGD-GL", name="Sở GDĐT Gia Lai", level=UnitLevel.PROVINCE, parent=ministry
    )
    w.school_c = UnitFactory(
        code="THPT-C",
        name="Trường THPT Pleiku",
        parent=w.gl,
        school_type=SchoolType.UPPER_SECONDARY,
    )
    UnitMove.objects.create(
        unit=w.school_a,
        from_parent=w.dn,
        to_parent=w.commune,
        moved_on=date(2025, 7, 1),
        reason="Sắp xếp đơn vị hành chính",
    )

    def user(username, *memberships, **fields):
        made = UserFactory(username=username, full_name=f"Cán bộ {username}", **fields)
        for unit, role in memberships:
            Membership.objects.create(user=made, unit=unit, role=role)
        return made

    # The owner side.
    w.a_nominator = user("a.canbo", (w.school_a, Role.NOMINATOR))
    w.a_principal = user("a.hieutruong", (w.school_a, Role.APPROVER))
    w.commune_approver = user("xa.duyet", (w.commune, Role.APPROVER))
    w.dn_approver = user("so.duyet", (w.dn, Role.APPROVER))
    w.dn_secretary = user("so.thuky", (w.dn, Role.COUNCIL_SECRETARY))
    w.dn_admin = user("so.quantri", (w.dn, Role.CAMPAIGN_ADMIN))
    w.dn_viewer = user("so.xem", (w.dn, Role.VIEWER))
    w.superuser = user("quantri", is_staff=True, is_superuser=True)
    # The attackers: every role at the sibling school and at the other province, a staff user.
    w.attackers = {"anonymous": None, "staff": user("nhanvien.kythuat", is_staff=True)}
    for role in ROLES:
        w.attackers[f"sibling:{role}"] = user(f"b.{role}", (w.school_b, role))
    # One official of the other province holding every role there (roles only add reach).
    w.attackers["province"] = user("gl.canbo", *((w.gl, role) for role in ROLES))
    w.gl_admin = w.attackers["province"]
    w.b_nominator = w.attackers["sibling:nominator"]

    # The Sở's campaign, open, one round: school → commune → Sở.
    w.campaign = CampaignFactory(
        actor=w.dn_admin,
        owner_unit=w.dn,
        code="DN-Q1",
        name="Điển hình quý 1 Đà Nẵng",
        min_summary_words=20,
        registration_opens=date(2026, 1, 1),
        registration_closes=date(2026, 12, 31),
    )
    w.round = w.campaign.rounds.get()
    w.rule_link = CampaignRule.objects.create(
        campaign=w.campaign,
        rule=EligibilityRule.objects.filter(title__isnull=True).first(),
        severity="warn",
    )
    Phase.objects.create(
        campaign=w.campaign, name="Phát động", starts_on=date(2026, 1, 1), ends_on=date(2026, 3, 31)
    )
    Quota.objects.create(round=w.round, level="school", category="", max_forward=20)
    Extension.objects.create(
        round=w.round,
        unit=w.school_a,
        deadline=date(2026, 4, 8),
        reason="Trường có giáo viên đi tập huấn",
        granted_by=w.dn_admin,
    )
    # A campaign of the Sở still being prepared: its rounds may be edited and deleted.
    w.draft_campaign = CampaignFactory(
        actor=w.dn_admin,
        owner_unit=w.dn,
        code="DN-NAM",
        name="Kế hoạch năm học Đà Nẵng",
        categories=["teacher"],
        criteria={},
        rounds=(),
        opened=False,
    )
    w.draft_round = Round.objects.create(
        campaign=w.draft_campaign,
        name="Cả năm",
        kind="yearly",
        opens_on=date(2026, 1, 1),
        year=2026,
    )
    w.dn_criteria_set = CriteriaSet.objects.create(
        code="DN-RIENG",
        name="Bộ tiêu chí riêng của Sở Đà Nẵng",
        category="teacher",
        tier="province",
        owner_unit=w.dn,
    )
    Criterion.objects.create(
        criteria_set=w.dn_criteria_set, order=1, text="Có sáng kiến cấp Sở", kind="attestation"
    )
    # Gia Lai has a campaign of its own (its admin's, for the mixed-parent URLs).
    w.gl_campaign = CampaignFactory(
        actor=w.gl_admin,
        owner_unit=w.gl,
        code="GL-2026",
        name="Gia Lai 2026",
        categories=["teacher"],
        criteria={},
        rounds=(),
        opened=False,
    )
    w.gl_round = Round.objects.create(
        campaign=w.gl_campaign, name="Đợt GL", kind="yearly", opens_on=date(2026, 1, 1), year=2026
    )

    # People of school A, with a photo and a registry.
    w.person = PersonFactory(
        unit=w.school_a, full_name="Bí Mật Cá Nhân Trường A", birth_date=date(1980, 1, 2)
    )
    w.person.photo.save("anh.jpg", ContentFile(_jpeg()), save=True)
    w.b_person = PersonFactory(unit=w.school_b, full_name="Người Trường B")
    Placement.objects.create(
        person=w.person,
        unit=w.school_b,
        joined_on=date(2018, 9, 1),
        left_on=date(2022, 8, 31),
        note="Chuyển trường",
    )
    RecordFactory(
        person=w.person,
        year=2025,
        kind="title",
        title=title("LDTT"),
        decision_number="12/QĐ-UBND",
        issuer="UBND phường Hải Châu",
    )
    RecordFactory(unit=w.school_a, year=2025, kind="initiative", description="Sáng kiến cấp xã")
    Registration.objects.create(
        campaign=w.campaign,
        unit=w.school_a,
        person=w.person,
        title=title("DHTT"),
        note="Đăng ký đầu năm",
        registered_by=w.a_nominator,
    )

    # Dossiers of school A in every state, complete, with evidence and a photo.
    w.nominations = {}
    for place in PLACES:
        person = PersonFactory(
            unit=w.school_a, full_name=SECRET_NAMES[place], birth_date=date(1985, 3, 12)
        )
        nomination = NominationFactory(
            actor=w.a_nominator,
            campaign=w.campaign,
            nominating_unit=w.school_a,
            person=person,
            filled=False,
        )
        nomination = services.nomination_update(
            actor=w.a_nominator,
            nomination=nomination,
            summary=SUMMARY,
            video_links=["https://video.example.vn/tiet-hoc"],
            works=[{"name": "Mô hình lớp học thân thiện", "results": "Tăng tỷ lệ học sinh giỏi"}],
            assessments={a.criterion_id: (True, "Đạt") for a in nomination.assessments.all()},
        )
        services.evidence_add(
            actor=w.a_nominator, nomination=nomination, upload=_pdf("minh-chung-bi-mat.pdf")
        )
        for assessment in nomination.assessments.select_related("criterion"):
            if assessment.criterion.evidence_required:
                services.evidence_add(
                    actor=w.a_nominator,
                    nomination=nomination,
                    upload=_pdf("minh-chung-tieu-chi.pdf"),
                    criterion=assessment.criterion,
                )
        nomination.photo.save("anh.jpg", ContentFile(_jpeg()), save=False)
        nomination = place_dossier(
            nomination, place, photo=nomination.photo.name, photo_public=place == "recognised"
        )
        w.nominations[place] = nomination
    w.evidence = Evidence.objects.filter(nomination=w.nominations["draft"]).order_by("pk").first()
    w.decision = Decision.objects.create(
        unit=w.dn,
        number="15/QĐ-SGDĐT",
        signed_on=date(2026, 3, 10),
        issuer="Giám đốc Sở GDĐT Đà Nẵng",
        created_by=w.dn_approver,
    )
    Nomination.objects.filter(pk=w.nominations["recognised"].pk).update(decision=w.decision)
    w.revocation = Decision.objects.create(
        unit=w.dn,
        number="20/QĐ-SGDĐT",
        signed_on=date(2026, 3, 12),
        issuer="Giám đốc Sở GDĐT Đà Nẵng",
        is_revocation=True,
        reason="Phát hiện vi phạm",
        created_by=w.dn_approver,
    )
    Nomination.objects.filter(pk=w.nominations["revoked"].pk).update(revocation=w.revocation)
    ModelWork.objects.filter(nomination__in=w.nominations.values()).update(
        implementing_unit="Tổ 1", description="Mô tả", roadmap="Lộ trình"
    )
    w.b_nomination = services.nomination_create(
        actor=w.b_nominator,
        campaign=w.campaign,
        round_=w.round,
        category="teacher",
        title=title("DHTT"),
        nominating_unit=w.school_b,
        person=w.b_person,
    )
    w.b_evidence = services.evidence_add(
        actor=w.b_nominator, nomination=w.b_nomination, upload=_pdf()
    )
    for place, unit, reviewer in (
        ("under_review@commune", w.commune, w.commune_approver),
        ("under_review@province", w.dn, w.dn_approver),
    ):
        Review.objects.create(
            nomination=w.nominations[place],
            unit=unit,
            reviewer=reviewer,
            scores={},
            total=0,
            comment="Hồ sơ đầy đủ",
        )
    w.session = CouncilSession.objects.create(
        unit=w.dn,
        round=w.round,
        held_on=date(2026, 3, 14),
        members_total=9,
        members_present=8,
        member_names="Nguyễn Văn Chủ Tịch, Lê Thị Thư Ký",
        threshold_percent=50,
        recorded_by=w.dn_secretary,
    )
    CouncilVote.objects.create(
        session=w.session,
        nomination=w.nominations["approved"],
        votes_for=7,
        votes_against=1,
        passed=True,
    )

    # The Sở's public consultation on the dossier it is about to decide, and one not yet open.
    waiting = w.nominations["under_review@province"]
    w.consultation = Consultation.objects.create(
        unit=w.dn,
        round=w.round,
        opens_on=TODAY,
        closes_on=TODAY + datetime.timedelta(days=9),
        note="Mọi ý kiến gửi về Văn phòng Sở",
        published_by=w.dn_approver,
    )
    w.consultation.nominations.set([waiting])
    w.future_consultation = Consultation.objects.create(
        unit=w.dn,
        round=w.round,
        opens_on=TODAY + datetime.timedelta(days=30),
        closes_on=TODAY + datetime.timedelta(days=39),
        note="Chưa công khai",
        published_by=w.dn_approver,
    )
    w.future_consultation.nominations.set([waiting])
    w.comment = ConsultationComment.objects.create(
        consultation=w.consultation,
        nomination=waiting,
        kind=CommentKind.OBJECTION,
        author_name="Phụ huynh Bí Mật",
        author_contact="0905000000",
        text="Tôi có ý kiến về hồ sơ này.",
        sender_digest="0" * 64,
    )

    # The commune asks its schools for the yearly report; school A answers (one draft, one sent).
    w.call = ReportCall.objects.create(
        unit=w.commune,
        year=2026,
        title="Báo cáo năm học 2025 - 2026",
        due_on=date(2026, 8, 30),
        instructions="Gửi trước hạn.",
        created_by=w.commune_approver,
    )
    w.report = yearly.report_start(actor=w.a_nominator, call=w.call, unit=w.school_a)
    w.report = yearly.report_update(
        actor=w.a_nominator,
        report=w.report,
        direction="Bí mật chỉ đạo của trường A",
        propagation="Đăng 14 tin, bài.",
    )
    w.old_call = ReportCall.objects.create(
        unit=w.commune,
        year=2025,
        title="Báo cáo năm học 2024 - 2025",
        due_on=date(2025, 8, 30),
        created_by=w.commune_approver,
    )
    sent = yearly.report_start(actor=w.a_principal, call=w.old_call, unit=w.school_a)
    sent = yearly.report_update(
        actor=w.a_principal,
        report=sent,
        direction="Kế hoạch năm trước",
        propagation="Tuyên truyền năm trước",
        signer_title="Hiệu trưởng",
        signer_name="Lê Thị Mai",
    )
    w.sent_report = yearly.report_send(actor=w.a_principal, report=sent)

    # Bundles school A asked for, notices of its people, an import it checked.
    w.export = Export.objects.create(
        requested_by=w.a_nominator,
        nomination=w.nominations["draft"],
        status=ExportStatus.DONE,
        name="ho-so-bi-mat.zip",
        total=1,
        progress=1,
    )
    w.export.file.save("bundle.zip", ContentFile(_zip()), save=True)
    w.unit_export = Export.objects.create(
        requested_by=w.a_principal, unit=w.school_a, round=w.round, status=ExportStatus.PENDING
    )
    w.message = Message.objects.create(
        recipient=w.a_nominator,
        key="world:message",
        kind=NoticeKind.RETURNED,
        subject="Hồ sơ Bí Mật bị trả lại",
        body="Hãy bổ sung minh chứng.",
        url=reverse("nominations:detail", args=[w.nominations["returned"].pk]),
    )
    Delivery.objects.create(message=w.message, channel="email", last_error="")
    Preference.objects.create(user=w.a_nominator, weekly_digest=True)
    people = IMPORTERS["people"]
    w.import_job = import_job_check(
        actor=w.a_principal,
        importer=people,
        file_name="danh-sach-bi-mat.csv",
        content=template_dataset(people).export("csv").encode(),
        context={},
    )
    w.b_import_job = import_job_check(
        actor=w.attackers["sibling:approver"],
        importer=people,
        file_name="danh-sach-b.csv",
        content=template_dataset(people).export("csv").encode(),
        context={},
    )
    return w


def world_for_module(django_db_blocker, tmp_path_factory, *, build=None):
    """Build the world (`build_world`, or the given builder) once for a test module, in
    travelled time for the whole module, inside a transaction rolled back at the end (each test
    runs in a savepoint of it). Use in a module-scoped fixture:
    `yield from world_for_module(...)`."""
    import time_machine
    from django.db import transaction
    from django.test import override_settings

    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        time_machine.travel(IN_WINDOW, tick=True),
        override_settings(MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        world = (build or build_world)()
        world.media_root = media
        yield world
        transaction.set_rollback(True)


def owner_markers(w) -> list[str]:
    """Text only the owner side may read: school A's people and dossiers (but the recognised
    exemplar, public on purpose), evidence, the report's text, a notice, an import."""
    return [
        *(name for place, name in SECRET_NAMES.items() if place != "recognised"),
        w.person.full_name,
        "minh-chung-bi-mat",
        "Bí mật chỉ đạo",
        "Hồ sơ Bí Mật",
        "danh-sach-bi-mat",
        "Phụ huynh Bí Mật",
        "ho-so-bi-mat",
    ]


def province_markers(w) -> list[str]:
    """What only Sở Đà Nẵng's side may read (its schools see their Sở's campaigns)."""
    return [
        w.session.member_names,
        w.dn_criteria_set.name,
        "Có sáng kiến cấp Sở",  # the criterion of that set
        w.draft_campaign.name,
    ]


# --- HTML ---------------------------------------------------------------------------------------
class PageParser(HTMLParser):
    """Collects what an injected payload would have to become to run: event-handler attributes,
    javascript: URLs, script elements; and all text and attribute values, to find payloads."""

    URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "data", "xlink:href"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.scripts: list[dict] = []
        self.texts: list[str] = []
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in self.URL_ATTRIBUTES and value:
                scheme = "".join(value.split()).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.problems.append(f"<{tag} {name}={value!r}>")
            if value:
                self.texts.append(value)
        if tag == "script":
            self._in_script = {
                "src": attributes.get("src"),
                "type": attributes.get("type"),
                "body": "",
            }
            self.scripts.append(self._in_script)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._in_script = None

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        if self._in_script is not None:
            self._in_script["body"] += data
        else:
            self.texts.append(data)


def inspect_html(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    for script in parser.scripts:
        if not _our_script(script):
            parser.problems.append(f"<script src={script['src']!r}>{script['body'][:80]}")
    return parser


def _our_script(script) -> bool:
    """Our static files (and the admin's translation catalogue), or JSON data that no browser
    runs and that json_script escaped (no "<" left to close the element early)."""
    if script["type"] == "application/json":
        return not script["src"] and "<" not in script["body"]
    src = script["src"] or ""
    ours = src.startswith(settings.STATIC_URL) or src == reverse("admin:jsi18n")
    return ours and not script["body"].strip()


def text_fields():
    """The free-text fields of the domain models: (model, field) for every CharField and
    TextField a person can type into (choices, codes, passwords and fields the code writes
    itself are left out, see NOT_TYPED)."""
    for model in apps.get_models():
        if model._meta.app_label not in (*SNAPSHOT_APPS, "core"):
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            if field.choices or not field.editable:
                continue
            yield model, field


# --- forms, to replay what the owner would submit ------------------------------------------------
class FormParser(HTMLParser):
    """The POST forms of a page: their action and the values a browser would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if self._form is not None:  # a browser ignores a form inside a form
                return
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get")}
            self._form["fields"] = []
            self.forms.append(self._form)
            return
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"].append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset", "file"):
                self._form["fields"].append((name, a.get("value", "")))
        elif tag == "select":
            self._select = {"name": name, "multiple": "multiple" in a, "first": None, "any": False}
        elif tag == "textarea":
            self._textarea = [name, ""]
        elif tag == "option" and self._select is not None:
            self._option(a)

    def _option(self, a):
        value = a.get("value", "")
        if self._select["first"] is None:
            self._select["first"] = value
        if "selected" in a:
            self._select["any"] = True
            self._form["fields"].append((self._select["name"], value))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            select = self._select
            if not select["any"] and not select["multiple"] and select["first"] is not None:
                self._form["fields"].append((select["name"], select["first"]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form["fields"].append(tuple(self._textarea))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


def post_form(html: str, path: str) -> dict | None:
    """The fields of the page's POST form that submits to `path` (or to the page itself)."""
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        if form["method"].lower() != "post":
            continue
        action = form["action"].split("?", 1)[0]
        if action in ("", path):
            data: dict[str, list[str]] = {}
            for name, value in form["fields"]:
                if name != "csrfmiddlewaretoken":
                    data.setdefault(name, []).append(value)
            return data
    return None


def form_errors(html: str) -> list[str]:
    """The error messages a page shows (for assertion messages)."""
    import re

    pattern = r'class="(?:invalid-feedback|alert[^"]*|errorlist[^"]*)"[^>]*>(.*?)</(?:div|ul)>'
    return [re.sub(r"<[^>]+>|\s+", " ", m).strip() for m in re.findall(pattern, html, re.S)]
