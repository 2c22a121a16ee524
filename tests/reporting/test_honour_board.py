"""The public honour board: what the public sees (and never sees), the search without diacritics,
filters, the Atom feeds, share metadata, and that a revocation takes an exemplar off at once."""

import datetime
import xml.etree.ElementTree as ET
from datetime import date

import feedparser
import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from core.text import fold
from nominations import services
from nominations.enums import Action
from nominations.models import Evidence, Nomination
from tests.conftest import counting_queries
from tests.factories import PersonFactory
from tests.factories import pdf_upload as pdf

ATOM = "{http://www.w3.org/2005/Atom}"
PHONE, BIRTH, ETHNICITY, IDENTIFIER = "0905123456", date(1985, 3, 12), "Ê Đê", "CCCD048185000123"


@pytest.fixture
def recognise(placed, users):
    """A dossier recognised by the Sở's decision, through the real decision service."""

    def make(*, person=None, number="15/QĐ-SGDĐT", day=None, consent=True):
        day = day or date(2026, 4, 20)
        nomination = placed("approved", person=person)
        Nomination.objects.filter(pk=nomination.pk).update(photo_public=consent)
        services.decide(
            actor=users.secretary,
            nominations=[nomination],
            action=Action.RECOGNISE,
            number=number,
            signed_on=day,
            issuer="Giám đốc Sở GDĐT",
        )
        nomination.refresh_from_db()
        return nomination

    return make


@pytest.fixture
def exemplar(tree, recognise):
    """`exemplar(name, **recognise_kwargs)`: a teacher of school A, recognised."""

    def make(name, **kwargs):
        return recognise(person=PersonFactory(unit=tree.school_a, full_name=name), **kwargs)

    return make


@pytest.fixture
def anh(tree, recognise):
    """Nguyễn Thị Ánh, recognised, with every personal field filled and an evidence file."""
    person = PersonFactory(
        unit=tree.school_a,
        full_name="Nguyễn Thị Ánh",
        birth_date=BIRTH,
        phone=PHONE,
        ethnicity=ETHNICITY,
        identifier=IDENTIFIER,
    )
    nomination = recognise(person=person)
    Evidence.objects.create(
        nomination=nomination,
        file=pdf(),
        original_name="giay-khen-bi-mat.pdf",
        content_type="application/pdf",
        size=10,
    )
    return nomination


