"""The transition table's promises beyond the state × action × role walk: one writer of `state`,
the bulk form of a transition, and reviews that tell the caches about the scores they change."""

import ast
import pathlib

import pytest
from django.core.cache import cache

from nominations import services
from nominations.enums import Action, State
from nominations.models import Nomination
from reporting.dashboards import VERSION_KEY

pytestmark = pytest.mark.django_db

ROOT = pathlib.Path(__file__).resolve().parents[2]
THE_WRITER = ROOT / "nominations" / "services" / "transition.py"
WRITING_CALLS = {"update", "create", "bulk_create", "update_or_create", "get_or_create"}


def _production_files():
    """Every module the portal runs, the demo seeders (`demo/`, which walk dossiers through the
    service) included. Not scanned: tests and the benchmark's set-up (they place dossiers
    directly on purpose) and migrations."""
    skipped = {".venv", "tests", "bench", "migrations", "staticfiles", "node_modules"}
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts)
        if parts & skipped:
            continue
        yield path


def state_writes(source: str) -> list[int]:
    """Lines that assign `.state` or pass `state=` to a call that writes rows."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            lines += [
                node.lineno for t in targets if isinstance(t, ast.Attribute) and t.attr == "state"
            ]
        if isinstance(node, ast.Call) and any(k.arg == "state" for k in node.keywords):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in WRITING_CALLS or name == "Nomination":
                lines.append(node.lineno)
    return lines


def test_the_scan_finds_every_kind_of_state_write():
    source = (
        "n.state = 'x'\n"
        "Nomination.objects.filter(pk=1).update(state='x')\n"
        "Nomination.objects.create(state='x')\n"
        "Nomination(state='x')\n"
        "Nomination.objects.filter(state='x')\n"
    )
    assert state_writes(source) == [1, 2, 3, 4]


def test_state_has_exactly_one_writer():
    writers = {
        f"{path.relative_to(ROOT)}:{line}"
        for path in _production_files()
        for line in state_writes(path.read_text(encoding="utf-8"))
    }
    assert [w.rsplit(":", 1)[0] for w in writers] == [str(THE_WRITER.relative_to(ROOT))]


def test_transition_many_runs_each_dossier_alone(placed, users, clock):
    ready = placed("under_review@commune")
    at_province = placed("under_review@province")  # not the commune's to forward
    done, refused = services.transition_many(
        actor=users.commune, nominations=[ready, at_province], action=Action.FORWARD
    )
    assert done == 1
    assert [n.pk for n, _problems in refused] == [at_province.pk]
    assert refused[0][1]  # says why
    ready.refresh_from_db()
    at_province.refresh_from_db()
    assert (ready.position, ready.current_unit.code) == (2, at_province.current_unit.code)
    assert (at_province.state, at_province.position) == (State.UNDER_REVIEW, 2)


def test_transition_many_returns_with_the_reason(placed, users, clock):
    first, second = placed("under_review@commune"), placed("under_review@commune")
    done, refused = services.transition_many(
        actor=users.commune, nominations=[first, second], action=Action.RETURN, reason="Bổ sung"
    )
    assert (done, refused) == (2, [])
    assert set(Nomination.objects.values_list("state", flat=True)) == {State.RETURNED}
    assert list(first.events.filter(kind=Action.RETURN).values_list("reason", flat=True)) == [
        "Bổ sung"
    ]


def test_a_review_retires_the_cached_dashboards(
    placed, users, clock, django_capture_on_commit_callbacks
):
    """The score orders the queue and the version tells a page read before it; on main both were
    written by a bulk update that no cache heard of."""
    nomination = placed("under_review@commune")
    cache.set(VERSION_KEY, "before", None)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_save(actor=users.commune, nomination=nomination, scores={})
    assert cache.get(VERSION_KEY) != "before"
    fresh = Nomination.objects.get(pk=nomination.pk)
    assert fresh.version == nomination.version + 1
    assert fresh.score == 0
    assert fresh.updated_at == nomination.updated_at  # "newest first" is about content and place


# The path of a dossier through a transition, in order. A module may import what comes after it,
# never what comes before: following a transition never re-enters a module it left.
TRANSITION_PATH = [
    "nominations/views/transition.py",
    "nominations/services/transition.py",
    "nominations/workflow.py",
    "nominations/rules.py",
    "nominations/guards.py",
    "nominations/effects.py",
    "nominations/notices.py",
]


def _imported_modules(path: pathlib.Path) -> set[str]:
    """Absolute names of the nominations modules that `path` imports."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(filter(None, [base, node.module or ""]))
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("position", range(1, len(TRANSITION_PATH)))
def test_a_transition_never_goes_back_along_its_path(position):
    earlier = {p.removesuffix(".py").replace("/", ".") for p in TRANSITION_PATH[:position]} | {
        "nominations.services",
        "nominations.views",
    }
    imported = _imported_modules(ROOT / TRANSITION_PATH[position])
    backwards = {
        name for name in imported for e in earlier if name == e or name.startswith(f"{e}.")
    }
    if TRANSITION_PATH[position].startswith("nominations/services/"):
        backwards = {n for n in backwards if not n.startswith("nominations.services.base")}
    assert not backwards
