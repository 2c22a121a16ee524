"""Demo dossiers in the Đà Nẵng Sở's campaign, so that queues, dashboards and the public honour
board have something to show at every scale (a few dozen at `demo`, about 3,000 at `province`).

- Năm học 2024-2025 (decided): from most schools a teacher and, from every third school, the
  school itself; most recognised by decision 2150/QĐ-SGDĐT after a council session, some not
  chosen at the district office or the Sở, a few withdrawn.
- Năm học 2026-2027 (open now): drafts, dossiers at the commune, some returned, a few at the Sở.

Written in bulk (the chain through `nomination_chain`, as a new dossier would have it), because
the workflow itself is not what the demo shows and a province would take minutes through the
service. Two schools are left empty for the browser journeys that start there
(DN-X001-TH01, DN-THPT001). Idempotent: a nominee who already has a dossier in the round is
skipped.
"""

import datetime
import io
import zlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from campaigns.models import Campaign
from criteria.enums import RecordKind, RecordSource
from criteria.models import AchievementRecord
from nominations.chain import ChainError, nomination_chain
from nominations.enums import Action, EventKind, State
from nominations.models import (
    ChainStep,
    Consultation,
    CouncilSession,
    CouncilVote,
    Decision,
    ModelWork,
    Nomination,
    NominationEvent,
)
from nominations.services import cv_from
from nominations.text import nominee_key, sanitise_summary, search_text, word_count
from units.enums import Gender, Position, UnitLevel
from units.models import Person, Unit

CAMPAIGN = "SGD-DN-DHTT-2024-2027"
KEPT_EMPTY = {"DN-X001-TH01", "DN-THPT001"}
DECISION = ("2150/QĐ-SGDĐT", datetime.date(2025, 7, 15), "Giám đốc Sở GDĐT Đà Nẵng")
COUNCIL_DAY = datetime.date(2025, 7, 5)
MAX_PHOTOS = 60
D = datetime.date

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


def _h(*parts) -> int:
    return zlib.crc32("/".join(str(p) for p in parts).encode())


def _summary(who: str, h: int) -> str:
    opening = OPENINGS[h % len(OPENINGS)].format(who=who, years=10 + h % 20)
    opening = opening[0].upper() + opening[1:]
    deeds = [DEEDS[(h >> i) % len(DEEDS)] for i in range(3)]
    html = f"<p>{opening}</p><ul>" + "".join(f"<li>{d}</li>" for d in dict.fromkeys(deeds))
    return sanitise_summary(html + "</ul>")


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


def _events(nomination, chain, *, state, max_position, day) -> list[NominationEvent]:
    """The timeline such a dossier would have (dates set afterwards, see `_date_events`)."""
    events = [NominationEvent(nomination=nomination, kind=EventKind.CREATED, to_state=State.DRAFT)]

    def add(kind, from_state, to_state, from_unit, to_unit, **extra):
        events.append(
            NominationEvent(
                nomination=nomination,
                kind=kind,
                from_state=from_state,
                to_state=to_state,
                from_unit=from_unit,
                to_unit=to_unit,
                **extra,
            )
        )

    for position in range(1, max_position + 1):
        kind = Action.SUBMIT if position == 1 else Action.FORWARD
        add(
            kind,
            State.UNDER_REVIEW if position > 1 else State.DRAFT,
            State.UNDER_REVIEW,
            chain[position - 1],
            chain[position],
        )
    here = chain[nomination.position]
    if state == State.RETURNED:
        add(
            Action.RETURN,
            State.UNDER_REVIEW,
            state,
            chain[1],
            chain[0],
            reason="Bổ sung minh chứng cho tiêu chí 3.",
        )
    elif state == State.REJECTED:
        add(
            Action.REJECT,
            State.UNDER_REVIEW,
            state,
            here,
            here,
            reason="Chưa tiêu biểu bằng các hồ sơ khác trong đợt.",
        )
    elif state == State.WITHDRAWN:
        add(
            Action.WITHDRAW, State.DRAFT, state, here, here, reason="Đơn vị rút để đề nghị năm sau."
        )
    elif state == State.RECOGNISED:
        add(Action.APPROVE, State.UNDER_REVIEW, State.APPROVED, here, here)
        add(Action.RECOGNISE, State.APPROVED, state, here, here, data={"decision": DECISION[0]})
    for event in events:
        event.demo_day = day
    return events


def seed(*, nodes, pks, actor, write):
    campaign = Campaign.objects.filter(code=CAMPAIGN).first()
    if campaign is None:
        write("Hồ sơ mẫu: bỏ qua vì chưa có phong trào mẫu.")
        return
    with transaction.atomic():
        count = _seed(campaign, actor)
    write(f"Hồ sơ mẫu: thêm {count}")


