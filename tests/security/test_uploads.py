"""Hostile uploads through the real pages: evidence of a dossier, the portrait photo of a dossier
and of a person, and a spreadsheet import.

Whatever the name, the browser's content type or the bytes say, a file we do not accept is refused
with a Vietnamese sentence and leaves nothing behind (no row, no file); a file we accept is stored
under a generated name inside its own folder and comes back as an attachment that the browser
may not sniff, under a name that is not a path and whose extension matches its content.
"""

import functools
import io
import re
import uuid
import zipfile
from email.message import Message
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import Workbook
from PIL import Image

from core.models import ImportJob
from nominations.models import Evidence, Nomination
from tests.nominations import conftest as dossiers
from units.enums import Role
from units.models import Person

pytestmark = pytest.mark.django_db

campaign, clock, new_nomination, users = (
    dossiers.campaign,
    dossiers.clock,
    dossiers.new_nomination,
    dossiers.users,
)


# --- files -------------------------------------------------------------------------------------
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
PE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"This program cannot be run in DOS mode"
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


def image_bytes(fmt="JPEG", size=(40, 60), mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, "white" if mode != "1" else 1).save(buffer, format=fmt)
    return buffer.getvalue()


def plain_zip(*entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


BOMB_BYTES = 205 * 1024 * 1024  # past the 200 MB any office file of ours may unpack to


@functools.cache
def docx_bomb() -> bytes:
    """A Word document (it has [Content_Types].xml and word/) with 205 MB of zeros inside,
    deflated to about 1 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/image1.png", "w", force_zip64=True) as entry:
            chunk = bytes(1024 * 1024)
            for _ in range(BOMB_BYTES // len(chunk)):
                entry.write(chunk)
    return buffer.getvalue()


@functools.cache
def xlsx_bomb() -> bytes:
    """A real workbook whose first sheet unpacks to 205 MB of rows (about 8 million)."""
    workbook = Workbook()
    workbook.active.append(["Mã định danh", "Họ và tên", "Chức vụ", "Mã đơn vị"])
    plain = io.BytesIO()
    workbook.save(plain)
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(plain) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
    ):
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info, source.read(info))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            rows = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 20000
            for _ in range(BOMB_BYTES // len(rows)):
                sheet.write(rows)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def multipart(fields: dict, files: list) -> tuple[bytes, str]:
    """A multipart body written by hand: the test client would strip the path from a file name
    before sending it, a hostile browser does not."""
    boundary = uuid.uuid4().hex
    body = b""
    for name, value in fields.items():
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    for name, file_name, content_type, content in files:
        raw_name = file_name.encode() if isinstance(file_name, str) else file_name
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="'.encode()
            + raw_name
            + f'"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def post_files(client, url, fields, files, **kwargs):
    body, content_type = multipart(fields, files)
    return client.post(url, data=body, content_type=content_type, **kwargs)


def files_in(root: Path) -> set[Path]:
    return {p.relative_to(root) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def attachment_name(response) -> str:
    header = Message()
    header["Content-Disposition"] = response["Content-Disposition"]
    assert header.get_content_disposition() == "attachment"
    return unquote(header.get_filename())


@pytest.fixture
def media(settings, tmp_path):
    """The media folder, and everything beside it (which must stay untouched)."""
    return Path(settings.MEDIA_ROOT), tmp_path


@pytest.fixture
def dossier(new_nomination, clock):
    return new_nomination(fill=False)


# --- evidence ----------------------------------------------------------------------------------
REFUSED_EVIDENCE = {
    "script disguised as a PDF": ("evil.pdf", "application/pdf", HTML, "Chỉ nhận minh chứng"),
    "Windows program named .docx": ("bao-cao.docx", "application/msword", PE, "Chỉ nhận"),
    "Linux program named .docx": ("bao-cao.docx", "application/msword", ELF, "Chỉ nhận"),
    "SVG with script named .png": ("anh.png", "image/png", SVG, "Chỉ nhận minh chứng"),
    "HTML after a JPEG header": ("anh.jpg", "image/jpeg", b"\xff\xd8\xff\xe0" + HTML, "Chỉ nhận"),
    "zip that is no office file": (
        "hop-dong.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        plain_zip(("setup.exe", PE)),
        "Chỉ nhận minh chứng",
    ),
    "zip bomb inside a .docx": ("bao-cao.docx", "application/msword", None, "bom nén"),
}


@pytest.mark.parametrize("case", sorted(REFUSED_EVIDENCE))
def test_hostile_evidence_is_refused_and_leaves_nothing(client, dossier, users, media, case):
    name, content_type, content, words = REFUSED_EVIDENCE[case]
    content = docx_bomb() if content is None else content
    _media_root, beside = media
    before = files_in(beside)
    events = dossier.events.count()
    client.force_login(users.nominator)
    response = post_files(
        client,
        reverse("nominations:evidence_upload", args=[dossier.pk]),
        {},
        [("file", name, content_type, content)],
        follow=True,
    )
    assert response.status_code == 200
    assert words in messages_of(response)
    assert not Evidence.objects.exists()
    assert dossier.events.count() == events
    assert files_in(beside) == before


def test_evidence_over_the_size_limit_is_refused(client, dossier, users, media, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    client.force_login(users.nominator)
    response = post_files(
        client,
        reverse("nominations:evidence_upload", args=[dossier.pk]),
        {},
        [("file", "lon.pdf", "application/pdf", PDF + b"0" * 2000)],
        follow=True,
    )
    assert "vượt giới hạn 1000" in messages_of(response).replace("\xa0", " ")
    assert not Evidence.objects.exists()
    assert files_in(media[1]) == set()


def test_an_empty_evidence_file_is_refused(client, dossier, users, media):
    client.force_login(users.nominator)
    response = post_files(
        client,
        reverse("nominations:evidence_upload", args=[dossier.pk]),
        {},
        [("file", "rong.pdf", "application/pdf", b"")],
        follow=True,
    )
    assert "rỗng" in messages_of(response)
    assert not Evidence.objects.exists()


HOSTILE_NAMES = {
    "../../etc/passwd.pdf": "passwd.pdf",
    "..\\..\\x.pdf": "x.pdf",
    "/etc/cron.d/x.pdf": "x.pdf",
    "C:\\Windows\\System32\\x.pdf": "x.pdf",
    "bao\x00cao.pdf": "baocao.pdf",
    "\u202efdp.exe": "fdp.pdf",  # right-to-left override, then a program's name
    'say "hi"; rm -rf.pdf': 'say "hi"; rm -rf.pdf',
    "Báo cáo thành tích 😀.pdf": "Báo cáo thành tích 😀.pdf",
    "bao-cao.pdf.html": "bao-cao.pdf",
    "shell.php": "shell.pdf",
    "khong-duoi": "khong-duoi.pdf",
    "x" * 300 + ".pdf": None,  # shortened, keeping its extension
}


@pytest.mark.parametrize("name", sorted(HOSTILE_NAMES))
def test_accepted_evidence_gets_a_generated_name_and_comes_back_as_a_safe_attachment(
    client, dossier, users, media, name
):
    media_root, beside = media
    before = files_in(beside)
    client.force_login(users.nominator)
    response = post_files(
        client,
        reverse("nominations:evidence_upload", args=[dossier.pk]),
        {},
        [("file", name, "text/html", PDF)],
        follow=True,
    )
    assert "Đã tải lên minh chứng." in messages_of(response)
    evidence = Evidence.objects.get()
    stored = Path(evidence.file.name)
    assert re.fullmatch(r"private/nominations/evidence/[0-9a-f]{32}\.pdf", evidence.file.name)
    assert (media_root / stored).read_bytes() == PDF
    assert files_in(beside) - before == {Path(media_root.name) / stored}

    expected = HOSTILE_NAMES[name]
    shown = evidence.original_name
    if expected is None:
        assert len(shown) <= 255
        assert shown.endswith(".pdf")
    else:
        assert shown == expected
    assert not re.search(r"[/\\\x00-\x1f\u202a-\u202e]", shown)

    client.force_login(users.principal)
    download = client.get(reverse("nominations:evidence_download", args=[dossier.pk, evidence.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert attachment_name(download) == shown
    assert b"".join(download.streaming_content) == PDF


def test_a_jpeg_with_html_appended_is_served_as_a_jpeg_attachment(client, dossier, users, media):
    """A real JPEG followed by HTML (a polyglot) is a picture to us; the browser is told so and
    may not guess otherwise, and the download keeps a picture's extension."""
    polyglot = image_bytes("JPEG") + HTML
    client.force_login(users.nominator)
    post_files(
        client,
        reverse("nominations:evidence_upload", args=[dossier.pk]),
        {},
        [("file", "anh.html", "text/html", polyglot)],
    )
    evidence = Evidence.objects.get()
    assert evidence.file.name.endswith(".jpg")
    download = client.get(reverse("nominations:evidence_download", args=[dossier.pk, evidence.pk]))
    assert download["Content-Type"] == "image/jpeg"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert attachment_name(download) == "anh.jpg"
    b"".join(download.streaming_content)


# --- photos ------------------------------------------------------------------------------------
def edit_data(dossier, **extra):
    return {
        "summary": "Tóm tắt",
        "video_links": "",
        "works-TOTAL_FORMS": "0",
        "works-INITIAL_FORMS": "0",
        **{f"a{a.criterion_id}-met": "" for a in dossier.assessments.all()},
        **extra,
    }


def upload_dossier_photo(client, dossier, name, content_type, content):
    return post_files(
        client,
        reverse("nominations:edit", args=[dossier.pk]),
        edit_data(dossier),
        [("photo", name, content_type, content)],
    )


def upload_person_photo(client, person, name, content_type, content):
    return post_files(
        client,
        reverse("units:person_update", args=[person.pk]),
        {
            "full_name": person.full_name,
            "identifier": person.identifier,
            "position": person.position,
            "ethnicity": "Kinh",
            "is_active": "on",
        },
        [("photo", name, content_type, content)],
    )


REFUSED_PHOTOS = {
    "script disguised as a PDF": ("evil.pdf", "application/pdf", HTML, "ảnh"),
    "Windows program named .jpg": ("anh.jpg", "image/jpeg", PE, "ảnh"),
    "HTML after a JPEG header": ("anh.jpg", "image/jpeg", b"\xff\xd8\xff\xe0" + HTML, "ảnh"),
    "SVG with script": ("anh.svg", "image/svg+xml", SVG, "ảnh"),
    "GIF": ("anh.gif", "image/gif", image_bytes("GIF"), "Chỉ nhận ảnh JPEG, PNG hoặc WebP"),
    "too many pixels": ("anh.png", "image/png", None, "điểm ảnh"),
}


@pytest.fixture
def person_editor(make_user, tree, people):
    return make_user((tree.school_a, Role.APPROVER), username="hieutruong.a")


@pytest.mark.parametrize("case", sorted(REFUSED_PHOTOS))
@pytest.mark.parametrize("owner", ["dossier", "person"])
def test_a_hostile_photo_is_refused_and_leaves_nothing(client, request, users, media, case, owner):
    name, content_type, content, words = REFUSED_PHOTOS[case]
    # 7000 × 6000 one-bit pixels: a few kilobytes that would unpack to 42 million pixels.
    content = image_bytes("PNG", (7000, 6000), "1") if content is None else content
    before = files_in(media[1])
    if owner == "dossier":
        dossier = request.getfixturevalue("dossier")
        client.force_login(users.nominator)
        response = upload_dossier_photo(client, dossier, name, content_type, content)
        errors = str(response.context["content"].errors)
        assert not Nomination.objects.get(pk=dossier.pk).photo
    else:
        people = request.getfixturevalue("people")
        client.force_login(request.getfixturevalue("person_editor"))
        response = upload_person_photo(client, people.a, name, content_type, content)
        errors = str(response.context["form"].errors)
        assert not Person.objects.get(pk=people.a.pk).photo
    assert response.status_code == 200
    assert words in errors
    assert files_in(media[1]) == before


@pytest.mark.parametrize("owner", ["dossier", "person"])
def test_a_photo_over_the_size_limit_is_refused(client, request, users, media, settings, owner):
    settings.PHOTO_MAX_BYTES = 500
    content = image_bytes("JPEG", (300, 400))
    assert len(content) > 500
    if owner == "dossier":
        dossier = request.getfixturevalue("dossier")
        client.force_login(users.nominator)
        response = upload_dossier_photo(client, dossier, "anh.jpg", "image/jpeg", content)
        errors = str(response.context["content"].errors)
    else:
        people = request.getfixturevalue("people")
        client.force_login(request.getfixturevalue("person_editor"))
        response = upload_person_photo(client, people.a, "anh.jpg", "image/jpeg", content)
        errors = str(response.context["form"].errors)
    assert "vượt giới hạn 500" in errors.replace("\xa0", " ")
    assert files_in(media[1]) == set()


# (dossier's file name, person's file name): paths, odd bytes, an extension of another type.
PHOTO_NAMES = {
    "JPEG": ("../../etc/anh.jpg", "ảnh chân dung.JPG"),
    "PNG": ("..\\..\\anh.jpg", "C:\\anh\x00.png"),
    "WEBP": ("/var/www/anh.html", "anh.png"),  # Django would refuse .html, in English
}


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize("owner", ["dossier", "person"])
def test_an_accepted_photo_gets_a_generated_name_and_its_real_type(
    client, request, users, media, fmt, owner
):
    """Even a real picture with HTML appended and a hostile name: stored as <random>.<its type>,
    served with the type of its content, never sniffed."""
    media_root, beside = media
    content = image_bytes(fmt) + HTML
    name = PHOTO_NAMES[fmt][owner == "person"]
    suffix, content_type = {
        "JPEG": (".jpg", "image/jpeg"),
        "PNG": (".png", "image/png"),
        "WEBP": (".webp", "image/webp"),
    }[fmt]
    if owner == "dossier":
        dossier = request.getfixturevalue("dossier")
        client.force_login(users.nominator)
        response = upload_dossier_photo(client, dossier, name, "text/html", content)
        assert response.status_code == 302, response.context["content"].errors
        stored = Nomination.objects.get(pk=dossier.pk).photo.name
        folder = "private/nominations/photos"
        served = client.get(reverse("nominations:photo", args=[dossier.pk]))
    else:
        people = request.getfixturevalue("people")
        client.force_login(request.getfixturevalue("person_editor"))
        response = upload_person_photo(client, people.a, name, "text/html", content)
        assert response.status_code == 302, response.context["form"].errors
        stored = Person.objects.get(pk=people.a.pk).photo.name
        folder = "private/people/photos"
        served = client.get(reverse("units:person_photo", args=[people.a.pk]))
    assert re.fullmatch(rf"{folder}/[0-9a-f]{{32}}{re.escape(suffix)}", stored), stored
    assert files_in(beside) == {Path(media_root.name) / stored}
    assert served["Content-Type"] == content_type
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == content


# --- spreadsheet imports -----------------------------------------------------------------------
REFUSED_IMPORTS = {
    "script disguised as a PDF": ("evil.pdf", "application/pdf", HTML, "Chỉ nhận tệp Excel"),
    "Windows program named .xlsx": ("ds.xlsx", "application/octet-stream", PE, "không phải là"),
    "Linux program named .csv": ("ds.csv", "text/csv", ELF, "Thiếu cột bắt buộc"),
    "zip that is no workbook": ("ds.xlsx", "application/zip", plain_zip(("a", b"b")), "Excel"),
    "zip bomb inside an .xlsx": ("ds.xlsx", "application/octet-stream", None, "bom nén"),
    "CSV cell beyond any reason": (
        "ds.csv",
        "text/csv",
        b"M\xc3\xa3 \xc4\x91\xe1\xbb\x8bnh danh\n" + b"x" * 200_000,
        "ô quá dài",
    ),
}


@pytest.fixture
def importer_user(make_user, tree):
    return make_user((tree.school_a, Role.APPROVER), username="nhap.a")


@pytest.mark.parametrize("case", sorted(REFUSED_IMPORTS))
def test_a_hostile_import_file_is_refused_clearly(client, importer_user, media, case):
    name, content_type, content, words = REFUSED_IMPORTS[case]
    content = xlsx_bomb() if content is None else content
    client.force_login(importer_user)
    response = post_files(
        client,
        reverse("core:import_start", args=["people"]),
        {},
        [("file", name, content_type, content)],
    )
    if response.status_code == 302:  # read, then every row and column checked: nothing saved
        job = ImportJob.objects.get()
        assert words in " ".join(e["message"] for e in job.errors)
        assert not Person.objects.filter(unit__code="TH-A").exists()
    else:
        assert response.status_code == 200
        assert words in str(response.context["form"].errors)
        assert not ImportJob.objects.exists()
    assert files_in(media[1]) == set()


def test_an_import_file_over_the_size_limit_is_refused(client, importer_user, settings, media):
    settings.IMPORT_MAX_BYTES = 1000
    client.force_login(importer_user)
    response = post_files(
        client,
        reverse("core:import_start", args=["people"]),
        {},
        [("file", "ds.csv", "text/csv", b"a,b\n" + b"1,2\n" * 500)],
    )
    assert "vượt giới hạn 1000" in str(response.context["form"].errors).replace("\xa0", " ")
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("name", "kept"),
    [("../../etc/ds.csv", "ds.csv"), ("..\\..\\ds.csv", "ds.csv"), ("/ds\x00.csv", "ds.csv")],
)
def test_an_import_keeps_only_the_bare_file_name_and_writes_no_file(
    client, importer_user, media, name, kept
):
    client.force_login(importer_user)
    response = post_files(
        client,
        reverse("core:import_start", args=["people"]),
        {},
        [("file", name, "text/csv", "Mã định danh,Họ và tên,Chức vụ,Mã đơn vị\n".encode())],
    )
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert ImportJob.objects.get().file_name == kept
    assert files_in(media[1]) == set()
