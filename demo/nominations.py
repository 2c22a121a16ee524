"""Demo dossiers in the Đà Nẵng Sở's campaign, so that queues, dashboards and the public honour
board have something to show at every scale (a few dozen at `demo`, about 3,000 at `province`).

- Năm học 2024-2025 (decided): from most schools a teacher and, from every third school, the
  school itself; most recognised by decision 2150/QĐ-SGDĐT after a council session, some not
  chosen at the district office or the Sở, a few withdrawn.
- Năm học 2026-2027 (open now): drafts, dossiers at the commune, some returned, a few at the Sở,
  and the Sở's list under public consultation.

Drafts are written in bulk with what a nominating unit would have filled in (summary, works,
self-assessment, evidence, photo; the chain through `nomination_chain`, as `nomination_create`
would have it). Every later state comes from the workflow's own services (`transition`,
`council_vote_record`, `decide`, `consultation_publish`), acting as the approver of each unit
on the chain, at a moment inside the round's window: the timeline, the registry entries and the
notices are the ones the portal writes, dated when the seeder ran. Where no demo account holds
the role a step needs, the demo workflow account (`WORKFLOW_USER`, inactive: it cannot log in and
gets no notices or reminders) holds it.

Two schools are left empty for the browser journeys that start there (DN-X001-TH01,
DN-THPT001). Idempotent: a nominee who already has a dossier in the round is skipped.
"""

import datetime
import functools
import io
import zlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from campaigns.chain import ChainError, nomination_chain
from campaigns.models import Campaign
from nominations import services
from nominations.enums import Action, EventKind, State
from nominations.keys import nominee_key, search_text
from nominations.models import (
    Assessment,
    ChainStep,
    CouncilSession,
    Decision,
    Evidence,
    ModelWork,
    Nomination,
    NominationEvent,
)
from nominations.summary import sanitise_summary, word_count
from units.enums import Gender, Position, Role, UnitLevel
from units.models import Membership, Person, Unit, User

CAMPAIGN = "SGD-DN-DHTT-2024-2027"
KEPT_EMPTY = {"DN-X001-TH01", "DN-THPT001"}
DECISION = ("2150/QĐ-SGDĐT", datetime.date(2025, 7, 15), "Giám đốc Sở GDĐT Đà Nẵng")
COUNCIL_DAY = datetime.date(2025, 7, 5)
# The Sở's council as the minutes list it: one member a line, with position.
COUNCIL_MEMBERS = "\n".join(
    [
        "Nguyễn Văn Hùng – Giám đốc Sở, Chủ tịch Hội đồng",
        "Trần Quốc Bảo – Phó Giám đốc Sở, Phó Chủ tịch Hội đồng",
        "Lê Thị Hạnh – Chánh Văn phòng Sở, Ủy viên thường trực",
        "Võ Thị Ngọc Hà – Trưởng phòng Giáo dục phổ thông, Ủy viên",
        "Huỳnh Văn Tâm – Trưởng phòng Tổ chức cán bộ, Ủy viên",
        "Đặng Minh Khoa – Chánh Thanh tra Sở, Ủy viên",
        "Phan Thị Thu Hương – Chủ tịch Công đoàn ngành, Ủy viên",
        "Ngô Văn Lực – Trưởng phòng Kế hoạch - Tài chính, Ủy viên",
        "Phạm Thị Lan – Chuyên viên Văn phòng Sở, Thư ký Hội đồng",
    ]
)
WORKFLOW_USER = "demo.quytrinh"
WORKFLOW_NAME = "Lãnh đạo đơn vị (dữ liệu mẫu)"
RETURN_REASON = "Bổ sung minh chứng cho tiêu chí 3."
REJECT_REASON = "Chưa tiêu biểu bằng các hồ sơ khác trong đợt."
WITHDRAW_REASON = "Đơn vị rút để đề nghị năm sau."


