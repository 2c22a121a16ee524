"""The year-end review of a 200-staff school (yearly/review.py) against the school's own unit
page, both as its principal in the same run: the ratio is what to compare across runs. The
review evaluates LĐTT, CSTĐCS and the collective titles for every member; its queries must not
grow with the staff (the same count at 50 and at 200 members is required, not just reported)."""

from django.test import Client
from django.urls import reverse

from criteria.models import AchievementRecord
from units.enums import Position, Role, UnitLevel
from units.models import Membership, Person, Unit, User
from yearly.review import default_year

from .harness import counting_queries, interleaved, require, rounded

STAFF = 200
RATINGS = ("excellent", "good", "good", "good", "completed")


def _school(year: int, staff: int) -> Unit:
    parent = Unit.objects.filter(level=UnitLevel.PROVINCE).order_by("path").first()
    require(parent is not None, "no province in the demo data")
    school = Unit.objects.add_child(
        parent,
        instance=Unit(
            code=f"BENCH-REVIEW-{staff}", name=f"Trường bình xét {staff}", level="school"
        ),
    )
    people = Person.objects.bulk_create(
        Person(
            unit=school,
            identifier=f"BR{staff}-{i:05d}",
            full_name=f"Nguyễn Văn {i:03d}",
            position=Position.TEACHER,
        )
        for i in range(staff)
    )
    records = [
        AchievementRecord(person=p, year=year, kind="rating", rating=RATINGS[i % len(RATINGS)])
        for i, p in enumerate(people)
    ]
    records += [
        AchievementRecord(person=p, year=year, kind="initiative", scope="unit", description="SK")
        for p in people[::7]
    ]
    records.append(AchievementRecord(unit=school, year=year, kind="rating", rating="excellent"))
    AchievementRecord.objects.bulk_create(records)
    return school


def _get(client, url):
    def run():
        response = client.get(url)
        require(response.status_code == 200, f"{url} answered {response.status_code}")

    return run


def _queries(fn) -> int:
    with counting_queries() as count:
        fn()
    return count[0]


def run(*, repeat: int) -> dict:
    year = default_year()
    small, school = _school(year, 50), _school(year, STAFF)
    principal = User.objects.create(username="bench.review")
    for unit in (small, school):
        Membership.objects.create(user=principal, unit=unit, role=Role.APPROVER)
    client = Client(HTTP_HOST="localhost")
    client.force_login(principal)
    review = _get(client, reverse("yearly:review", args=[school.code, year]))
    baseline = _get(client, reverse("units:unit_detail", args=[school.code]))
    review_small = _get(client, reverse("yearly:review", args=[small.code, year]))
    review(), baseline(), review_small()  # warm up
    queries, queries_small = _queries(review), _queries(review_small)
    require(queries == queries_small, f"queries grow with staff: {queries_small} → {queries}")
    review_s, baseline_s = interleaved(review, baseline, repeat=repeat)
    return {
        "staff": STAFF,
        "review_s": rounded(review_s),
        "baseline_s": rounded(baseline_s),
        "ratio": rounded(review_s / baseline_s, 2),
        "queries": queries,
    }
