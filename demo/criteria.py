"""Demo achievement history (school years ending 2021–2025) for the people and schools of the
`demo` part of the tree, at every scale: enough for the eligibility checks to have something to
say, small enough to stay fast. Deterministic (hashes of identifiers), and idempotent: people and
units that already have records are left alone.

Two teachers of Trường THPT Sơn Trà are set up to show the rules at work: DN-THPT001-T1-001 has
three consecutive years of CSTĐCS and a province-level initiative (eligible for CSTĐ cấp tỉnh);
DN-THPT001-T2-001 has only the last two years ("còn thiếu năm 2023").
"""

import datetime
import zlib

from criteria.enums import DisciplineLevel, Rating, RecognitionScope, RecordKind, RecordSource
from criteria.models import AchievementRecord, Title
from demo.units import SCALES, build_tree
from units.enums import Position, UnitLevel
from units.models import Person, Unit

YEARS = range(2021, 2026)
STAR_TEACHERS = {"DN-THPT001-T1-001": (2023, 2024, 2025), "DN-THPT001-T2-001": (2024, 2025)}
NON_STAFF = (Position.PUPIL, Position.STUDENT)


def _issuer(code, by_code):
    """The unit that decides a person's or a school's titles: the school's parent."""
    node = by_code[code]
    if node.level == UnitLevel.SUBUNIT:
        node = by_code[node.parent_code]
    parent = by_code.get(node.parent_code)
    return parent.name if parent else node.name


def _rating(h: int) -> str:
    r = h % 100
    return (
        Rating.EXCELLENT
        if r < 25
        else Rating.GOOD
        if r < 85
        else Rating.COMPLETED
        if r < 98
        else Rating.NOT_COMPLETED
    )


def _decision(h: int, year: int) -> dict:
    return {"decision_number": f"{100 + h % 900}/QĐ", "decision_date": datetime.date(year, 8, 20)}


def seed(*, nodes, pks, actor, write):
    demo_codes = {n.code for n in build_tree(SCALES["demo"])}
    by_code = {n.code: n for n in nodes}
    titles = {t.code: t for t in Title.objects.all()}
    unit_ids = [pks[c] for c in demo_codes if c in pks]
    have_people = set(
        AchievementRecord.objects.filter(person__unit_id__in=unit_ids)
        .values_list("person_id", flat=True)
        .distinct()
    )
    have_units = set(
        AchievementRecord.objects.filter(unit_id__in=unit_ids)
        .values_list("unit_id", flat=True)
        .distinct()
    )
    records = []
    people = (
        Person.objects.filter(unit_id__in=unit_ids)
        .exclude(position__in=NON_STAFF)
        .values_list("pk", "identifier", "unit__code")
    )
    for pk, identifier, unit_code in people:
        if pk in have_people:
            continue
        issuer = _issuer(unit_code, by_code)
        star = STAR_TEACHERS.get(identifier)
        for year in YEARS:
            h = zlib.crc32(f"{identifier}/{year}".encode())
            common = {"person_id": pk, "year": year, "source": RecordSource.IMPORTED}
            star_year = bool(star) and year in star
            rating = Rating.EXCELLENT if star_year else _rating(h)
            records.append(AchievementRecord(**common, kind=RecordKind.RATING, rating=rating))
            good_year = rating in (Rating.EXCELLENT, Rating.GOOD) and (h >> 8) % 100 < 90
            if star or good_year:
                records.append(
                    AchievementRecord(
                        **common,
                        kind=RecordKind.TITLE,
                        title=titles["LDTT"],
                        issuer=issuer,
                        **_decision(h, year),
                    )
                )
            lucky = rating == Rating.EXCELLENT and (h >> 12) % 3 == 0
            if star_year if star else lucky:
                records.append(
                    AchievementRecord(
                        **common,
                        kind=RecordKind.TITLE,
                        title=titles["CSTDCS"],
                        issuer=issuer,
                        **_decision(h >> 3, year),
                    )
                )
                records.append(
                    AchievementRecord(
                        **common,
                        kind=RecordKind.INITIATIVE,
                        scope=RecognitionScope.PROVINCE
                        if star and len(star) == 3 and year == 2025
                        else RecognitionScope.UNIT,
                        description="Sáng kiến đổi mới phương pháp dạy học",
                        issuer=issuer,
                        **_decision(h >> 5, year),
                    )
                )
            if (h >> 16) % 200 == 0:
                records.append(
                    AchievementRecord(
                        **common,
                        kind=RecordKind.DISCIPLINE,
                        discipline_level=DisciplineLevel.WARNING,
                        issuer=issuer,
                        **_decision(h >> 7, year),
                    )
                )
    schools = Unit.objects.filter(pk__in=unit_ids, level=UnitLevel.SCHOOL).values_list("pk", "code")
    for pk, code in schools:
        if pk in have_units:
            continue
        for year in YEARS:
            h = zlib.crc32(f"{code}/{year}".encode())
            showcase = code == "GL-THPT001" and year in (2022, 2024)  # passes the Gia Lai rule
            title = "TTLDXS" if h % 4 == 0 or showcase else "TTLDTT" if h % 10 < 8 else None
            # the school's own yearly rating, which the collective titles require
            rating = {"TTLDXS": Rating.EXCELLENT, "TTLDTT": Rating.GOOD}.get(
                title, Rating.COMPLETED
            )
            records.append(
                AchievementRecord(
                    unit_id=pk,
                    year=year,
                    kind=RecordKind.RATING,
                    rating=rating,
                    source=RecordSource.IMPORTED,
                )
            )
            if title:
                records.append(
                    AchievementRecord(
                        unit_id=pk,
                        year=year,
                        kind=RecordKind.TITLE,
                        title=titles[title],
                        source=RecordSource.IMPORTED,
                        issuer=_issuer(code, by_code),
                        **_decision(h, year),
                    )
                )
    AchievementRecord.objects.bulk_create(records, batch_size=5000)
    write(f"Sổ thành tích: thêm {len(records)}")