def _moment(day: datetime.date) -> datetime.datetime:
    """9:00 in Hà Nội on `day`: when the demo acts, inside the round's window whatever today is."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


# When each round's dossiers are sent up (before the first deadline), and when the decided
# round's council result is acted on.
SENT_ON = {2025: _moment(datetime.date(2025, 4, 20)), 2027: _moment(datetime.date(2026, 10, 15))}
DECIDED_AT = _moment(datetime.date(2025, 7, 10))

OPENINGS = [
    "Với hơn {years} năm gắn bó với nghề, {who} luôn tận tụy, gương mẫu và được đồng nghiệp, "
    "học sinh tin yêu.",
    "{who} là tấm gương tiêu biểu trong phong trào thi đua “Dạy tốt - học tốt” của đơn vị.",
    "Trong năm học, {who} đã hoàn thành xuất sắc nhiệm vụ được giao, chủ động đổi mới và sáng tạo.",
]
DEEDS = [
    "Đổi mới phương pháp dạy học theo hướng phát triển phẩm chất, năng lực học sinh; ứng dụng "
    "công nghệ thông tin và chuyển đổi số vào từng tiết dạy.",
    "Phối hợp chặt chẽ với cha mẹ học sinh kèm cặp các em có hoàn cảnh khó khăn, không để học "
    "sinh nào bỏ học giữa chừng.",
    "Bồi dưỡng học sinh giỏi đạt nhiều giải cấp thành phố; hướng dẫn học sinh nghiên cứu khoa "
    "học kỹ thuật.",
    "Xây dựng và nhân rộng mô hình “Trường học hạnh phúc”, “Lớp học thân thiện” được đồng "
    "nghiệp học tập.",
    "Tích cực tham gia các hoạt động thiện nguyện, quyên góp sách vở, áo ấm cho học sinh vùng "
    "khó khăn.",
]
WORKS = [
    ("Câu lạc bộ Em yêu khoa học", "Học sinh tự tin thực hành, 12 sản phẩm dự thi cấp thành phố."),
    ("Thư viện xanh", "Mỗi lớp một góc đọc; học sinh đọc bình quân 2 cuốn sách mỗi tháng."),
    ("Lớp học hạnh phúc", "Không còn bạo lực học đường; phụ huynh đồng thuận cao."),
    ("Chuyển đổi số trong dạy học", "100% giáo viên dùng học liệu số; hồ sơ điện tử hoàn toàn."),
]


def _hash(*parts) -> int:
    return zlib.crc32("/".join(str(p) for p in parts).encode())


def _summary(who: str, h: int, minimum: int) -> str:
    """An achievement summary of at least `minimum` words, as the campaign asks."""
    opening = OPENINGS[h % len(OPENINGS)].format(who=who, years=10 + h % 20)
    paragraphs = [opening[0].upper() + opening[1:]]
    year = 0
    while word_count("".join(f"<p>{p}</p>" for p in paragraphs)) < minimum:
        deeds = " ".join(DEEDS[(h >> (year + i)) % len(DEEDS)] for i in range(3))
        paragraphs.append(f"Năm học thứ {year + 1} của giai đoạn: {deeds}")
        year += 1
    return sanitise_summary("".join(f"<p>{p}</p>" for p in paragraphs))


def _portrait(name: str, h: int) -> ContentFile:
    """A plain 4x6 placeholder with the initials: the demo has no real photos."""
    image = Image.new("RGB", (240, 360), (180 + h % 60, 190 + (h >> 4) % 50, 200 + (h >> 8) % 40))
    draw = ImageDraw.Draw(image)
    initials = "".join(word[0] for word in name.split()[-2:]).upper()
    draw.ellipse((60, 70, 180, 190), fill=(120, 130, 150))
    draw.rectangle((50, 210, 190, 330), fill=(120, 130, 150))
    draw.text((112, 122), initials, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name="anh.jpg")


@functools.cache
def _evidence_scan(order: int) -> bytes:
    """A one-page scan stand-in per criterion (the demo has no real certificates), drawn once:
    every dossier stores its own copy, as an upload would."""
    image = Image.new("RGB", (420, 300), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 410, 290), outline=(160, 40, 40), width=4)
    draw.text((40, 60), f"MINH CHUNG - TIEU CHI {order}", fill=(160, 40, 40))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


# What happens to a dossier of each round: (state, position reached, how far it went).
def _fate_2025(h: int, chain_length: int) -> tuple[str, int, int]:
    top = chain_length - 1
    roll = h % 100
    if roll < 60:
        return State.RECOGNISED, top, top
    if roll < 75:
        return State.REJECTED, top, top
    if roll < 90 and top > 1:
        return State.REJECTED, 1, 1
    return State.WITHDRAWN, 0, 0


def _fate_2027(h: int, chain_length: int) -> tuple[str, int, int] | None:
    top = chain_length - 1
    roll = h % 100
    if roll < 30:
        return State.DRAFT, 0, 0
    if roll < 55:
        return State.UNDER_REVIEW, 1, 1
    if roll < 65:
        return State.RETURNED, 0, 1
    if roll < 75:
        return State.UNDER_REVIEW, top, top
    return None


def seed(*, nodes, pks, actor, write):
    campaign = Campaign.objects.filter(code=CAMPAIGN).first()
    if campaign is None or actor is None:
        write("Hồ sơ mẫu: bỏ qua vì chưa có phong trào mẫu.")
        return
    with transaction.atomic():
        count = _seed(campaign, actor)
    write(f"Hồ sơ mẫu: thêm {count}")


def _seed(campaign, actor) -> int:
    rounds = {r.year: r for r in campaign.rounds.all()}
    title = campaign.titles.get(code="DHTT")
    owner = campaign.owner_unit
    schools = list(
        Unit.objects.filter(
            path__startswith=owner.path, level=UnitLevel.SCHOOL, valid_to__isnull=True
        )
        .exclude(code__in=KEPT_EMPTY)
        .order_by("path")
    )
    teachers = {}
    for row in (
        Person.objects.filter(unit__in=schools, position=Position.TEACHER, is_active=True)
        .order_by("unit_id", "pk")
        .select_related("unit")
    ):
        teachers.setdefault(row.unit_id, []).append(row)
    existing = set(
        Nomination.objects.filter(campaign=campaign).values_list("round_id", "nominee_key")
    )
    plans = []
    for school in schools:
        for year, fate in ((2025, _fate_2025), (2027, _fate_2027)):
            round_ = rounds[year]
            try:
                chain = nomination_chain(
                    campaign=campaign, round_=round_, title=title, nominating_unit=school
                )
            except ChainError:
                continue
            staff = teachers.get(school.pk, [])
            nominees = (
                [("teacher", staff[0 if year == 2025 else 1], None)] if len(staff) > 1 else []
            )
            if _hash(school.code, "collective") % 3 == 0 and year == 2025:
                nominees.append(("collective", None, school))
            for category, person, unit in nominees:
                key = nominee_key(person=person, unit=unit)
                outcome = fate(_hash(school.code, year, category), len(chain))
                if outcome is None or (round_.pk, key) in existing:
                    continue
                plans.append((round_, category, person, unit, key, chain, outcome))
    if not plans:
        return 0
    nominations = _drafts(campaign, title, plans, actor)
    actors = _Actors(nominations, secretary_at=owner)
    for n in nominations:
        _walk(n, actors)
    _council_and_decision(nominations, rounds[2025], owner, actors)
    _consultation(nominations, rounds[2027], owner, actors)
    actors.retire()
    return len(nominations)


def _drafts(campaign, title, plans, actor) -> list[Nomination]:
    """The drafts as the nominating units left them, written in bulk: a draft that stays one is
    half filled in; one that is sent up is complete (the workflow's content check passes)."""
    sets = {link.category: link.criteria_set for link in campaign.criteria_links.all()}
    criteria = {category: list(s.criteria.order_by("order")) for category, s in sets.items()}
    nominations = []
    for round_, category, person, unit, key, chain, (state, _position, reached) in plans:
        who = person.full_name if person else unit.name
        h = _hash(key, round_.pk)
        if person is not None:
            who = f"{'cô' if person.gender == Gender.FEMALE else 'thầy'} {who}"
        summary = _summary(who, h, campaign.min_summary_words)
        nomination = Nomination(
            campaign=campaign,
            round=round_,
            category=category,
            title=title,
            criteria_set=sets[category],
            nominee_person=person,
            nominee_unit=unit,
            nominee_key=key,
            search_text=search_text(person=person, unit=unit, nominating_unit=chain[0]),
            nominating_unit=chain[0],
            current_unit=chain[0],
            deciding_unit=chain[-1],
            achievement_summary=summary,
            summary_words=word_count(summary),
            cv=services.cv_from(person),
            photo_public=person is not None and h % 10 < 7,
            created_by=actor,
        )
        nomination.chain, nomination.fate, nomination.reached = chain, state, reached
        nomination.complete = state != State.DRAFT or h % 2 == 0
        if person is not None and nomination.complete:
            nomination.photo.save(f"{h}.jpg", _portrait(person.full_name, h), save=False)
        nominations.append(nomination)
    Nomination.objects.bulk_create(nominations, batch_size=500)

    ChainStep.objects.bulk_create(
        (
            ChainStep(nomination=n, unit=unit, position=i)
            for n in nominations
            for i, unit in enumerate(n.chain)
        ),
        batch_size=2000,
    )
    Assessment.objects.bulk_create(
        (
            Assessment(nomination=n, criterion=c, met=True if n.complete else None)
            for n in nominations
            for c in criteria[n.category]
        ),
        batch_size=2000,
    )
    evidence = []
    for n in nominations:
        for c in criteria[n.category]:
            if n.complete and c.evidence_required:
                item = Evidence(
                    nomination=n,
                    criterion=c,
                    original_name=f"minh-chung-tieu-chi-{c.order}.png",
                    content_type="image/png",
                    uploaded_by=actor,
                )
                content = ContentFile(_evidence_scan(c.order), name="minh-chung.png")
                item.size = content.size
                item.file.save(item.original_name, content, save=False)
                evidence.append(item)
    Evidence.objects.bulk_create(evidence, batch_size=2000)
    works = []
    for n in nominations:
        h = _hash(n.nominee_key, "works")
        for i in range(1 + h % 2):
            name, results = WORKS[(h >> i) % len(WORKS)]
            works.append(
                ModelWork(
                    nomination=n,
                    order=i,
                    name=name,
                    implementing_unit=n.nominating_unit.name,
                    results=results,
                )
            )
    ModelWork.objects.bulk_create(works, batch_size=2000)
    # What `nomination_create` writes first; everything after it comes from the services.
    NominationEvent.objects.bulk_create(
        (
            NominationEvent(
                nomination=n,
                actor=actor,
                kind=EventKind.CREATED,
                to_state=State.DRAFT,
                to_unit=n.nominating_unit,
                data={"chain": [u.code for u in n.chain]},
            )
            for n in nominations
        ),
        batch_size=2000,
    )
    return nominations


class _Actors:
    """Who acts for a unit: a demo account holding the role there (so the README's people show
    up on the timeline), else the demo workflow account, given the role for the walk."""

    def __init__(self, nominations, *, secretary_at):
        needed = {(Role.COUNCIL_SECRETARY, secretary_at.pk)}
        for n in nominations:
            if n.fate != State.DRAFT:
                needed |= {(Role.APPROVER, u.pk) for u in n.chain[: n.reached + 1]}
        held = {}
        for user_id, unit_id, role in Membership.objects.filter(
            unit_id__in={unit_id for _role, unit_id in needed}, is_active=True
        ).values_list("user_id", "unit_id", "role"):
            held.setdefault((role, unit_id), user_id)
        workflow = None
        if needed - held.keys():
            workflow, created = User.objects.get_or_create(
                username=WORKFLOW_USER, defaults={"full_name": WORKFLOW_NAME}
            )
            if created:
                workflow.set_unusable_password()
            workflow.is_active = True  # for the walk only: `retire()` ends it
            workflow.save(update_fields=["password", "is_active"])
            Membership.objects.bulk_create(
                (
                    Membership(user=workflow, unit_id=unit_id, role=role)
                    for role, unit_id in needed - held.keys()
                ),
                ignore_conflicts=True,
                batch_size=2000,
            )
            for key in needed - held.keys():
                held[key] = workflow.pk
        # One object per user, so each loads its memberships once for all its checks.
        users = User.objects.in_bulk(set(held.values()))
        self._by_unit = {key: users[user_id] for key, user_id in held.items()}

    def approver(self, unit):
        return self._by_unit[(Role.APPROVER, unit.pk)]

    @staticmethod
    def retire():
        """The walk is over: the workflow account stops counting as a live role holder, so no
        reminder or notice of the units it stood in for goes to it."""
        User.objects.filter(username=WORKFLOW_USER).update(is_active=False)

    def secretary(self, unit):
        return self._by_unit[(Role.COUNCIL_SECRETARY, unit.pk)]


def _walk(nomination, actors) -> None:
    """Send the dossier as far as its fate says, through `transition`, as the unit's approver."""
    fate, reached, chain = nomination.fate, nomination.reached, nomination.chain
    if fate == State.DRAFT:
        return
    now = SENT_ON[nomination.round.year]

    def act(action, **extra):
        return services.transition(
            actor=actors.approver(chain[nomination.position]),
            nomination=nomination,
            action=action,
            now=now,
            **extra,
        )

    if fate == State.WITHDRAWN:
        act(Action.WITHDRAW, reason=WITHDRAW_REASON)
        return
    nomination = act(Action.SUBMIT)
    while nomination.position < reached:
        nomination = act(Action.FORWARD)
    top = nomination.position == len(chain) - 1
    if fate == State.RETURNED:
        act(Action.RETURN, reason=RETURN_REASON)
    elif fate == State.REJECTED and not top:
        act(Action.REJECT, reason=REJECT_REASON)


def _council_and_decision(nominations, round_, owner, actors) -> None:
    """The Sở's council votes on what reached it, the Sở approves or rejects by the vote, and
    decision 2150 recognises the approved (the same decision if a larger scale adds dossiers)."""
    at_top = [
        n
        for n in nominations
        if n.round_id == round_.pk
        and n.reached == len(n.chain) - 1
        and n.fate in (State.RECOGNISED, State.REJECTED)
    ]
    if not at_top:
        return
    secretary = actors.secretary(owner)
    session = CouncilSession.objects.filter(unit=owner, round=round_, held_on=COUNCIL_DAY).first()
    if session is None:
        session = services.council_session_create(
            actor=secretary,
            unit=owner,
            round_=round_,
            held_on=COUNCIL_DAY,
            members_total=9,
            members_present=9,
            member_names=COUNCIL_MEMBERS,
            threshold_percent=50,
        )
    approved = []
    for n in at_top:
        n.refresh_from_db()
        recognised = n.fate == State.RECOGNISED
        services.council_vote_record(
            actor=secretary,
            session=session,
            nomination=n,
            votes_for=8 if recognised else 3,
            votes_against=1 if recognised else 6,
        )
        action = Action.APPROVE if recognised else Action.REJECT
        n = services.transition(
            actor=actors.approver(owner),
            nomination=n,
            action=action,
            reason="" if recognised else REJECT_REASON,
            now=DECIDED_AT,
        )
        if recognised:
            approved.append(n)
    if not approved:
        return
    number, signed_on, issuer = DECISION
    decision = Decision.objects.filter(unit=owner, number=number).first()
    if decision is None:
        services.decide(
            actor=secretary,
            nominations=approved,
            action=Action.RECOGNISE,
            number=number,
            signed_on=signed_on,
            issuer=issuer,
        )
        return
    for n in approved:
        services.transition(
            actor=secretary, nomination=n, action=Action.RECOGNISE, decision=decision
        )


def _consultation(nominations, round_, owner, actors) -> None:
    """The Sở puts the dossiers waiting for its decision up for comment, from today."""
    waiting = [
        n
        for n in nominations
        if n.round_id == round_.pk
        and n.fate == State.UNDER_REVIEW
        and n.reached == len(n.chain) - 1
    ]
    if not waiting:
        return
    services.consultation_publish(
        actor=actors.approver(owner),
        unit=owner,
        round_=round_,
        nominations=waiting,
        opens_on=timezone.localdate(),
        days=round_.campaign.consultation_days,
        note="Ý kiến phản ánh xin gửi qua biểu mẫu dưới đây trước khi Hội đồng họp xét.",
    )
