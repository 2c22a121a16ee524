"""Dossiers like the real ones, in the demo campaign: a teacher of a Đà Nẵng primary school with
a photo, a CV, models and works, registry titles and a summary long enough to fill pages."""

from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.models import Campaign
from criteria.models import Title
from nominations import services
from nominations.enums import State
from nominations.models import Evidence, Nomination
from units.enums import Position
from units.models import Person, Unit, User

from . import samples
from .harness import in_window

SCHOOL = "DN-X001-TH01"
NOMINATOR = "tieuhoc.canbo"


def photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("anh.jpg", samples.jpeg(), content_type="image/jpeg")


def nominator() -> User:
    return User.objects.get(username=NOMINATOR)


def dossiers(count: int, *, paragraphs: int) -> list[Nomination]:
    """`count` dossiers sent up from the school, each with `paragraphs` of summary."""
    school = Unit.objects.get(code=SCHOOL)
    campaign = Campaign.objects.get(code="SGD-DN-DHTT-2024-2027")
    round_ = campaign.rounds.get(name="Năm học 2026-2027")
    title = Title.objects.get(code="DHTT")
    start = Person.objects.count()
    people = Person.objects.bulk_create(
        Person(
            unit=school,
            identifier=f"BENCH{start + i:07d}",
            full_name="Nguyễn Thị Hồng Nhung" + (f" {i + 1}" if count > 1 else ""),
            position=Position.TEACHER,
            ethnicity="Kinh",
            phone="0905123456",
        )
        for i in range(count)
    )
    actor = nominator()
    made = []
    with in_window():
        for person in people:
            nomination = services.nomination_create(
                actor=actor,
                campaign=campaign,
                round_=round_,
                category="teacher",
                title=title,
                nominating_unit=school,
                person=person,
            )
            nomination = services.nomination_update(
                actor=actor,
                nomination=nomination,
                summary="".join(f"<p>{samples.PARAGRAPH}</p>" for _ in range(paragraphs)),
                cv=nomination.cv
                | {"hometown": "Hòa Vang, Đà Nẵng", "professional": "Cử nhân Sư phạm Tiểu học"},
                photo=photo(),
                works=[
                    {
                        "name": f"Mô hình “Lớp học hạnh phúc” số {n}",
                        "implementing_unit": school.name,
                        "results": "Học sinh tự tin, chủ động; phụ huynh đồng thuận.",
                    }
                    for n in range(1, 4)
                ],
                assessments={
                    a.criterion_id: (True, "Đạt, có minh chứng kèm theo")
                    for a in nomination.assessments.all()
                },
            )
            Evidence.objects.create(
                nomination=nomination,
                file=SimpleUploadedFile("minh-chung.pdf", b"%PDF-1.4\n" + b"0" * 100_000),
                original_name="Giấy khen 2025.pdf",
                content_type="application/pdf",
                size=100_009,
            )
            made.append(nomination)
    # Sent up to the commune, as if submitted. Placed directly, not through `transition`: the
    # benchmarks vary the summary's length below what the campaign requires (1,000 words), and
    # the workflow would rightly refuse such a dossier; the workflow is not what is measured.
    steps = {n.pk: n.steps.order_by("position")[1].unit_id for n in made}
    for nomination in made:
        Nomination.objects.filter(pk=nomination.pk).update(
            state=State.UNDER_REVIEW,
            position=1,
            max_position=1,
            current_unit_id=steps[nomination.pk],
        )
    return made
