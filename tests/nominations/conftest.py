"""A Sở Đà Nẵng campaign open for Q1/2026 whose chain is school A → commune → Sở, users for
every role of the workflow table, and a builder that puts a dossier in any state."""

import datetime
import io
from types import SimpleNamespace

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from campaigns import services as campaign_services
from nominations import services
from nominations.enums import State
from nominations.models import Evidence, Nomination
from tests.factories import PersonFactory, title
from units.enums import Role

D = datetime.date
IN_WINDOW = datetime.datetime(2026, 3, 16, 3, 0, tzinfo=datetime.UTC)  # 10:00 on 16/03 in Hà Nội


@pytest.fixture
def clock():
    with time_machine.travel(IN_WINDOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def users(make_user, tree):
    ministry_approver = make_user((tree.ministry, Role.APPROVER), username="bo.duyet")
    return SimpleNamespace(
        nominator=make_user((tree.school_a, Role.NOMINATOR), username="a.canbo"),
        principal=make_user((tree.school_a, Role.APPROVER), username="a.hieutruong"),
        commune=make_user((tree.commune, Role.APPROVER), username="xa.duyet"),
        province=make_user((tree.danang, Role.APPROVER), username="so.duyet"),
        secretary=make_user((tree.danang, Role.COUNCIL_SECRETARY), username="so.thuky"),
        sibling=make_user((tree.school_b, Role.APPROVER), username="b.hieutruong"),
        viewer=make_user((tree.danang, Role.VIEWER), username="so.xem"),
        ministry=ministry_approver,
        admin=make_user((tree.danang, Role.CAMPAIGN_ADMIN), username="so.quantri"),
    )


@pytest.fixture
def campaign(tree, users):
    with time_machine.travel(datetime.datetime(2025, 12, 1, tzinfo=datetime.UTC)):
        campaign = campaign_services.campaign_create(
            actor=users.admin,
            owner_unit=tree.danang,
            code="DN-Q1",
            name="Điển hình quý 1",
            categories=["teacher", "collective"],
            titles=[title("DHTT")],
            period_start=D(2026, 1, 1),
            period_end=D(2026, 12, 31),
            min_summary_words=20,
        )
        from criteria.models import CriteriaSet

        for category, code in (("teacher", "THPTST-2023-GV"), ("collective", "THPTST-2023-TAPTHE")):
            campaign_services.campaign_set_criteria(
                actor=users.admin,
                campaign=campaign,
                category=category,
                criteria_set=CriteriaSet.objects.get(code=code, version=0),
            )
        campaign_services.round_save(
            actor=users.admin,
            campaign=campaign,
            name="Quý 1/2026",
            kind="quarterly",
            opens_on=D(2026, 1, 1),
            year=2026,
            quarter=1,
            deadlines={
                "school": D(2026, 4, 3),
                "commune": D(2026, 4, 10),
                "province": D(2026, 4, 17),
            },
        )
        return campaign_services.campaign_open(actor=users.admin, campaign=campaign)


def pdf(name="minh-chung.pdf"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


def photo():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), "white").save(buffer, format="JPEG")
    return SimpleUploadedFile("anh.jpg", buffer.getvalue(), content_type="image/jpeg")


SUMMARY = " ".join(["Thầy cô tận tụy đổi mới phương pháp dạy học."] * 5)


def complete(nomination, actor):
    """Fill everything submit needs: summary, every criterion, evidence where required, photo."""
    nomination = services.nomination_update(
        actor=actor,
        nomination=nomination,
        summary=SUMMARY,
        photo=None if nomination.is_collective else photo(),
        assessments={a.criterion_id: (True, "Đạt") for a in nomination.assessments.all()},
    )
    for assessment in nomination.assessments.select_related("criterion"):
        if assessment.criterion.evidence_required:
            Evidence.objects.create(
                nomination=nomination,
                criterion=assessment.criterion,
                file=pdf(),
                original_name="mc.pdf",
                content_type="application/pdf",
                size=10,
            )
    return nomination


@pytest.fixture
def new_nomination(campaign, tree, users):
    def make(*, person=None, unit=None, actor=None, nominating_unit=None, fill=True):
        person = (
            person
            if person is not None or unit is not None
            else PersonFactory(
                unit=tree.school_a, full_name="Nguyễn Thị Ánh", birth_date=D(1985, 3, 12)
            )
        )
        nomination = services.nomination_create(
            actor=actor or users.nominator,
            campaign=campaign,
            round_=campaign.rounds.get(),
            category="collective" if unit is not None else "teacher",
            title=title("DHTT"),
            nominating_unit=nominating_unit or tree.school_a,
            person=person,
            nominee_unit=unit,
        )
        return complete(nomination, actor or users.nominator) if fill else nomination

    return make


# Where a dossier in each state sits: (state, position in school → commune → Sở, returned from).
PLACES = {
    "draft": (State.DRAFT, 0, None),
    "under_review@commune": (State.UNDER_REVIEW, 1, None),
    "under_review@province": (State.UNDER_REVIEW, 2, None),
    "returned": (State.RETURNED, 0, 1),
    "rejected": (State.REJECTED, 1, None),
    "approved": (State.APPROVED, 2, None),
    "recognised": (State.RECOGNISED, 2, None),
    "withdrawn": (State.WITHDRAWN, 0, None),
    "revoked": (State.REVOKED, 2, None),
}


@pytest.fixture
def placed(new_nomination):
    """A complete dossier put straight into a place of PLACES (bypassing the workflow)."""

    def make(place, **kwargs):
        nomination = new_nomination(**kwargs)
        state, position, returned_from = PLACES[place]
        steps = list(nomination.steps.order_by("position"))
        Nomination.objects.filter(pk=nomination.pk).update(
            state=state,
            position=position,
            max_position=max(position, returned_from or 0),
            current_unit=steps[position].unit,
            returned_from_position=returned_from,
        )
        nomination.refresh_from_db()
        return nomination

    return make
