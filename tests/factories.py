"""factory-boy factories. Units go through treebeard so that the tree paths are real."""

import io
from datetime import date

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from units.enums import Gender, Position, UnitLevel
from units.letterhead import default_letterhead
from units.models import Person, Unit, User


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"Trường số {n}")
    level = UnitLevel.SCHOOL
    parent = None

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        # the letterhead a unit of this level and name gets in the portal (units/letterhead.py)
        for field, value in default_letterhead(
            level=kwargs["level"], name=kwargs["name"], school_type=kwargs.get("school_type", "")
        ).items():
            kwargs.setdefault(field, value)
        unit = model_class(**kwargs)
        if parent is None:
            return model_class.objects.add_root(instance=unit)
        return model_class.objects.add_child(parent, instance=unit)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.edu.vn")
    password = factory.django.Password("ThiDua@2026")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    unit = factory.SubFactory(UnitFactory)
    identifier = factory.Sequence(lambda n: f"ID{n:08d}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    gender = Gender.MALE
    position = Position.TEACHER


class RecordFactory(factory.django.DjangoModelFactory):
    """A registry fact. Pass person= or unit=, and year=, kind= and what the kind needs."""

    class Meta:
        model = "criteria.AchievementRecord"

    year = 2024
    kind = "title"


def title(code):
    from criteria.models import Title

    return Title.objects.get(code=code)


# --- campaigns, rounds and dossiers, made through the services as their users make them ----------
SUMMARY = " ".join(["Thầy cô tận tụy đổi mới phương pháp dạy học."] * 5)
# The round most tests run in: Q1/2026 with the school → commune → Sở deadlines.
Q1_2026 = {
    "name": "Quý 1/2026",
    "kind": "quarterly",
    "opens_on": date(2026, 1, 1),
    "year": 2026,
    "quarter": 1,
    "deadlines": {
        "school": date(2026, 4, 3),
        "commune": date(2026, 4, 10),
        "province": date(2026, 4, 17),
    },
}
CRITERIA = {"teacher": "THPTST-2023-GV", "collective": "THPTST-2023-TAPTHE"}


def pdf_upload(name="minh-chung.pdf"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), "white").save(buffer, format="JPEG")
    return buffer.getvalue()


def photo_upload():
    return SimpleUploadedFile("anh.jpg", jpeg_bytes(), content_type="image/jpeg")


class RoundFactory(factory.django.DjangoModelFactory):
    """A round saved through `campaigns.services.round_save`. Pass campaign= and actor=."""

    class Meta:
        model = "campaigns.Round"

    name = Q1_2026["name"]
    kind = Q1_2026["kind"]
    opens_on = Q1_2026["opens_on"]
    year = Q1_2026["year"]
    quarter = Q1_2026["quarter"]
    deadlines = factory.LazyFunction(lambda: dict(Q1_2026["deadlines"]))

    @classmethod
    def _create(cls, model_class, *, actor, campaign, **fields):
        from campaigns import services

        return services.round_save(actor=actor, campaign=campaign, **fields)


class CampaignFactory(factory.django.DjangoModelFactory):
    """A campaign as its administrator sets it up through `campaigns.services`: created, its
    criteria sets attached (`criteria`: category → set code), its rounds saved (`rounds`: the
    fields of each), then opened unless `opened=False`. Pass actor= and owner_unit=."""

    class Meta:
        model = "campaigns.Campaign"

    code = factory.Sequence(lambda n: f"PT-{n:03d}")
    name = factory.Sequence(lambda n: f"Phong trào thi đua {n}")
    categories = factory.LazyFunction(lambda: list(CRITERIA))
    titles = factory.LazyFunction(lambda: [title("DHTT")])
    period_start = date(2026, 1, 1)
    period_end = date(2026, 12, 31)

    @classmethod
    def _create(
        cls,
        model_class,
        *,
        actor,
        owner_unit,
        criteria=CRITERIA,
        rounds=(Q1_2026,),
        opened=True,
        **fields,
    ):
        from campaigns import services
        from criteria.models import CriteriaSet

        campaign = services.campaign_create(actor=actor, owner_unit=owner_unit, **fields)
        for category, code in criteria.items():
            if category in campaign.categories:
                services.campaign_set_criteria(
                    actor=actor,
                    campaign=campaign,
                    category=category,
                    criteria_set=CriteriaSet.objects.get(code=code, version=0),
                )
        for spec in rounds:
            RoundFactory(actor=actor, campaign=campaign, **spec)
        return services.campaign_open(actor=actor, campaign=campaign) if opened else campaign


class NominationFactory(factory.django.DjangoModelFactory):
    """A dossier drawn up through `nominations.services`, in the campaign's first round, and
    (unless `filled=False`) filled with everything sending it needs: summary, every criterion
    met, evidence where a criterion asks for it, a photo for a person. Pass actor=, campaign=,
    nominating_unit= and person= or nominee_unit=."""

    class Meta:
        model = "nominations.Nomination"

    category = factory.LazyAttribute(
        lambda o: "collective" if o.nominee_unit is not None else "teacher"
    )
    title = factory.LazyFunction(lambda: title("DHTT"))
    person = None
    nominee_unit = None

    @classmethod
    def _create(cls, model_class, *, actor, campaign, round_=None, filled=True, **fields):
        from nominations import services

        nomination = services.nomination_create(
            actor=actor, campaign=campaign, round_=round_ or campaign.rounds.first(), **fields
        )
        return fill(nomination, actor) if filled else nomination


def fill(nomination, actor):
    """Give a dossier everything sending it needs, as its nominator would."""
    from nominations import services
    from nominations.models import Evidence

    nomination = services.nomination_update(
        actor=actor,
        nomination=nomination,
        summary=SUMMARY,
        photo=None if nomination.is_collective else photo_upload(),
        assessments={a.criterion_id: (True, "Đạt") for a in nomination.assessments.all()},
    )
    # The evidence is stored directly so that the dossier's timeline starts with its journey.
    for assessment in nomination.assessments.select_related("criterion"):
        if assessment.criterion.evidence_required:
            Evidence.objects.create(
                nomination=nomination,
                criterion=assessment.criterion,
                file=pdf_upload(),
                original_name="mc.pdf",
                content_type="application/pdf",
                size=10,
            )
    return nomination


# Where a dossier sits: (state, position in school → commune → Sở, returned from).
PLACES = {
    "draft": ("draft", 0, None),
    "under_review@commune": ("under_review", 1, None),
    "under_review@province": ("under_review", 2, None),
    "returned": ("returned", 0, 1),
    "rejected": ("rejected", 1, None),
    "approved": ("approved", 2, None),
    "recognised": ("recognised", 2, None),
    "withdrawn": ("withdrawn", 0, None),
    "revoked": ("revoked", 2, None),
}


def place(nomination, where, **fields):
    """Put a dossier straight into a place, bypassing the workflow: the one test helper that
    writes `state` (tests of a state's screens need the dossier there, not the journey; the
    journey has tests of its own). `where` is a key of PLACES or a (state, position, returned
    from) triple; `fields` are written along (a photo, a decision)."""
    from nominations.models import Nomination

    state, position, returned_from = PLACES[where] if isinstance(where, str) else where
    steps = list(nomination.steps.order_by("position"))
    Nomination.objects.filter(pk=nomination.pk).update(
        state=state,
        position=position,
        max_position=max(position, returned_from or 0),
        current_unit=steps[position].unit,
        returned_from_position=returned_from,
        **fields,
    )
    nomination.refresh_from_db()
    return nomination
