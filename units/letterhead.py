"""What a unit's printed documents say about it (Decree 30/2020/NĐ-CP, Appendix I): the two
header lines (governing body, issuing unit), the abbreviation in document numbers, and the title
of its head in signature blocks.

The governing body comes from data, never from fixed levels: a unit either names it
(`governing_source = named`: a Sở's is the provincial People's Committee, a district office's
before 1/7/2025 its district's), has none (the ministry; a commune, which is its own People's
Committee), or takes its parent in the tree **as the tree stood on the document's date** (a
primary school prints "PHÒNG GDĐT HUYỆN …" on a 2024 paper and "UBND XÃ …" on a 2026 one,
because its UnitMove of 1/7/2025 says so).

`default_letterhead` gives the values a unit gets when nobody typed them: the migration fills
existing rows with it and the demo seeder new ones; administrators edit them afterwards.
"""

import datetime
import re

from django.db.models import F

from .enums import GoverningSource, Position, SchoolType, UnitLevel
from .selectors import parent_on

# The centrally-run cities: their committee is "UBND thành phố …", elsewhere "UBND tỉnh …".
CITIES = (
    "Hà Nội",
    "Thành phố Hồ Chí Minh",
    "Hồ Chí Minh",
    "Hải Phòng",
    "Đà Nẵng",
    "Cần Thơ",
    "Huế",
)
PROVINCE_PREFIXES = ("Sở Giáo dục và Đào tạo ", "Sở GDĐT ", "Sở GD&ĐT ")
DISTRICT_PREFIXES = ("Phòng Giáo dục và Đào tạo ", "Phòng GDĐT ", "Phòng GD&ĐT ")

LEVEL_ABBREVIATION = {
    UnitLevel.MINISTRY: "BGDĐT",
    UnitLevel.PROVINCE: "SGDĐT",
    UnitLevel.DISTRICT: "PGDĐT",
    UnitLevel.COMMUNE: "UBND",
}
SCHOOL_ABBREVIATION = {
    SchoolType.PRESCHOOL: "MN",
    SchoolType.PRIMARY: "TH",
    SchoolType.LOWER_SECONDARY: "THCS",
    SchoolType.UPPER_SECONDARY: "THPT",
    SchoolType.MULTI_LEVEL: "PT",
    SchoolType.CONTINUING: "TTGDTX",
    SchoolType.HIGHER: "HV",
}
HEAD_TITLES = {
    UnitLevel.MINISTRY: "Bộ trưởng",
    UnitLevel.PROVINCE: "Giám đốc",
    UnitLevel.DISTRICT: "Trưởng phòng",
    UnitLevel.COMMUNE: "Chủ tịch",
    UnitLevel.SUBUNIT: "Tổ trưởng",
}
SCHOOL_HEAD_TITLES = {SchoolType.CONTINUING: "Giám đốc", SchoolType.HIGHER: "Giám đốc"}


def _strip(name: str, prefixes) -> str | None:
    for prefix in prefixes:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return None


def province_committee(place: str) -> str:
    place = place.removeprefix("Thành phố ").removeprefix("tỉnh ")
    if place in CITIES:
        return f"UBND thành phố {place}"
    return f"UBND tỉnh {place}"


def _initials(words: str) -> str:
    return "".join(w[0] for w in words.split() if w[:1].isalpha()).upper()


def default_letterhead(*, level: str, name: str, school_type: str = "") -> dict:
    """The letterhead fields a unit of this level and name gets until an administrator edits
    them. A pure function of its arguments, so the data migration can call it too."""
    abbreviation = LEVEL_ABBREVIATION.get(level, "")
    source, body = GoverningSource.PARENT, ""
    if level == UnitLevel.MINISTRY or level == UnitLevel.COMMUNE:
        source = GoverningSource.NONE
    elif level == UnitLevel.PROVINCE:
        place = _strip(name, PROVINCE_PREFIXES)
        if place:
            source, body = GoverningSource.NAMED, province_committee(place)
    elif level == UnitLevel.DISTRICT:
        place = _strip(name, DISTRICT_PREFIXES)
        if place:
            source, body = GoverningSource.NAMED, f"UBND {place}"
    elif level == UnitLevel.SCHOOL:
        prefix = SCHOOL_ABBREVIATION.get(school_type, "")
        rest = re.sub(
            r"^(Trường|Trung tâm)\s+(Mầm non|Tiểu học|THCS|THPT|Phổ thông|GDNN - GDTX)?\s*",
            "",
            name,
        )
        # a short sign, as offices write them ("THPTST"); a long name keeps its first initials
        abbreviation = (prefix + _initials(rest))[:10] if rest else prefix
    return {"abbreviation": abbreviation, "governing_source": source, "governing_body": body}


def governing_line(unit, day: datetime.date) -> str:
    """The header's first line (without capitals; the template prints them)."""
    if unit.governing_source == GoverningSource.NONE:
        return ""
    if unit.governing_source == GoverningSource.NAMED:
        return unit.governing_body.strip()
    parent = parent_on(unit, day)
    return parent.name if parent is not None else ""


def abbreviation_of(unit) -> str:
    return (
        unit.abbreviation
        or default_letterhead(level=unit.level, name=unit.name, school_type=unit.school_type)[
            "abbreviation"
        ]
        or unit.code
    )


def number_suffix(kind: str, unit) -> str:
    """What follows the number in "Số: …/QĐ-SGDĐT": the kind of document and the unit's
    abbreviation. The office writes the number itself in the blank before it."""
    return f"{kind}-{abbreviation_of(unit)}"


def head_title(unit) -> str:
    """ "Giám đốc", "Chủ tịch", "Hiệu trưởng": who signs for the unit."""
    if unit.head_title:
        return unit.head_title
    if unit.level == UnitLevel.SCHOOL:
        return SCHOOL_HEAD_TITLES.get(unit.school_type, "Hiệu trưởng")
    return HEAD_TITLES.get(unit.level, "Thủ trưởng đơn vị")


def head_of(unit):
    """The person heading the unit in the people records (its active principal or director),
    or None."""
    # One who uses the portal (a linked account) before one who does not, then the oldest.
    return (
        unit.people.filter(position=Position.PRINCIPAL, is_active=True)
        .order_by(F("account").asc(nulls_last=True), "pk")
        .first()
    )


def position_text(person, unit=None) -> str:
    """A person's position as a signature block prints it: the head's own title ("Giám đốc"),
    a deputy's ("Phó Giám đốc"), else the position's name."""
    unit = unit or person.unit
    if person.position == Position.PRINCIPAL:
        return head_title(unit)
    if person.position == Position.VICE_PRINCIPAL:
        title = head_title(unit)
        return f"Phó {title}"
    return str(Position(person.position).label)
