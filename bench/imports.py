"""A 10,000-row people sheet through the portal's import (dry-run check, then confirm), against
reading the same file and a plain `bulk_create` of the same rows."""

import datetime
import io

from openpyxl import Workbook

from core.imports import IMPORTERS, import_job_check, import_job_confirm, read_dataset
from core.models import ImportStatus
from demo.units import SYSTEM_ADMIN
from units.enums import Gender, Position, UnitLevel
from units.models import Person, Unit, User

from .harness import require, rounded, timed

HEADERS = (
    "Mã định danh",
    "Họ và tên",
    "Chức vụ",
    "Mã đơn vị",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Điện thoại",
)


def sheet(rows: int, schools: list[str]) -> bytes:
    workbook = Workbook(write_only=True)
    page = workbook.create_sheet()
    page.append(HEADERS)
    for i in range(rows):
        page.append(
            (
                f"0481{i:08d}",
                f"Trần Thị Thu Hương {i}",
                "GV",
                schools[i % len(schools)],
                f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1970 + i % 30}",
                "Nữ" if i % 3 else "Nam",
                "Kinh",
                f"0905{i:06d}",
            )
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bulk_create_baseline(content: bytes) -> int:
    """The floor: read the same file, build the same Person rows, one bulk_create."""
    dataset = read_dataset(content=content, file_name="nguoi.xlsx")
    units = dict(Unit.objects.values_list("code", "pk"))
    people = [
        Person(
            identifier=row[0],
            full_name=row[1],
            position=Position.TEACHER,
            unit_id=units[row[3]],
            birth_date=datetime.date(*map(int, reversed(row[4].split("/")))),
            gender=Gender.FEMALE if row[5] == "Nữ" else Gender.MALE,
            ethnicity=row[6],
            phone=row[7],
        )
        for row in dataset
    ]
    return len(Person.objects.bulk_create(people, batch_size=1000))


def run(*, rows: int) -> dict:
    schools = list(Unit.objects.filter(level=UnitLevel.SCHOOL).values_list("code", flat=True)[:200])
    content = sheet(rows, schools)
    actor = User.objects.get(username=SYSTEM_ADMIN)
    importer = IMPORTERS["people"]
    before = Person.objects.count()
    job = None

    def check():
        nonlocal job
        job = import_job_check(
            actor=actor, importer=importer, file_name="nguoi.xlsx", content=content
        )

    check_s = timed(check)
    require(job.status == ImportStatus.CHECKED_OK, job.errors[:3])
    confirm_s = timed(lambda: import_job_confirm(actor=actor, job=job))
    job.refresh_from_db()
    require(job.status == ImportStatus.IMPORTED, job.errors[:3])
    require(Person.objects.count() == before + rows, "not every row was imported")
    Person.objects.filter(identifier__in=[f"0481{i:08d}" for i in range(rows)]).delete()
    baseline_s = timed(lambda: bulk_create_baseline(content))
    require(Person.objects.count() == before + rows, "bulk_create missed rows")
    return {
        "rows": rows,
        "check_s": rounded(check_s),
        "confirm_s": rounded(confirm_s),
        "bulk_create_s": rounded(baseline_s),
        "confirm_rows_per_s": round(rows / confirm_s),
        "check_and_confirm_rows_per_s": round(rows / (check_s + confirm_s)),
        "bulk_create_rows_per_s": round(rows / baseline_s),
        "confirm_vs_bulk_create_ratio": rounded(confirm_s / baseline_s, 3),
    }
