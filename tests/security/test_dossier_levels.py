"""Dossiers drawn up at every level of the tree, and who may open them (issue 13).

The access crawl's world (test_access_crawl.py) has dossiers of one school only, so it could not
see that a dossier a commune drew up for a teacher of one of its schools was open to every
school of the commune: the visibility selector treated each ancestor of the user's unit as the
user's own. This world has a dossier nominated at every level — a subject team, a school, a
commune, a district office (before 1/7/2025), the Sở and the ministry, for a person one level
below and for a collective — each as a draft and, where its chain goes on, as sent up one step.

Every unit of the tree has a user holding every role there (roles only add reach). For each
user and each dossier the test knows, from the rule alone and not from the code, whether the
user may open it: the user's unit drew it up, or the chain passes through the unit and the
dossier has reached it. Then, through every dossier URL of the URL conf (a new one is included
by itself), with ids enumerated around every real id and evidence ids mixed across dossiers:
whoever may not open a dossier is refused on GET and POST, nothing changes in the database, and
whoever may, opens it. The list pages and exports show a user the names of exactly the dossiers
they may open.
"""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from tests.security import crawl

pytestmark = pytest.mark.django_db

ROLES = crawl.ROLES


def build_levels():
    from campaigns.models import Campaign, Round
    from criteria.models import CriteriaSet
    from nominations.enums import State
    from nominations.models import ChainStep, Evidence, Nomination
    from tests.factories import PersonFactory, UnitFactory, UserFactory, title
    from units.enums import SchoolType, UnitLevel
    from units.models import Membership

    w = SimpleNamespace(units={}, users={}, dossiers={})

    def unit(key, parent, level, **fields):
        made = UnitFactory(
            code=key.upper(),
            name=f"Đơn vị {key}",
            level=level,
            parent=w.units[parent] if parent else None,
            **fields,
        )
        w.units[key] = made
        return made

    school = {"level": UnitLevel.SCHOOL, "school_type": SchoolType.PRIMARY}
    unit("bo", None, UnitLevel.MINISTRY)
    unit("bo-vu", "bo", UnitLevel.SUBUNIT)
    unit("dn", "bo", UnitLevel.PROVINCE)
    unit("gl", "bo", UnitLevel.PROVINCE)
    unit("dn-vp", "dn", UnitLevel.SUBUNIT)
    unit("x1", "dn", UnitLevel.COMMUNE)
    unit("x2", "dn", UnitLevel.COMMUNE)
    unit("pgd", "dn", UnitLevel.DISTRICT, valid_to=date(2025, 6, 30))
    unit("pgd2", "dn", UnitLevel.DISTRICT, valid_to=date(2025, 6, 30))
    unit("thpt", "dn", UnitLevel.SCHOOL, school_type=SchoolType.UPPER_SECONDARY)
    unit("a", "x1", **school)
    unit("b", "x1", **school)
    unit("e", "x2", **school)
    unit("d", "pgd", **school)
    unit("d2", "pgd2", **school)
    unit("a-t1", "a", UnitLevel.SUBUNIT)
    unit("a-t2", "a", UnitLevel.SUBUNIT)
    unit("gl-s", "gl", UnitLevel.SCHOOL, school_type=SchoolType.UPPER_SECONDARY)

    for key, made in w.units.items():
        user = UserFactory(username=f"u.{key}", full_name=f"Cán bộ {key}")
        Membership.objects.bulk_create(
            [Membership(user=user, unit=made, role=role) for role in ROLES]
        )
        w.users[key] = user

    w.campaign = Campaign.objects.create(
        owner_unit=w.units["bo"],
        code="BO-2026",
        name="Điển hình toàn ngành",
        categories=["teacher", "collective"],
        period_start=date(2024, 9, 1),
        period_end=date(2026, 12, 31),
    )
    w.round = Round.objects.create(
        campaign=w.campaign,
        name="Năm học 2024-2025",
        kind="yearly",
        opens_on=date(2024, 9, 5),
        year=2024,
    )
    criteria_set = CriteriaSet.objects.get(code="THPTST-2023-GV", version=0)
    dhtt = title("DHTT")

    # (nominating unit, the chain it climbs, whom it nominates: a person of this unit, or a
    # collective). The district office's chain is the tree of 2024-2025.
    plans = [
        ("a-t1", ["a-t1", "a", "x1", "dn", "bo"], ("person", "a-t1")),
        ("a", ["a", "x1", "dn", "bo"], ("person", "a-t2")),
        ("x1", ["x1", "dn", "bo"], ("person", "b")),
        ("x1", ["x1", "dn", "bo"], ("collective", "a")),
        ("pgd", ["pgd", "dn", "bo"], ("person", "d")),
        ("dn", ["dn", "bo"], ("person", "thpt")),
        ("dn-vp", ["dn-vp", "dn", "bo"], ("person", "dn-vp")),
        ("bo", ["bo"], ("person", "a")),
    ]
    for nominating, chain, (kind, of) in plans:
        for sent in (False, True):
            if sent and len(chain) < 2:
                continue
            name = f"Hồ Sơ Kín {nominating} {kind} {of} {'gửi' if sent else 'nháp'}"
            person = PersonFactory(unit=w.units[of], full_name=name) if kind == "person" else None
            position = 1 if sent else 0
            dossier = Nomination.objects.create(
                campaign=w.campaign,
                round=w.round,
                category="teacher" if person else "collective",
                title=dhtt,
                criteria_set=criteria_set,
                nominee_person=person,
                nominee_unit=None if person else w.units[of],
                nominee_key=f"{kind}:{of}:{nominating}:{sent}",
                search_text=name,
                nominating_unit=w.units[nominating],
                current_unit=w.units[chain[position]],
                deciding_unit=w.units[chain[-1]],
                state=State.UNDER_REVIEW if sent else State.DRAFT,
                position=position,
                max_position=position,
                achievement_summary=name,
            )
            ChainStep.objects.bulk_create(
                [
                    ChainStep(nomination=dossier, unit=w.units[key], position=i)
                    for i, key in enumerate(chain)
                ]
            )
            dossier.photo.save("anh.jpg", ContentFile(crawl._jpeg()), save=True)
            evidence = Evidence(
                nomination=dossier,
                original_name="minh-chung.pdf",
                content_type="application/pdf",
                size=10,
            )
            evidence.file.save("minh-chung.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
            dossier.secret = name if person else f"{name} ({w.units[of].name})"
            dossier.chain = chain
            dossier.evidence_pk = evidence.pk
            w.dossiers[dossier.pk] = dossier
    return w


def may_open(w, user_key: str, dossier) -> bool:
    """The rule of the README, stated independently of the selector."""
    return user_key == dossier.nominating_unit.code.lower() or (
        user_key in dossier.chain[: dossier.max_position + 1]
    )


@pytest.fixture(scope="module")
def levels(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from crawl.world_for_module(django_db_blocker, tmp_path_factory, build=build_levels)


@pytest.fixture
def as_user(levels, settings, django_db_blocker):
    settings.MEDIA_ROOT = levels.media_root
    made = {}

    def client(key) -> Client:
        if key not in made:
            made[key] = Client()
            made[key].force_login(levels.users[key])
        return made[key]

    return client


def dossier_routes():
    """Every URL of the URL conf about one dossier (its id is `pk` under ho-so/<int:pk>/)."""
    return [r for r in crawl.routes() if r.pattern.startswith("ho-so/<int:pk>/")]


def urls_for(route, pk, evidence_pks):
    kwargs = sorted(route.kwargs - {"pk"})
    if not kwargs:
        return [reverse(route.name, kwargs={"pk": pk})]
    if kwargs == ["evidence_pk"]:
        return [reverse(route.name, kwargs={"pk": pk, "evidence_pk": e}) for e in evidence_pks]
    if kwargs == ["action"]:
        # What the dossier's holder would do next, and what its decider would.
        return [reverse(route.name, kwargs={"pk": pk, "action": a}) for a in ("submit", "approve")]
    raise AssertionError(f"{route.name}: teach this test the kwargs {kwargs}")


def attackers_of(w, dossier) -> set[str]:
    """Users at the units around the nominating unit: its children, its siblings, its parent's
    siblings, its parent (not reached by a draft), and a school of another province."""
    from units.models import Unit

    keys = {u.pk: key for key, u in w.units.items()}
    unit = dossier.nominating_unit
    parent = Unit.objects.get_parent(unit)
    around = [*Unit.objects.get_children(unit), *Unit.objects.get_siblings(unit)]
    if parent is not None:
        around += [parent, *Unit.objects.get_siblings(parent)]
    return {keys[u.pk] for u in around if u.pk in keys} | {"gl-s"}


def test_the_world_has_a_dossier_nominated_at_every_level(levels):
    from units.enums import UnitLevel

    nominated = {d.nominating_unit.level for d in levels.dossiers.values()}
    assert nominated == {
        UnitLevel.SUBUNIT,
        UnitLevel.SCHOOL,
        UnitLevel.COMMUNE,
        UnitLevel.DISTRICT,
        UnitLevel.PROVINCE,
        UnitLevel.MINISTRY,
    }
    assert len(dossier_routes()) >= 9


def test_only_the_nominating_unit_and_the_reached_chain_open_a_dossier(levels, as_user):
    """For each dossier, the users around its nominating unit, on every dossier URL with GET and
    POST, with its id, the ids next to it, and evidence ids of its own and of its neighbour:
    refused unless the rule lets the user open that dossier; nothing changes."""
    real = sorted(levels.dossiers)
    routes = dossier_routes()
    for key in levels.users:
        as_user(key)  # logged in before the snapshot (a login writes last_login)
    before = crawl.snapshot()
    failures, tried = [], 0

    def refused(key, method, url):
        response = crawl.settle(getattr(as_user(key), method)(url))
        if (answer := crawl.answered(response)) is not None:
            failures.append(f"{key} {method.upper()} {url}: answered {answer}")
        elif crawl.to_login(response):
            failures.append(f"{key} {method.upper()} {url}: session lost")

    for pk, dossier in levels.dossiers.items():
        neighbour = levels.dossiers.get(pk - 1) or levels.dossiers[real[-1]]
        evidence = [dossier.evidence_pk, neighbour.evidence_pk]
        for key in sorted(attackers_of(levels, dossier)):
            if not may_open(levels, key, dossier):
                for route in routes:
                    for url in urls_for(route, pk, evidence):
                        for method in ("get", "post"):
                            refused(key, method, url)
                            tried += 1
            for near in (pk - 1, pk + 1, real[-1] + 1):
                other = levels.dossiers.get(near)
                if other is None or not may_open(levels, key, other):
                    refused(key, "get", reverse("nominations:detail", args=[near]))
    assert not failures, "\n".join(failures[:40])
    assert not crawl.changed_tables(before, crawl.snapshot())
    assert tried > 1000


def test_the_siblings_children_and_uncles_of_each_nominating_unit_are_refused(levels):
    """The relations the leak ran along are all present in the world, so the test above
    tried them: for each nominating unit, a sibling, a child and a sibling of its parent hold
    roles and may not open its draft."""
    from units.models import Unit

    keys = {u.pk: key for key, u in levels.units.items()}
    tried = set()
    for dossier in levels.dossiers.values():
        if dossier.position:
            continue
        unit = dossier.nominating_unit
        parent = Unit.objects.get_parent(unit)
        relations = {
            "child": Unit.objects.get_children(unit),
            "sibling": Unit.objects.get_siblings(unit).exclude(pk=unit.pk),
            "uncle": (
                Unit.objects.get_siblings(parent).exclude(pk=parent.pk)
                if parent
                else Unit.objects.none()
            ),
        }
        for relation, units in relations.items():
            for other in units:
                assert not may_open(levels, keys[other.pk], dossier)
                tried.add(relation)
    assert tried == {"child", "sibling", "uncle"}


def test_whoever_the_rule_lets_in_opens_the_dossier_and_its_files(levels, as_user):
    opened = 0
    for pk, dossier in levels.dossiers.items():
        for key in levels.users:
            if not may_open(levels, key, dossier):
                continue
            client = as_user(key)
            page = client.get(reverse("nominations:detail", args=[pk]))
            assert page.status_code == 200, (key, dossier.secret)
            assert dossier.secret.split(" (")[0] in page.content.decode()
            photo = crawl.settle(client.get(reverse("nominations:photo", args=[pk])))
            assert photo.status_code == 200, (key, dossier.secret)
            url = reverse("nominations:evidence_download", args=[pk, dossier.evidence_pk])
            assert crawl.settle(client.get(url)).status_code == 200, (key, dossier.secret)
            opened += 1
    # The nominating unit of each dossier, and the next unit of each one sent up.
    assert opened >= len(levels.dossiers) + sum(1 for d in levels.dossiers.values() if d.position)


LIST_PAGES = (
    ("nominations:list", {}),
    ("nominations:list", {"export": "csv"}),
    ("nominations:queue", {}),
    ("reporting:dashboard", {}),
    ("home", {}),
)


@pytest.mark.parametrize(("name", "query"), LIST_PAGES)
def test_lists_show_each_user_exactly_the_dossiers_they_may_open(levels, as_user, name, query):
    failures = []
    for key in levels.users:
        response = as_user(key).get(reverse(name), query)
        assert response.status_code == 200, (key, name)
        text = crawl.body_text(response)
        for dossier in levels.dossiers.values():
            shown = dossier.secret.split(" (")[0] in text
            if shown and not may_open(levels, key, dossier):
                failures.append(f"{key} sees “{dossier.secret}” on {name} {query}")
    assert not failures, "\n".join(failures)
    if name == "nominations:list" and not query:
        mine = as_user("x1").get(reverse(name)).content.decode()
        assert any(d.secret.split(" (")[0] in mine for d in levels.dossiers.values())
