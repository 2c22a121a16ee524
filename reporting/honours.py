"""Reads of the public honour board: the recognised exemplars, as the public may see them.

Rows leave the database as `Exemplar`s built from `.values()` of an explicit list of public
fields, so a template cannot reach a phone number, a birth date, the CV or the evidence: they are
never fetched. A photo is shown only when the nomination records consent. The search matches
`Nomination.search_text` (the name and unit, folded), which PostgreSQL serves from a trigram
index. Pages are cached under a version that every recognition and revocation changes, so the
board never shows a revoked exemplar after the transaction that revoked it.
"""

import datetime
import hashlib
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone, translation

from core.lists import folded_search_q
from core.pagination import page_number
from criteria.enums import NomineeCategory
from nominations.enums import State
from nominations.models import ModelWork, Nomination
from nominations.summary import sanitise_summary
from units.enums import Position, UnitLevel
from units.models import Unit

PAGE_SIZE = 24
VERSION_KEY = "honour-board:version"
# A dossier saved in one of these states changes what the public sees.
PUBLIC_CHANGE = frozenset({State.RECOGNISED, State.REVOKED})


def honour_board_version() -> str:
    """Part of every cache key of the board; a recognition or revocation changes it (after its
    transaction commits), so cached pages never outlive the data they show."""
    return cache.get_or_set(VERSION_KEY, "0", timeout=None)


def _board_changed(sender, instance, update_fields=None, **kwargs) -> None:
    if instance.state in PUBLIC_CHANGE and (update_fields is None or "state" in update_fields):
        transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None))


def connect_signals() -> None:
    """Called from ReportingConfig.ready(): the board follows the dossiers, nominations does
    not need to know it exists."""
    from django.db.models.signals import post_save

    post_save.connect(_board_changed, sender=Nomination, dispatch_uid="honour-board-version")


CACHE_SECONDS = 15 * 60

_FIELDS = (
    "pk",
    "category",
    "round__year",
    "campaign__code",
    "campaign__name",
    "title__code",
    "title__name",
    "decision__number",
    "decision__signed_on",
    "nominee_person__full_name",
    "nominee_person__position",
    "nominee_unit__name",
    "nominating_unit__code",
    "nominating_unit__name",
    "photo",
    "photo_public",
    "updated_at",
)


@dataclass(frozen=True)
class Exemplar:
    pk: int
    name: str
    position: str
    unit_name: str
    unit_code: str
    category: str
    title: str
    campaign: str
    year: int
    decision_number: str
    decided_on: datetime.date
    has_photo: bool
    updated_at: datetime.datetime
    summary: str = ""
    works: list = field(default_factory=list)

    @property
    def is_collective(self) -> bool:
        return self.category == NomineeCategory.COLLECTIVE.label


def _exemplar(row: dict, **extra) -> Exemplar:
    person = row["nominee_person__full_name"]
    position = row["nominee_person__position"]
    return Exemplar(
        pk=row["pk"],
        name=person or row["nominee_unit__name"],
        position=Position(position).label if position else "",
        unit_name=row["nominating_unit__name"],
        unit_code=row["nominating_unit__code"],
        category=NomineeCategory(row["category"]).label,
        title=row["title__name"],
        campaign=row["campaign__name"],
        year=row["round__year"],
        decision_number=row["decision__number"] or "",
        decided_on=row["decision__signed_on"],
        has_photo=bool(row["photo"]) and row["photo_public"],
        updated_at=row["updated_at"],
        **extra,
    )


def honoured() -> QuerySet[Nomination]:
    return Nomination.objects.filter(state=State.RECOGNISED)


