"""Demo data: a realistic Vietnamese education sector at three sizes.

`demo` is small enough to click through; `province` is one big province (about 1,500 schools and
60,000 people) for performance work; `nation` is 34 provinces (about 57,000 units and 1.6
million people). Everything is derived from codes, never from a shared random stream, so each
size contains the smaller ones and a second run finds everything present and adds nothing.

The tree follows the 2025 restructuring: preschools, primary and lower-secondary schools sit
under communes (since 1/7/2025), and their earlier district office is kept, closed on
30/06/2025, with a UnitMove recording the transfer; upper-secondary and continuing-education
centres sit directly under the Sở. Two Sở merged on 1/7/2025 are kept with `merged_into`.
"""

import datetime
import zlib
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import Count, F

from units.enums import Gender, Position, Role, SchoolType, UnitLevel
from units.letterhead import default_letterhead
from units.models import Membership, Person, Unit, UnitMove, User

RESTRUCTURED_ON = datetime.date(2025, 7, 1)
DISTRICTS_CLOSED_ON = datetime.date(2025, 6, 30)
COMMUNES_PER_DISTRICT = 6


@dataclass(frozen=True)
class Scale:
    provinces: int
    communes: int  # per province (the first province; the others get `others_factor` of it)
    schools_per_commune: dict  # school type -> count
    upper_secondary: int  # per province
    continuing: int
    people: dict  # school type -> people per school (before the factor)
    teams_per_upper_secondary: int
    others_factor: float  # size of the other provinces' commune count, relative to the first
    others_people_factor: float  # and of their staff per school


# One big province: 54 communes of 27 schools, plus upper-secondary and continuing-education
# schools under the Sở, staffed as the sector averages (about 1,500 schools, 60,000 people).
PROVINCE = Scale(
    provinces=2,
    communes=54,
    schools_per_commune={
        SchoolType.PRESCHOOL: 10,
        SchoolType.PRIMARY: 10,
        SchoolType.LOWER_SECONDARY: 7,
    },
    upper_secondary=40,
    continuing=2,
    people={
        SchoolType.PRESCHOOL: 30,
        SchoolType.PRIMARY: 40,
        SchoolType.LOWER_SECONDARY: 48,
        SchoolType.UPPER_SECONDARY: 75,
        SchoolType.CONTINUING: 30,
        SchoolType.HIGHER: 40,
        SchoolType.MULTI_LEVEL: 40,
    },
    teams_per_upper_secondary=3,
    others_factor=0.25,
    others_people_factor=0.25,
)

SCALES = {
    "demo": Scale(
        provinces=2,
        communes=12,
        schools_per_commune={
            SchoolType.PRESCHOOL: 1,
            SchoolType.PRIMARY: 1,
            SchoolType.LOWER_SECONDARY: 1,
        },
        upper_secondary=4,
        continuing=1,
        people=dict.fromkeys(SchoolType, 8),
        teams_per_upper_secondary=3,
        others_factor=1.0,
        others_people_factor=1.0,
    ),
    "province": PROVINCE,
    "nation": replace(PROVINCE, provinces=34, others_factor=0.92, others_people_factor=0.85),
}

# The 34 provinces since 12/6/2025; Đà Nẵng and Gia Lai first (seeds 000 and 002).
PROVINCES = [
    ("DN", "Đà Nẵng"),
    ("GL", "Gia Lai"),
    ("HN", "Hà Nội"),
    ("HCM", "Thành phố Hồ Chí Minh"),
    ("HP", "Hải Phòng"),
    ("CT", "Cần Thơ"),
    ("HUE", "Huế"),
    ("QNI", "Quảng Ninh"),
    ("CB", "Cao Bằng"),
    ("LS", "Lạng Sơn"),
    ("LC", "Lào Cai"),
    ("TQ", "Tuyên Quang"),
    ("TN", "Thái Nguyên"),
    ("PT", "Phú Thọ"),
    ("BN", "Bắc Ninh"),
    ("HY", "Hưng Yên"),
    ("NB", "Ninh Bình"),
    ("TH", "Thanh Hóa"),
    ("NA", "Nghệ An"),
    ("HT", "Hà Tĩnh"),
    ("QT", "Quảng Trị"),
    ("QNG", "Quảng Ngãi"),
    ("KH", "Khánh Hòa"),
    ("DL", "Đắk Lắk"),
    ("LD", "Lâm Đồng"),
    ("DNA", "Đồng Nai"),
    ("TNI", "Tây Ninh"),
    ("VL", "Vĩnh Long"),
    ("DT", "Đồng Tháp"),
    ("AG", "An Giang"),
    ("CM", "Cà Mau"),
    ("DB", "Điện Biên"),
    ("LCH", "Lai Châu"),
    ("SL", "Sơn La"),
]
MERGED_PROVINCES = {"DN": ("QNA", "Quảng Nam"), "GL": ("BD", "Bình Định")}