def test_public_pages_show_no_personal_field(client, anh):
    evidence = list(anh.evidence.all())
    assert len(evidence) > 1
    pages = [
        reverse("reporting:honour_board"),
        reverse("reporting:honour_board") + "?q=nguyen",
        reverse("reporting:exemplar", args=[anh.pk]),
        reverse("reporting:honour_feed"),
        reverse("reporting:honour_unit_feed", args=[anh.nominating_unit.code]),
    ]
    forbidden = [
        PHONE,
        "0905 123 456",
        BIRTH.strftime("%d/%m/%Y"),
        BIRTH.isoformat(),
        ETHNICITY,
        IDENTIFIER,
        "/minh-chung/",  # every evidence download URL
        *[e.original_name for e in evidence],
        *[e.file.name for e in evidence],
        reverse("nominations:photo", args=[anh.pk]),  # the private photo URL
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "Nguyễn Thị Ánh" in html, url
        for value in forbidden:
            assert value not in html, (url, value)


def test_the_card_shows_name_position_unit_story_and_works(client, anh, users):
    anh.works.create(name="Câu lạc bộ Em yêu khoa học", results="12 sản phẩm dự thi")
    response = client.get(reverse("reporting:exemplar", args=[anh.pk]))
    html = response.content.decode()
    assert "Giáo viên" in html
    assert anh.nominating_unit.name in html
    assert "Thầy cô tận tụy đổi mới phương pháp dạy học." in html
    assert "Câu lạc bộ Em yêu khoa học" in html
    assert "Quyết định số 15/QĐ-SGDĐT ngày 20/04/2026" in html


def test_photo_only_with_consent(client, exemplar):
    agreed = exemplar("Trần Thị Bích")
    refused = exemplar("Lê Văn Cường")
    Nomination.objects.filter(pk=refused.pk).update(photo_public=False)

    photo_url = reverse("reporting:exemplar_photo", args=[agreed.pk])
    response = client.get(photo_url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"  # a JPEG (and closed)
    assert client.get(reverse("reporting:exemplar_photo", args=[refused.pk])).status_code == 404

    board = client.get(reverse("reporting:honour_board")).content.decode()
    assert photo_url in board
    assert reverse("reporting:exemplar_photo", args=[refused.pk]) not in board


def test_a_photo_is_served_with_the_type_of_its_content(client, exemplar):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    agreed = exemplar("Trần Thị Bích")
    buffer = io.BytesIO()
    Image.new("RGB", (30, 40), (10, 20, 30)).save(buffer, format="PNG")
    agreed.photo.save("chan-dung.png", ContentFile(buffer.getvalue()))

    response = client.get(reverse("reporting:exemplar_photo", args=[agreed.pk]))
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content)[:4] == b"\x89PNG"


def test_only_recognised_dossiers_are_public(client, placed):
    for place in ("draft", "under_review@province", "approved", "rejected", "withdrawn"):
        nomination = placed(place)
        assert client.get(reverse("reporting:exemplar", args=[nomination.pk])).status_code == 404
        assert (
            client.get(reverse("reporting:exemplar_photo", args=[nomination.pk])).status_code == 404
        )
    response = client.get(reverse("reporting:honour_board"))
    assert response.context["total"] == 0


@pytest.mark.parametrize(
    "query", ["nguyen thi anh", "NGUYEN THI ANH", "Nguyễn Thị Ánh", "thi anh", "  nguyễn   thị  "]
)
def test_search_ignores_diacritics_case_and_spaces(client, exemplar, query):
    anh = exemplar("Nguyễn Thị Ánh")
    exemplar("Nguyễn Văn Đức")
    response = client.get(reverse("reporting:honour_board"), {"q": query})
    assert [e.pk for e in response.context["exemplars"]] == [anh.pk]


def test_search_finds_by_unit_and_d_with_stroke(client, exemplar):
    duc = exemplar("Nguyễn Văn Đức")
    board = reverse("reporting:honour_board")
    assert [e.pk for e in client.get(board, {"q": "van duc"}).context["exemplars"]] == [duc.pk]
    unit = fold(duc.nominating_unit.name)
    assert unit != duc.nominating_unit.name.lower()  # the unit's name has diacritics to fold
    assert [e.pk for e in client.get(board, {"q": unit}).context["exemplars"]] == [duc.pk]
    assert client.get(board, {"q": "khong ai ten nay"}).context["total"] == 0


def test_filters_by_year_title_category_and_unit(client, tree, exemplar):
    teacher = exemplar("Phan Thị Hoa")
    board = reverse("reporting:honour_board")

    def found(**params):
        return [e.pk for e in client.get(board, params).context["exemplars"]]

    assert found(nam=2026) == [teacher.pk]
    assert found(nam=2025) == []
    assert found(danh_hieu="DHTT") == [teacher.pk]
    assert found(doi_tuong="teacher") == [teacher.pk]
    assert found(doi_tuong="collective") == []
    assert found(phong_trao="DN-Q1") == [teacher.pk]
    assert found(don_vi=tree.danang.code) == [teacher.pk]
    assert found(don_vi=tree.school_a.code) == [teacher.pk]
    assert found(don_vi=tree.school_b.code) == []
    assert found(don_vi=tree.gialai.code) == []
    assert found(don_vi="KHONG-CO") == []
    facets = client.get(board).context["facets"]
    assert facets["years"] == [(2026, 1)]
    assert facets["titles"] == [("DHTT", teacher.title.name, 1)]


def test_revocation_takes_the_exemplar_off_the_cached_board_at_once(
    client, anh, users, django_capture_on_commit_callbacks
):
    board = reverse("reporting:honour_board")
    assert client.get(board).context["total"] == 1  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(
            actor=users.secretary,
            nominations=[anh],
            action=Action.REVOKE,
            number="99/QĐ-SGDĐT",
            signed_on=date(2026, 5, 2),
            issuer="Giám đốc Sở GDĐT",
            reason="Khai không trung thực",
        )
    assert client.get(board).context["total"] == 0
    assert client.get(reverse("reporting:exemplar", args=[anh.pk])).status_code == 404
    feed = client.get(reverse("reporting:honour_feed")).content.decode()
    assert "Nguyễn Thị Ánh" not in feed


def test_the_board_costs_the_same_queries_for_two_and_five_exemplars(client, exemplar):
    def queries(*, cached=False) -> int:
        if not cached:
            cache.clear()
        with counting_queries() as count:
            assert client.get(reverse("reporting:honour_board")).status_code == 200
        return count[0]

    for i in range(2):
        exemplar(f"Giáo viên {i}")
    two = queries()
    for i in range(2, 5):
        exemplar(f"Giáo viên {i}")
    assert queries() == two
    # Cached: the next visitor costs no query at all.
    assert queries(cached=True) == 0


def test_share_metadata_for_zalo_and_facebook(client, anh, settings):
    settings.SITE_URL = "https://thidua.example.vn"
    html = client.get(reverse("reporting:exemplar", args=[anh.pk])).content.decode()
    photo = f"https://thidua.example.vn{reverse('reporting:exemplar_photo', args=[anh.pk])}"
    assert '<meta property="og:title" content="Nguyễn Thị Ánh — ' in html
    assert f'<meta property="og:image" content="{photo}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert '<meta property="og:description" content="Thầy cô tận tụy' in html
    assert (
        f'<meta property="og:url" content="https://thidua.example.vn'
        f'{reverse("reporting:exemplar", args=[anh.pk])}">' in html
    )
    Nomination.objects.filter(pk=anh.pk).update(photo_public=False)
    cache.clear()
    html = client.get(reverse("reporting:exemplar", args=[anh.pk])).content.decode()
    assert 'content="https://thidua.example.vn/static/img/share.png"' in html


def _check_atom(body: bytes, *, expected_titles):
    """RFC 4287's required elements, then a parse by feedparser that must not complain."""
    root = ET.fromstring(body)  # noqa: S314  (our own feed)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None, required
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    feed_author = root.find(f"{ATOM}author/{ATOM}name") is not None
    entries = root.findall(f"{ATOM}entry")
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(ids) == len(set(ids))
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{required}") is not None, required
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        assert feed_author or entry.find(f"{ATOM}author/{ATOM}name") is not None
        datetime.datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert [e.title for e in parsed.entries] == expected_titles


def test_the_feeds_are_valid_atom(client, tree, exemplar):
    first = exemplar("Trần Thị Bích", day=date(2026, 4, 10))
    exemplar("Lê Văn Cường", day=date(2026, 4, 20))
    response = client.get(reverse("reporting:honour_feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    title = first.title.name
    _check_atom(
        response.content,
        expected_titles=[f"Lê Văn Cường — {title}", f"Trần Thị Bích — {title}"],
    )
    unit_feed = client.get(reverse("reporting:honour_unit_feed", args=[tree.school_a.code]))
    _check_atom(
        unit_feed.content,
        expected_titles=[f"Lê Văn Cường — {title}", f"Trần Thị Bích — {title}"],
    )
    other = client.get(reverse("reporting:honour_unit_feed", args=[tree.gialai.code]))
    _check_atom(other.content, expected_titles=[])
    assert client.get(reverse("reporting:honour_unit_feed", args=["KHONG-CO"])).status_code == 404


def test_search_on_postgresql_uses_the_trigram_index(postgres, client, exemplar):
    anh = exemplar("Nguyễn Thị Ánh")
    found = client.get(reverse("reporting:honour_board"), {"q": "nguyen thi anh"})
    assert [e.pk for e in found.context["exemplars"]] == [anh.pk]
    with connection.cursor() as cursor:
        # A handful of rows would be read from the state index or a scan; leave the planner
        # only the trigram index (the DROP is rolled back with the test's transaction).
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'nominations_nomination' "
            "AND indexname <> 'nomination_search_trgm' AND indexdef LIKE '%%state%%'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM nominations_nomination "
            "WHERE state = 'recognised' AND search_text LIKE %s",
            ["%nguyen thi anh%"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "nomination_search_trgm" in plan, plan