@dataclass(frozen=True)
class Filters:
    """What the visitor chose; every field optional."""

    q: str = ""
    year: int | None = None
    campaign: str = ""
    unit: str = ""
    category: str = ""
    title: str = ""
    sort: str = ""  # "" newest decision first; "name": by name, A to Z (folded)

    def apply(self, nominations: QuerySet[Nomination]) -> QuerySet[Nomination]:
        # Each word typed, folded, somewhere in the name or unit: "nguyen anh" finds "Nguyễn
        # Thị Ánh" (core.lists.folded_search_q, as every list of the portal searches).
        if self.q and (condition := folded_search_q(self.q, keys=("search_text",))) is not None:
            nominations = nominations.filter(condition)
        if self.year:
            nominations = nominations.filter(round__year=self.year)
        if self.campaign:
            nominations = nominations.filter(campaign__code=self.campaign)
        if self.unit:
            unit = Unit.objects.filter(code=self.unit).only("path").first()
            if unit is None:
                return nominations.none()
            nominations = nominations.filter(nominating_unit__path__startswith=unit.path)
        if self.category:
            nominations = nominations.filter(category=self.category)
        if self.title:
            nominations = nominations.filter(title__code=self.title)
        return nominations

    def cache_key(self, *parts) -> str:
        raw = repr((self, parts, translation.get_language()))
        digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
        return f"honour:{honour_board_version()}:{digest}"


def page(filters: Filters, requested) -> tuple[int, int, list[Exemplar]]:
    """(how many match, the page shown, its exemplars), newest decision first. The page shown is
    the requested one brought within the pages there are (core.pagination.page_number)."""

    def compute():
        matching = filters.apply(honoured())
        total = matching.count()
        number = page_number(requested, (total + PAGE_SIZE - 1) // PAGE_SIZE)
        start = (number - 1) * PAGE_SIZE
        order = ("search_text", "pk") if filters.sort == "name" else ("-decision__signed_on", "-pk")
        rows = matching.order_by(*order).values(*_FIELDS)
        return total, number, [_exemplar(r) for r in rows[start : start + PAGE_SIZE]]

    key = filters.cache_key("page", str(requested)[:20])
    return cache.get_or_set(key, compute, CACHE_SECONDS)


def facets() -> dict:
    """The choices of the filter bar, each with its count of exemplars."""

    def compute():
        recognised = honoured()
        return {
            "years": list(
                recognised.values_list("round__year")
                .annotate(n=Count("pk"))
                .order_by("-round__year")
            ),
            "campaigns": list(
                recognised.values_list("campaign__code", "campaign__name")
                .annotate(n=Count("pk"))
                .order_by("campaign__name")
            ),
            "titles": list(
                recognised.values_list("title__code", "title__name")
                .annotate(n=Count("pk"))
                .order_by("title__name")
            ),
            "categories": [
                (code, NomineeCategory(code).label, n)
                for code, n in recognised.values_list("category")
                .annotate(n=Count("pk"))
                .order_by("category")
            ],
            "provinces": list(
                Unit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=True)
                .order_by("name")
                .values_list("code", "name")
            ),
        }

    return cache.get_or_set(Filters().cache_key("facets"), compute, CACHE_SECONDS)


def exemplar(pk: int) -> Exemplar | None:
    """One exemplar with their story and models/works, or None if not (or no longer) public."""
    row = honoured().filter(pk=pk).values(*_FIELDS, "achievement_summary").first()
    if row is None:
        return None
    works = list(
        ModelWork.objects.filter(nomination_id=pk).values(
            "name", "implementing_unit", "description", "results"
        )
    )
    return _exemplar(row, summary=sanitise_summary(row["achievement_summary"]), works=works)


def public_photo(pk: int):
    """The photo file of a recognised exemplar who consented to its publication, or None."""
    nomination = honoured().filter(pk=pk, photo_public=True).only("photo").first()
    return nomination.photo if nomination is not None and nomination.photo else None


def feed_items(unit: Unit | None, *, limit: int = 50) -> list[Exemplar]:
    nominations = honoured()
    if unit is not None:
        nominations = nominations.filter(nominating_unit__path__startswith=unit.path)
    rows = nominations.order_by("-decision__signed_on", "-pk").values(
        *_FIELDS, "achievement_summary"
    )[:limit]
    return [_exemplar(r, summary=sanitise_summary(r["achievement_summary"])) for r in rows]


def decided_at(exemplar: Exemplar) -> datetime.datetime:
    """The decision day as a moment (midnight in Hà Nội), for feeds."""
    day = exemplar.decided_on or timezone.localdate(exemplar.updated_at)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