PLACE_FIRST = [
    "Hòa",
    "An",
    "Tân",
    "Phú",
    "Bình",
    "Thạnh",
    "Hải",
    "Sơn",
    "Thanh",
    "Long",
    "Phước",
    "Mỹ",
    "Thuận",
    "Hiệp",
    "Vĩnh",
    "Quang",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
]
PLACE_SECOND = [
    "Khánh",
    "Lộc",
    "Thịnh",
    "Hưng",
    "Phong",
    "Châu",
    "Xuân",
    "Minh",
    "Cường",
    "Lợi",
    "Thọ",
    "Điền",
    "Tiến",
    "Đức",
    "Hiệp",
    "Sơn",
    "Khê",
    "Trung",
    "Nhơn",
]
NOTABLES = [
    "Lê Lợi",
    "Nguyễn Du",
    "Trần Phú",
    "Quang Trung",
    "Nguyễn Trãi",
    "Lý Thường Kiệt",
    "Chu Văn An",
    "Phan Châu Trinh",
    "Nguyễn Huệ",
    "Hùng Vương",
    "Kim Đồng",
    "Võ Thị Sáu",
    "Nguyễn Văn Trỗi",
    "Trần Quốc Toản",
    "Lê Quý Đôn",
    "Nguyễn Bỉnh Khiêm",
    "Phan Bội Châu",
    "Hoàng Hoa Thám",
    "Ngô Quyền",
    "Đinh Tiên Hoàng",
    "Lê Văn Tám",
    "Trưng Vương",
    "Nguyễn Thị Minh Khai",
    "Tô Hiến Thành",
    "Lương Thế Vinh",
    "Trần Hưng Đạo",
]
PRESCHOOL_NAMES = [
    "Hoa Sen",
    "Sao Mai",
    "Họa Mi",
    "Sơn Ca",
    "Bình Minh",
    "Hoa Hồng",
    "Vàng Anh",
    "Tuổi Thơ",
    "Hướng Dương",
    "Măng Non",
    "Sen Hồng",
    "Ánh Dương",
]
UPPER_SECONDARY_NAMES = [
    "Sơn Trà",
    "Phan Châu Trinh",
    "Hoàng Hoa Thám",
    "Lê Quý Đôn",
    "Nguyễn Hiền",
    "Thái Phiên",
    "Trần Phú",
    "Ngũ Hành Sơn",
    "Nguyễn Trãi",
    "Hòa Vang",
    "Liên Chiểu",
    "Cẩm Lệ",
    "Thanh Khê",
    "Ông Ích Khiêm",
]
TEAMS = ["Tổ Toán - Tin", "Tổ Ngữ văn", "Tổ Ngoại ngữ", "Tổ Khoa học tự nhiên", "Tổ Văn phòng"]
SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = {
    Gender.MALE: ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Công", "Thanh"],
    Gender.FEMALE: ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Minh", "Thùy"],
}
GIVEN = {
    Gender.MALE: [
        "Anh",
        "Bình",
        "Cường",
        "Dũng",
        "Hải",
        "Hùng",
        "Khánh",
        "Long",
        "Nam",
        "Phong",
        "Quang",
        "Sơn",
        "Thắng",
        "Trung",
        "Tuấn",
        "Việt",
    ],
    Gender.FEMALE: [
        "Ánh",
        "Chi",
        "Dung",
        "Hà",
        "Hạnh",
        "Hoa",
        "Hương",
        "Lan",
        "Linh",
        "Mai",
        "Nga",
        "Oanh",
        "Phương",
        "Tâm",
        "Thảo",
        "Trang",
        "Yến",
    ],
}
ETHNICITIES = ["Kinh"] * 17 + ["Gia Rai", "Ba Na", "Cơ Tu"]
SCHOOL_PREFIX = {
    SchoolType.PRESCHOOL: "Trường Mầm non",
    SchoolType.PRIMARY: "Trường Tiểu học",
    SchoolType.LOWER_SECONDARY: "Trường THCS",
    SchoolType.UPPER_SECONDARY: "Trường THPT",
    SchoolType.CONTINUING: "Trung tâm GDNN - GDTX",
}