def _seed(campaign, actor) -> int:
    rounds = {r.year: r for r in campaign.rounds.all()}
    title = campaign.titles.get(code="DHTT")
    sets = {link.category: link.criteria_set for link in campaign.criteria_links.all()}
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
            if _h(school.code, "collective") % 3 == 0 and year == 2025:
                nominees.append(("collective", None, school))
            for category, person, unit in nominees:
                key = nominee_key(person=person, unit=unit)
                outcome = fate(_h(school.code, year, category), len(chain))
                if outcome is None or (round_.pk, key) in existing:
                    continue
                plans.append((round_, category, person, unit, key, chain, outcome))
    if not plans:
        return 0

    decision = Decision.objects.get_or_create(
        unit=owner,
        number=DECISION[0],
        defaults={"signed_on": DECISION[1], "issuer": DECISION[2], "created_by": actor},
    )[0]
    nominations, photos = [], 0
    for round_, category, person, unit, key, chain, (state, position, reached) in plans:
        who = person.full_name if person else unit.name
        h = _h(key, round_.pk)
        if person is None:
            summary = _summary(who, h)
        else:
            summary = _summary(f"{'cô' if person.gender == Gender.FEMALE else 'thầy'} {who}", h)
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
            current_unit=chain[position],
            deciding_unit=chain[-1],
            state=state,
            position=position,
            max_position=reached,
            returned_from_position=1 if state == State.RETURNED else None,
            version=1 + reached + (state != State.DRAFT),
            achievement_summary=summary,
            summary_words=word_count(summary),
            cv=cv_from(person),
            photo_public=person is not None and h % 10 < 7,
            decision=decision if state == State.RECOGNISED else None,
            created_by=actor,
        )
        if nomination.photo_public and state == State.RECOGNISED and photos < MAX_PHOTOS:
            nomination.photo.save(f"{h}.jpg", _portrait(who, h), save=False)
            photos += 1
        nomination.chain = chain
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
    works = []
    for n in nominations:
        h = _h(n.nominee_key, "works")
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
    _timeline(nominations)
    _council_and_registry(nominations, rounds[2025], owner, decision, actor)
    _consultation(nominations, rounds[2027], owner, actor)
    return len(nominations)


def _consultation(nominations, round_, owner, actor) -> None:
    """The Sở puts the dossiers waiting for its decision up for comment, from today."""
    waiting = [
        n
        for n in nominations
        if n.round_id == round_.pk and n.state == State.UNDER_REVIEW and n.current_unit == owner
    ]
    if not waiting:
        return
    today = timezone.localdate()
    consultation = Consultation.objects.create(
        unit=owner,
        round=round_,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=round_.campaign.consultation_days - 1),
        note="Ý kiến phản ánh xin gửi qua biểu mẫu dưới đây trước khi Hội đồng họp xét.",
        published_by=actor,
    )
    consultation.nominations.set(waiting)


def _timeline(nominations) -> None:
    events = []
    for n in nominations:
        day = D(2025, 4, 20) if n.round.year == 2025 else D(2026, 10, 15)
        events += _events(n, n.chain, state=n.state, max_position=n.max_position, day=day)
    created = NominationEvent.objects.bulk_create(events, batch_size=2000)
    # auto_now_add stamps today; date the demo timeline as it would have happened.
    by_day = {}
    for i, event in enumerate(created):
        moment = datetime.datetime.combine(
            event.demo_day + datetime.timedelta(days=i % 7), datetime.time(9)
        )
        by_day.setdefault(timezone.make_aware(moment), []).append(event.pk)
    for moment, ids in by_day.items():
        NominationEvent.objects.filter(pk__in=ids).update(created_at=moment)


def _council_and_registry(nominations, round_, owner, decision, actor) -> None:
    at_top = [
        n
        for n in nominations
        if n.round_id == round_.pk
        and n.max_position == len(n.chain) - 1
        and n.state in (State.RECOGNISED, State.REJECTED)
    ]
    if not at_top:
        return
    session, _created = CouncilSession.objects.get_or_create(
        unit=owner,
        round=round_,
        held_on=COUNCIL_DAY,
        defaults={
            "members_total": 9,
            "members_present": 9,
            "threshold_percent": 50,
            "recorded_by": actor,
        },
    )
    CouncilVote.objects.bulk_create(
        CouncilVote(
            session=session,
            nomination=n,
            votes_for=8 if n.state == State.RECOGNISED else 3,
            votes_against=1 if n.state == State.RECOGNISED else 6,
            passed=n.state == State.RECOGNISED,
        )
        for n in at_top
    )
    AchievementRecord.objects.bulk_create(
        (
            AchievementRecord(
                person=n.nominee_person,
                unit=n.nominee_unit,
                year=round_.year,
                kind=RecordKind.TITLE,
                title=n.title,
                decision_number=decision.number,
                decision_date=decision.signed_on,
                issuer=decision.issuer,
                source=RecordSource.PORTAL,
                source_ref=f"nomination:{n.pk}",
                description=n.campaign.name[:500],
            )
            for n in at_top
            if n.state == State.RECOGNISED
        ),
        batch_size=2000,
    )