def _pick(items, key: str, salt: int = 0):
    return items[(zlib.crc32(key.encode()) + salt * 7919) % len(items)]


@dataclass
class Node:
    code: str
    name: str
    level: str
    parent_code: str | None
    school_type: str = ""
    address: str = ""
    phone: str = ""
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    merged_into_code: str | None = None
    moved_from_code: str | None = None  # the district office it belonged to before 1/7/2025
    people: int = 0


def _phone(code):
    return "02" + str(zlib.crc32(code.encode()) % 10**9).zfill(9)


def _school(code, school_type, parent, place, index, *, people, moved_from=None):
    if school_type == SchoolType.PRESCHOOL:
        name = f"{SCHOOL_PREFIX[school_type]} {PRESCHOOL_NAMES[index % len(PRESCHOOL_NAMES)]}"
    else:
        name = f"{SCHOOL_PREFIX[school_type]} {_pick(NOTABLES, code)}"
    return Node(
        code,
        name,
        UnitLevel.SCHOOL,
        parent,
        school_type=school_type,
        address=f"{index + 1} đường {_pick(NOTABLES, code, 1)}, {place}",
        phone=_phone(code),
        moved_from_code=moved_from,
        people=people,
    )


def build_tree(scale: Scale) -> list[Node]:
    """The whole tree, parents before children."""
    nodes = [
        Node(
            "BGDDT",
            "Bộ Giáo dục và Đào tạo",
            UnitLevel.MINISTRY,
            None,
            address="35 Đại Cồ Việt, Hà Nội",
            phone="02438694795",
        )
    ]
    nodes.append(Node("BGDDT-VTDKT", "Vụ Thi đua - Khen thưởng", UnitLevel.SUBUNIT, "BGDDT"))
    academy = "HVQLGD"
    nodes.append(
        Node(
            academy,
            "Học viện Quản lý giáo dục",
            UnitLevel.SCHOOL,
            "BGDDT",
            school_type=SchoolType.HIGHER,
            address="31 Phan Đình Giót, Hà Nội",
            phone="02438643045",
            people=scale.people[SchoolType.HIGHER],
        )
    )
    for team in ("Khoa Quản lý giáo dục", "Phòng Tổ chức cán bộ"):
        code = f"{academy}-{'K' if team.startswith('Khoa') else 'P'}1"
        nodes.append(
            Node(
                code, team, UnitLevel.SUBUNIT, academy, people=scale.people[SchoolType.HIGHER] // 4
            )
        )

    for p_index, (p_code, p_name) in enumerate(PROVINCES[: scale.provinces]):
        factor = 1.0 if p_index == 0 else scale.others_factor
        people_factor = 1.0 if p_index == 0 else scale.others_people_factor
        so = f"SGD-{p_code}"
        nodes.append(
            Node(
                so,
                f"Sở Giáo dục và Đào tạo {p_name}",
                UnitLevel.PROVINCE,
                "BGDDT",
                address=f"Trung tâm hành chính {p_name}",
                phone=_phone(so),
            )
        )
        nodes.append(Node(f"{so}-VP", "Văn phòng Sở", UnitLevel.SUBUNIT, so))
        if p_code in MERGED_PROVINCES:
            old_code, old_name = MERGED_PROVINCES[p_code]
            nodes.append(
                Node(
                    f"SGD-{old_code}",
                    f"Sở Giáo dục và Đào tạo {old_name}",
                    UnitLevel.PROVINCE,
                    "BGDDT",
                    valid_to=DISTRICTS_CLOSED_ON,
                    merged_into_code=so,
                )
            )
        communes = max(COMMUNES_PER_DISTRICT, round(scale.communes * factor))
        for d_index in range((communes + COMMUNES_PER_DISTRICT - 1) // COMMUNES_PER_DISTRICT):
            district = f"{p_code}-PGD{d_index + 1:02d}"
            place = f"{PLACE_FIRST[d_index % 20]} {PLACE_SECOND[(d_index * 3) % 19]}"
            nodes.append(
                Node(
                    district,
                    f"Phòng GDĐT huyện {place}",
                    UnitLevel.DISTRICT,
                    so,
                    valid_to=DISTRICTS_CLOSED_ON,
                )
            )
        for c_index in range(communes):
            commune = f"{p_code}-X{c_index + 1:03d}"
            place = f"{PLACE_FIRST[c_index % 20]} {PLACE_SECOND[(c_index // 20 + c_index) % 19]}"
            kind = "phường" if c_index % 3 else "xã"
            district = f"{p_code}-PGD{c_index // COMMUNES_PER_DISTRICT + 1:02d}"
            nodes.append(
                Node(
                    commune,
                    f"UBND {kind} {place}",
                    UnitLevel.COMMUNE,
                    so,
                    valid_from=RESTRUCTURED_ON,
                    phone=_phone(commune),
                )
            )
            for school_type, count in scale.schools_per_commune.items():
                for s_index in range(count):
                    code = f"{commune}-{school_type}{s_index + 1:02d}"
                    people = max(3, round(scale.people[school_type] * people_factor))
                    nodes.append(
                        _school(
                            code,
                            school_type,
                            commune,
                            f"{kind} {place}",
                            s_index,
                            people=people,
                            moved_from=district,
                        )
                    )
        for s_index in range(scale.upper_secondary):
            code = f"{p_code}-THPT{s_index + 1:03d}"
            # Đà Nẵng's schools carry its real names (Sơn Trà is seed 000's school); elsewhere the
            # names of notable people, rotated so that provinces do not all look alike.
            names = (
                UPPER_SECONDARY_NAMES if p_index == 0 else NOTABLES[p_index:] + NOTABLES[:p_index]
            )
            name_part = names[s_index % len(names)]
            suffix = f" số {s_index // len(names) + 1}" if s_index >= len(names) else ""
            school = Node(
                code,
                f"Trường THPT {name_part}{suffix}",
                UnitLevel.SCHOOL,
                so,
                school_type=SchoolType.UPPER_SECONDARY,
                address=f"{p_name}",
                phone=_phone(code),
                people=0,
            )
            nodes.append(school)
            team_people = max(3, round(scale.people[SchoolType.UPPER_SECONDARY] * people_factor))
            teams = scale.teams_per_upper_secondary
            school.people = team_people - (team_people // teams) * teams + 2
            for t_index in range(teams):
                nodes.append(
                    Node(
                        f"{code}-T{t_index + 1}",
                        TEAMS[t_index % len(TEAMS)],
                        UnitLevel.SUBUNIT,
                        code,
                        people=team_people // teams,
                    )
                )
        boarding = f"{p_code}-PTDTNT"
        nodes.append(
            Node(
                boarding,
                f"Trường Phổ thông Dân tộc nội trú {p_name}",
                UnitLevel.SCHOOL,
                so,
                school_type=SchoolType.MULTI_LEVEL,
                address=p_name,
                phone=_phone(boarding),
                people=max(3, round(scale.people[SchoolType.MULTI_LEVEL] * people_factor)),
            )
        )
        for s_index in range(scale.continuing):
            code = f"{p_code}-GDTX{s_index + 1:02d}"
            nodes.append(
                _school(
                    code,
                    SchoolType.CONTINUING,
                    so,
                    p_name,
                    s_index,
                    people=max(3, round(scale.people[SchoolType.CONTINUING] * people_factor)),
                )
            )
    return nodes


def _position(index: int, level: str) -> str:
    if level == UnitLevel.SUBUNIT:
        return Position.TEAM_LEADER if index == 0 else Position.TEACHER
    return (
        [
            Position.PRINCIPAL,
            Position.VICE_PRINCIPAL,
            Position.VICE_PRINCIPAL,
            Position.STAFF,
            Position.STAFF,
        ][index]
        if index < 5
        else Position.TEACHER
    )


def make_person(unit_id: int, unit_code: str, level: str, index: int, school_type: str) -> Person:
    identifier = f"{unit_code}-{index + 1:03d}"
    h = zlib.crc32(identifier.encode())
    gender = Gender.FEMALE if h % 10 < 7 else Gender.MALE  # the sector's staff is ~70% women
    full_name = (
        f"{SURNAMES[h % len(SURNAMES)]} {MIDDLE[gender][(h >> 4) % len(MIDDLE[gender])]} "
        f"{GIVEN[gender][(h >> 8) % len(GIVEN[gender])]}"
    )
    position = _position(index, level)
    if school_type == SchoolType.HIGHER and position == Position.TEACHER:
        position = Position.LECTURER
    birth = datetime.date(1965 + (h >> 12) % 35, 1 + (h >> 16) % 12, 1 + (h >> 20) % 28)
    return Person(
        unit_id=unit_id,
        identifier=identifier,
        full_name=full_name,
        gender=gender,
        birth_date=birth,
        ethnicity=ETHNICITIES[(h >> 24) % len(ETHNICITIES)],
        position=position,
        phone="09" + str(h % 10**8).zfill(8),
    )


def _step(path: str) -> int:
    return Unit._str2int(path[-Unit.steplen :])


@transaction.atomic
def seed_units(nodes: list[Node]) -> dict[str, int]:
    """Insert the units that are missing; returns code -> pk for every node."""
    existing = {
        code: (pk, path) for code, pk, path in Unit.objects.values_list("code", "pk", "path")
    }
    last_step: dict[str, int] = {}
    for _code, (_pk, path) in existing.items():
        parent_path = path[: -Unit.steplen]
        last_step[parent_path] = max(last_step.get(parent_path, 0), _step(path))
    paths = {code: path for code, (_pk, path) in existing.items()}
    new_units, added_children = [], {}
    for node in nodes:
        if node.code in paths:
            continue
        parent_path = paths[node.parent_code] if node.parent_code else ""
        last_step[parent_path] = last_step.get(parent_path, 0) + 1
        depth = len(parent_path) // Unit.steplen + 1
        path = Unit._get_path(parent_path, depth, last_step[parent_path])
        paths[node.code] = path
        added_children[parent_path] = added_children.get(parent_path, 0) + 1
        new_units.append(
            Unit(
                code=node.code,
                name=node.name,
                level=node.level,
                school_type=node.school_type,
                address=node.address,
                phone=node.phone,
                valid_from=node.valid_from,
                valid_to=node.valid_to,
                path=path,
                depth=depth,
                numchild=0,
                # the header lines of its documents: a Sở under "UBND thành phố Đà Nẵng", a
                # district office under "UBND huyện …", a commune on its own, a school under
                # its parent of the day (units/letterhead.py)
                **default_letterhead(
                    level=node.level, name=node.name, school_type=node.school_type
                ),
            )
        )
    new_paths = {u.path for u in new_units}
    for unit in new_units:
        unit.numchild = added_children.get(unit.path, 0)
    Unit.objects.bulk_create(new_units, batch_size=2000)
    for parent_path, count in added_children.items():
        if parent_path and parent_path not in new_paths:
            Unit.objects.filter(path=parent_path).update(numchild=F("numchild") + count)
    pks = dict(Unit.objects.filter(code__in=[n.code for n in nodes]).values_list("code", "pk"))

    created = {u.code for u in new_units}
    merges = [
        (n.code, n.merged_into_code) for n in nodes if n.merged_into_code and n.code in created
    ]
    for code, target in merges:
        Unit.objects.filter(pk=pks[code]).update(merged_into_id=pks[target])
    UnitMove.objects.bulk_create(
        [
            UnitMove(
                unit_id=pks[n.code],
                from_parent_id=pks[n.moved_from_code],
                to_parent_id=pks[n.parent_code],
                moved_on=RESTRUCTURED_ON,
                reason="Sắp xếp đơn vị hành chính, bỏ cấp huyện từ 01/7/2025",
            )
            for n in nodes
            if n.moved_from_code and n.code in created
        ],
        batch_size=2000,
    )
    return pks


def seed_people(nodes: list[Node], pks: dict[str, int], *, batch: int = 5000) -> int:
    """Insert the people that are missing; returns how many were inserted.

    Units that already hold at least their share are skipped without building a row, so a second
    run over the nation (1.6 million people) costs one grouped count, not a million inserts.
    """
    present = dict(
        Person.objects.order_by()
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    before, pending = Person.objects.count(), []
    for node in nodes:
        unit_id = pks[node.code]
        if present.get(unit_id, 0) >= node.people:
            continue
        pending.extend(
            make_person(unit_id, node.code, node.level, index, node.school_type)
            for index in range(node.people)
        )
        if len(pending) >= batch:
            Person.objects.bulk_create(pending, ignore_conflicts=True)
            pending = []
    Person.objects.bulk_create(pending, ignore_conflicts=True)
    return Person.objects.count() - before


DEMO_PASSWORD = "ThiDua@2026"  # noqa: S105 (demo accounts only; README says so)
SYSTEM_ADMIN = "quantri"

# username, full name, [(unit code, role)], superuser
DEMO_ACCOUNTS = [
    (SYSTEM_ADMIN, "Quản trị hệ thống", [], True),
    ("bo.xem", "Trần Văn Minh", [("BGDDT", Role.VIEWER)], False),
    ("so.quantri", "Lê Thị Hạnh", [("SGD-DN", Role.CAMPAIGN_ADMIN)], False),
    ("so.lanhdao", "Nguyễn Văn Hùng", [("SGD-DN", Role.APPROVER)], False),
    ("so.thuky", "Phạm Thị Lan", [("SGD-DN", Role.COUNCIL_SECRETARY)], False),
    ("xa.lanhdao", "Võ Minh Quang", [("DN-X001", Role.APPROVER)], False),
    ("xa.quantri", "Trương Thị Thu", [("DN-X001", Role.CAMPAIGN_ADMIN)], False),
    # the commune's quarterly campaign decides at the commune: its secretary records the decision
    ("xa.thuky", "Đoàn Thị Hiền", [("DN-X001", Role.COUNCIL_SECRETARY)], False),
    ("phong.lanhdao", "Lê Quang Vinh", [("DN-PGD01", Role.APPROVER)], False),
    ("tieuhoc.hieutruong", "Ngô Thị Xuân", [("DN-X001-TH01", Role.APPROVER)], False),
    ("tieuhoc.canbo", "Hồ Minh Tâm", [("DN-X001-TH01", Role.NOMINATOR)], False),
    ("truong.hieutruong", "Huỳnh Thị Mai", [("DN-THPT001", Role.APPROVER)], False),
    ("truong.canbo", "Đặng Thu Trang", [("DN-THPT001", Role.NOMINATOR)], False),
    (
        "giaovien.kiemnhiem",
        "Bùi Ngọc Anh",
        [("DN-X001-TH01", Role.NOMINATOR), ("DN-X001", Role.VIEWER)],
        False,
    ),
    ("gialai.canbo", "Rơ Châm H'Lan", [("GL-THPT001", Role.NOMINATOR)], False),
    ("gialai.quantri", "Nguyễn Văn Long", [("SGD-GL", Role.CAMPAIGN_ADMIN)], False),
]


# The position each demo account holds in the people records of its first unit: the names and
# positions printed in signature blocks (minutes, decisions, lists) come from there.
ACCOUNT_POSITIONS = {
    Role.APPROVER: Position.PRINCIPAL,
    Role.COUNCIL_SECRETARY: Position.OFFICIAL,
    Role.CAMPAIGN_ADMIN: Position.OFFICIAL,
    Role.NOMINATOR: Position.TEACHER,
    Role.VIEWER: Position.OFFICIAL,
}


def _account_person(user, memberships, units) -> None:
    """The person record behind a demo account (identifier TK-<username>), linked to it."""
    if not memberships:
        return
    code, role = memberships[0]
    person, _created = Person.objects.update_or_create(
        identifier=f"TK-{user.username}",
        defaults={
            "unit_id": units[code],
            "full_name": user.full_name,
            "position": ACCOUNT_POSITIONS[role],
            "gender": Gender.FEMALE if " Thị " in f" {user.full_name} " else Gender.MALE,
        },
    )
    if user.person_id != person.pk:
        user.person = person
        user.save(update_fields=["person"])


@transaction.atomic
def seed_accounts(*, password: str = DEMO_PASSWORD) -> list[tuple[str, str]]:
    rows = []
    units = dict(
        Unit.objects.filter(
            code__in={code for *_x, ms, _s in DEMO_ACCOUNTS for code, _r in ms}
        ).values_list("code", "pk")
    )
    for username, full_name, memberships, superuser in DEMO_ACCOUNTS:
        user, _created = User.objects.get_or_create(username=username)
        user.full_name = full_name
        user.email = f"{username}@demo.thidua.edu.vn"
        user.is_superuser = user.is_staff = superuser
        user.set_password(password)
        user.save()
        for code, role in memberships:
            Membership.objects.get_or_create(user=user, unit_id=units[code], role=role)
        _account_person(user, memberships, units)
        roles = ", ".join(f"{Role(role).label} @ {code}" for code, role in memberships)
        rows.append((username, roles or "superuser"))
    return rows
