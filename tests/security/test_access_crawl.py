"""Access control, crawled from the URL conf (issue 8).

Every URL pattern of the project must be classified below:
- `Guarded`: it names an object (in its path or its query) that belongs to the owner's side of
  the world (tests/security/crawl.py). Every attacker, anonymous included, is refused (404, 403,
  405 or the login page) on GET and on POST, and a POST (replaying the form the owner would
  submit) changes nothing in the database. The attackers hold each role at a sibling school, or
  every role at another province, or are staff without being superusers. A few pages are
  legitimately readable by the sibling school (its own Sở's campaign): `visible_to` says so
  with a reason, and for them the page must still not show the owner's private data.
- `Scoped`: a page of the user's own scope (lists, their own account). Anonymous visitors are sent
  to the login page; a logged-in attacker may open it but must not find the owner's private data
  in it, and a POST must not change the owner's data.
- `Public`: no login by design; listed with the reason, and a check that what is not public
  (a dossier not recognised, a consultation not yet open) is a 404.
The Django admin is one group: only staff get past its login, and staff without superuser see
none of the models.

A new URL that is not classified here, or whose kwargs the table cannot fill, fails
`test_every_url_is_classified`: add it to ROUTES with the object it names.
The positive controls (`test_the_owner_opens_their_own_objects`, `..._may_act_...`) make sure
the refusals are not an artefact of a broken world: the owner's own users open the same URLs.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.imports import IMPORTERS
from core.text import fold
from nominations.models import ConsultationComment
from tests.security import crawl

pytestmark = pytest.mark.django_db


# --- what the table is made of ------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    kwargs: dict
    query: dict

    def path(self, name: str) -> str:
        return reverse(name, kwargs=self.kwargs)

    def url(self, name: str) -> str:
        path = self.path(name)
        return f"{path}?{urlencode(self.query)}" if self.query else path


def each(query=None, **kwargs) -> Callable:
    """Targets from getters of the world: a getter returning a list gives one target per item
    (the product when several do)."""

    def expand(w) -> list[Target]:
        def resolve(spec):
            def value(v):
                return v(w) if callable(v) else v

            values = {k: value(v) for k, v in spec.items()}
            return {
                k: [value(item) for item in v] if isinstance(v, list) else [v]
                for k, v in values.items()
            }

        args, params = resolve(kwargs), resolve(query or {})
        keys = [*args, *params]
        targets = []
        for combo in itertools.product(*args.values(), *params.values()):
            chosen = dict(zip(keys, combo, strict=True))
            targets.append(Target({k: chosen[k] for k in args}, {k: chosen[k] for k in params}))
        return targets

    return expand


NO_TARGET = (each(),)


@dataclass(frozen=True)
class Guarded:
    targets: tuple[Callable, ...]
    owner: str  # the world's user who may open the first target (the positive control)
    owner_get: bool = True  # False for POST-only views
    form_on: str | None = None  # the page holding the form that POSTs here (default: itself)
    also_send: Callable | None = None  # POST fields the form cannot give (files, set by hand)
    visible_to: dict = field(default_factory=dict)  # attacker group → why they may read it


@dataclass(frozen=True)
class Scoped:
    reason: str
    targets: tuple[Callable, ...] = NO_TARGET
    ignore: tuple[str, ...] = ()  # tables a POST may change: only the requester's own rows
    owner: str | None = None  # whose form on the page the attackers replay (their own data)
    also_send: Callable | None = None


@dataclass(frozen=True)
class Public:
    reason: str
    check: Callable | None = None  # (world, clients) → None: what is not public is a 404


def g(attribute, *path):
    """A getter of the world: g("campaign", "code") → w.campaign.code."""

    def get(w):
        value = getattr(w, attribute)
        for step in path:
            value = value[step] if isinstance(value, dict) else getattr(value, step)
        return value

    return get


def pk(attribute):
    return g(attribute, "pk")


def code(attribute):
    return g(attribute, "code")


def nominations(*places):
    return lambda w: [w.nominations[p].pk for p in places or crawl.PLACES]


def kinds(w):
    return sorted(IMPORTERS)


# A dossier and the action its holder would take next: the transition each URL would make.
TRANSITIONS = (
    ("draft", "submit"),
    ("draft", "withdraw"),
    ("under_review@commune", "forward"),
    ("under_review@commune", "return"),
    ("under_review@commune", "reject"),
    ("returned", "resubmit"),
    ("under_review@province", "approve"),
    ("approved", "recognise"),
    ("recognised", "revoke"),
)


def transitions(w):
    return [Target({"pk": w.nominations[p].pk, "action": a}, {}) for p, a in TRANSITIONS]


def transition_data(w):
    return {
        "reason": "Đủ điều kiện",
        "number": "99/QĐ-SGDĐT",
        "signed_on": "2026-03-16",
        "issuer": "Giám đốc Sở",
    }


def evidence_file(w):
    return {
        "file": SimpleUploadedFile(
            "them.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"
        )
    }


def own_membership(w):
    return {"membership": w.a_nominator.memberships.get().pk}


SIBLING_CAMPAIGN = "the sibling school takes part in its own Sở's campaign"
ALL_DOSSIERS = (each(pk=nominations()),)
# Where a dossier's own pages are concerned, four places tell the visibility rules apart: at the
# school, back at the school after the commune saw it, at the commune, decided above.
DOSSIERS = (each(pk=nominations("draft", "returned", "under_review@commune", "recognised")),)


# --- public pages: what is not public is a 404 ----------------------------------------------------
def check_exemplar(w, clients):
    anonymous = clients["anonymous"]
    for place, nomination in w.nominations.items():
        response = anonymous.get(reverse("reporting:exemplar", args=[nomination.pk]))
        expected = 200 if place == "recognised" else 404
        assert response.status_code == expected, (place, response.status_code)


def check_exemplar_photo(w, clients):
    anonymous = clients["anonymous"]
    for place, nomination in w.nominations.items():
        response = crawl.settle(
            anonymous.get(reverse("reporting:exemplar_photo", args=[nomination.pk]))
        )
        assert response.status_code == (200 if place == "recognised" else 404), place
    # A recognised exemplar who did not consent to publishing the photo.
    recognised = w.nominations["recognised"]
    type(recognised).objects.filter(pk=recognised.pk).update(photo_public=False)
    response = crawl.settle(
        anonymous.get(reverse("reporting:exemplar_photo", args=[recognised.pk]))
    )
    assert response.status_code == 404


def check_honour_pages(w, clients):
    anonymous = clients["anonymous"]
    board = reverse("reporting:honour_board")
    pages = [
        board,
        f"{board}?{urlencode({'don_vi': w.school_a.code})}",
        reverse("reporting:honour_feed"),
        reverse("reporting:honour_unit_feed", args=[w.school_a.code]),
    ]
    # Searched without diacritics, as people type: the page echoes the query, not the name.
    searches = [f"{board}?{urlencode({'q': fold(n)})}" for n in crawl.SECRET_NAMES.values()]
    for url in pages + searches:
        response = anonymous.get(url)
        assert response.status_code == 200, url
        text = crawl.body_text(response)
        if url in pages:  # the page does show the exemplar
            assert crawl.SECRET_NAMES["recognised"] in text, url
        leaked = [m for m in crawl.owner_markers(w) if m in text]
        assert not leaked, (url, leaked)
    assert (
        anonymous.get(reverse("reporting:honour_unit_feed", args=["KHONG-CO"])).status_code == 404
    )


def check_consultation(w, clients):
    anonymous = clients["anonymous"]
    listing = crawl.body_text(anonymous.get(reverse("nominations:consultation_list")))
    future = reverse("nominations:consultation_public", args=[w.future_consultation.pk])
    assert reverse("nominations:consultation_public", args=[w.consultation.pk]) in listing
    assert f'"{future}"' not in listing
    assert anonymous.get(future).status_code == 404
    page = anonymous.get(reverse("nominations:consultation_public", args=[w.consultation.pk]))
    assert page.status_code == 200
    text = crawl.body_text(page)
    assert crawl.SECRET_NAMES["under_review@province"] in text
    others = [n for p, n in crawl.SECRET_NAMES.items() if p != "under_review@province"]
    assert not [n for n in others if n in text]
    assert w.comment.author_name not in text  # the deciding unit's eyes only
    # Comments on the unopened list, or on a dossier that is not on the list, are refused.
    before = ConsultationComment.objects.count()
    comment = {
        "nomination": w.nominations["draft"].pk,
        "kind": "opinion",
        "author_name": "Khách",
        "text": "Ý kiến",
        "token": "x",
    }
    assert anonymous.post(future, comment).status_code == 404
    anonymous.post(reverse("nominations:consultation_public", args=[w.consultation.pk]), comment)
    assert ConsultationComment.objects.count() == before


def check_password_reset_confirm(w, clients):
    """Someone else's reset link with a forged token shows no form and changes nothing."""
    anonymous = clients["anonymous"]
    uid = urlsafe_base64_encode(force_bytes(w.a_principal.pk))
    url = reverse("password_reset_confirm", args=[uid, "forged-token"])
    password = type(w.a_principal).objects.get(pk=w.a_principal.pk).password
    response = anonymous.get(url, follow=True)
    assert b"new_password1" not in response.content
    anonymous.post(url, {"new_password1": "MatKhauMoi@2026", "new_password2": "MatKhauMoi@2026"})
    assert type(w.a_principal).objects.get(pk=w.a_principal.pk).password == password
    # A real token of another user's does not carry over to this user either.
    other = default_token_generator.make_token(w.a_nominator)
    response = anonymous.get(reverse("password_reset_confirm", args=[uid, other]), follow=True)
    assert b"new_password1" not in response.content


def check_login(w, clients):
    """A wrong password for an owner's account does not log in."""
    anonymous = Client()
    anonymous.post(reverse("login"), {"username": w.a_principal.username, "password": "sai"})
    assert anonymous.get(reverse("home")).status_code == 302


# --- the table ------------------------------------------------------------------------------------
ROUTES: dict[str, object] = {
    # Project pages and the account.
    "home": Scoped("the user's own start page"),
    "healthz": Public("load balancers poll it; it says only ok or error"),
    "set_language": Public("the language switch of the footer, a cookie"),
    "login": Public("the login form", check_login),
    "login_code": Public("the second login step; only with a password step pending in the session"),
    "logout": Scoped("ends the user's own session"),
    "password_change": Scoped("the user's own password"),
    "password_change_done": Scoped("the user's own password"),
    "password_reset": Public("asks for a reset e-mail; says the same whoever is named"),
    "password_reset_done": Public("a confirmation page"),
    "password_reset_confirm": Public("the e-mailed link", check_password_reset_confirm),
    "password_reset_complete": Public("a confirmation page"),
    "account_security": Scoped("the user's own two-factor login"),
    "two_factor_start": Scoped("the user's own two-factor login"),
    "two_factor_confirm": Scoped("the user's own two-factor login"),
    "two_factor_disable": Scoped("the user's own two-factor login"),
    # Units and people.
    "units:unit_list": Scoped("the units in the user's scope", (each(query={"q": "TH-A"}),)),
    "units:unit_detail": Guarded((each(code=[code("school_a"), code("team_a")]),), "a_nominator"),
    "units:unit_export": Guarded((each(code=code("school_a")),), "a_principal"),
    "units:person_create": Guarded((each(code=code("school_a")),), "a_nominator"),
    "units:person_list": Scoped(
        "the people in the user's scope",
        (each(), each(query={"unit": code("school_a")}), each(query={"q": "Bí Mật"})),
    ),
    "units:person_export": Scoped(
        "the people in the user's scope",
        (each(query={"format": "csv"}), each(query={"format": "csv", "unit": code("school_a")})),
    ),
    "units:person_detail": Guarded((each(pk=pk("person")),), "a_nominator"),
    "units:person_update": Guarded((each(pk=pk("person")),), "a_nominator"),
    "units:person_photo": Guarded((each(pk=pk("person")),), "a_nominator"),
    "units:choose_membership": Guarded(NO_TARGET, "a_nominator", False, also_send=own_membership),
    # Spreadsheet imports.
    "core:import_start": Scoped(
        "an upload into the user's own scope (rows are checked one by one)",
        (
            each(kind=kinds),
            each(
                kind="registration",
                query={"phong_trao": code("campaign"), "dot": pk("round")},
            ),
        ),
    ),
    "core:import_template": Scoped("a blank template", (each(kind=kinds),)),
    "core:import_job": Guarded((each(pk=pk("import_job")),), "a_principal"),
    # Criteria and the registry.
    "criteria:title_list": Scoped("the national catalogue"),
    "criteria:criteriaset_list": Scoped("the criteria sets the user may see"),
    "criteria:criteriaset_export": Scoped(
        "the criteria sets the user may see",
        (each(query={"format": "csv"}), each(query={"format": "csv", "id": pk("dn_criteria_set")})),
    ),
    "criteria:criteriaset_detail": Guarded(
        (each(pk=pk("dn_criteria_set")),),
        "dn_admin",
        visible_to={"sibling": "the criteria set of the sibling school's own Sở"},
    ),
    "criteria:person_history": Guarded((each(pk=pk("person")),), "a_nominator"),
    "criteria:unit_history": Guarded((each(code=code("school_a")),), "a_nominator"),
    "criteria:registry_export": (
        Scoped("the registry of the user's scope", (each(query={"format": "csv"}),)),
        Guarded((each(query={"format": "csv", "don_vi": code("school_a")}),), "a_nominator"),
    ),
    "criteria:registry": Scoped(
        "the registry of the user's scope; a unit code outside it finds nothing",
        (
            each(),
            each(query={"export": "csv"}),
            each(query={"don_vi": code("school_a")}),
        ),
    ),
    # Campaigns.
    "campaigns:list": Scoped("the campaigns the user takes part in"),
    "campaigns:create": Scoped(
        "a new campaign of a unit the user administers",
        owner="dn_admin",
        also_send=lambda w: {
            "code": "DN-MOI",
            "name": "Phong trào mới của Sở",
            "period_start": "01/04/2026",
            "period_end": "31/12/2026",
            "categories": ["teacher"],
            "titles": [w.campaign.titles.get().pk],
        },
    ),
    "campaigns:detail": Guarded(
        (each(code=[code("campaign"), code("draft_campaign")]),),
        "dn_admin",
        visible_to={"sibling": SIBLING_CAMPAIGN},
    ),
    **{
        f"campaigns:{name}": Guarded(
            (each(code=[code("campaign"), code("draft_campaign")]),), "dn_admin"
        )
        for name in (
            "update",
            "criteria",
            "phase",
            "rule",
            "round_create",
            "quarterly",
            "quota",
            "extension",
            "chain",
        )
    },
    "campaigns:rule_delete": Guarded(
        (
            each(code=code("campaign"), pk=pk("rule_link")),
            each(code=code("gl_campaign"), pk=pk("rule_link")),
        ),
        "dn_admin",
        owner_get=False,
        form_on="campaigns:detail",
    ),
    "campaigns:round_update": Guarded(
        (
            each(code=code("draft_campaign"), pk=pk("draft_round")),
            each(code=code("campaign"), pk=pk("round")),
            each(code=code("gl_campaign"), pk=pk("draft_round")),
        ),
        "dn_admin",
    ),
    "campaigns:round_delete": Guarded(
        (
            each(code=code("draft_campaign"), pk=pk("draft_round")),
            each(code=code("gl_campaign"), pk=pk("draft_round")),
        ),
        "dn_admin",
        owner_get=False,
        form_on="campaigns:detail",
    ),
    "campaigns:open": Guarded(
        (each(code=code("draft_campaign")),), "dn_admin", False, form_on="campaigns:detail"
    ),
    "campaigns:close": Guarded(
        (each(code=code("campaign")),), "dn_admin", False, form_on="campaigns:detail"
    ),
    "campaigns:registrations": Guarded(
        (each(code=code("campaign")),),
        "a_nominator",
        visible_to={"sibling": "the sibling school registers its own people in its Sở's campaign"},
    ),
    # Dossiers.
    "nominations:list": Scoped(
        "the dossiers the user may see",
        (each(), each(query={"export": "csv"}), each(query={"state": "under_review"})),
    ),
    "nominations:create": Scoped(
        "a new dossier of the user's own unit",
        (each(query={"phong_trao": code("campaign")}), each()),
        owner="a_nominator",
        also_send=lambda w: {"category": "teacher", "nominee": f"p{w.person.pk}"},
    ),
    "nominations:nominee_search": Scoped(
        "the people and units the user's own unit may nominate",
        (each(query={"phong_trao": code("campaign"), "q": g("person", "full_name")}),),
    ),
    "nominations:detail": Guarded(ALL_DOSSIERS, "a_nominator"),
    "nominations:edit": Guarded(DOSSIERS, "a_nominator"),
    "nominations:transition": Guarded(
        (transitions,),
        "a_principal",
        False,
        form_on="nominations:detail",
        also_send=transition_data,
    ),
    "nominations:review": Guarded(
        (each(pk=nominations("under_review@commune", "draft", "under_review@province")),),
        "commune_approver",
        False,
        form_on="nominations:detail",
    ),
    "nominations:photo": Guarded(DOSSIERS, "a_nominator"),
    "nominations:received_title": Guarded(
        DOSSIERS, "a_nominator", False, form_on="nominations:detail"
    ),
    "nominations:evidence_upload": Guarded(
        DOSSIERS, "a_nominator", False, form_on="nominations:detail", also_send=evidence_file
    ),
    "nominations:evidence_download": Guarded(
        (
            each(pk=nominations("draft"), evidence_pk=pk("evidence")),
            each(pk=pk("b_nomination"), evidence_pk=pk("evidence")),
        ),
        "a_nominator",
    ),
    "nominations:evidence_delete": Guarded(
        (
            each(pk=nominations("draft"), evidence_pk=pk("evidence")),
            each(pk=pk("b_nomination"), evidence_pk=pk("evidence")),
        ),
        "a_nominator",
        owner_get=False,
        form_on="nominations:detail",
    ),
    "nominations:queue": Scoped(
        "what waits at the user's own unit",
        (
            each(),
            each(query={"unit": code("school_a"), "state": "under_review"}),
            each(query={"export": "csv"}),
        ),
    ),
    "nominations:council_list": Scoped(
        "the council of the user's own unit",
        owner="dn_secretary",
        also_send=lambda w: {
            "round": w.round.pk,
            "held_on": "16/03/2026",
            "members_total": 9,
            "members_present": 9,
            "threshold_percent": 50,
        },
    ),
    "nominations:council_detail": Guarded((each(pk=pk("session")),), "dn_secretary"),
    "nominations:consultation_manage": Scoped(
        "the consultations of the user's own unit",
        (each(query={"dot": pk("round")}), each()),
        owner="dn_approver",
        also_send=lambda w: {"nominations": [w.nominations["under_review@province"].pk]},
    ),
    "nominations:consultation_list": Public("public consultation (lấy ý kiến)", check_consultation),
    "nominations:consultation_public": Public(
        "public consultation (lấy ý kiến)", check_consultation
    ),
    # Dashboards, documents, bundles.
    "reporting:dashboard": (
        Scoped("the dashboard of the user's own unit"),
        Guarded(
            (each(query={"don_vi": [code("school_a"), code("commune"), code("dn")]}),),
            "a_principal",
        ),
    ),
    "reporting:dashboard_export": (
        Scoped("the dashboard of the user's own unit", (each(query={"format": "csv"}),)),
        Guarded(
            (
                each(
                    query={
                        "format": "csv",
                        "don_vi": [code("school_a"), code("commune"), code("dn")],
                    }
                ),
            ),
            "a_principal",
        ),
    ),
    "reporting:dashboard_pdf": Guarded(
        (each(query={"don_vi": [code("school_a"), code("commune"), code("dn")]}),),
        "a_principal",
    ),
    "reporting:honour_board": Public("the public honour board", check_honour_pages),
    "reporting:exemplar": Public("the public honour board", check_exemplar),
    "reporting:exemplar_photo": Public("the public honour board", check_exemplar_photo),
    "reporting:honour_feed": Public("the public honour board", check_honour_pages),
    "reporting:honour_unit_feed": Public("the public honour board", check_honour_pages),
    "reporting:nomination_report": Guarded(DOSSIERS, "a_nominator"),
    "reporting:unit_list": Guarded(
        (
            each(round_pk=pk("round"), code=code("school_a"), kind=["registration", "sent"]),
            each(round_pk=pk("gl_round"), code=code("school_a"), kind="sent"),
        ),
        "a_principal",
    ),
    "reporting:unit_list_xlsx": Guarded(
        (
            each(round_pk=pk("round"), code=code("school_a"), kind=["registration", "sent"]),
            each(round_pk=pk("gl_round"), code=code("school_a"), kind="sent"),
        ),
        "a_principal",
    ),
    "reporting:registration_list": Guarded(
        (each(code=code("campaign"), unit_code=code("school_a"), fmt=["pdf", "xlsx"]),),
        "a_nominator",
    ),
    "reporting:council_minutes": Guarded((each(pk=pk("session")),), "dn_secretary"),
    "reporting:draft_decision": Guarded(
        (each(pk=pk("session"), fmt=["pdf", "docx", "xlsx"]),), "dn_secretary"
    ),
    "reporting:decision_annex": Guarded(
        (each(pk=[pk("decision"), pk("revocation")]),), "dn_approver"
    ),
    "reporting:nomination_bundle": Guarded(
        DOSSIERS, "a_nominator", False, form_on="nominations:detail"
    ),
    "reporting:unit_bundle": Guarded(
        (
            each(round_pk=pk("round"), code=code("school_a")),
            each(round_pk=pk("gl_round"), code=code("school_a")),
        ),
        "a_principal",
        owner_get=False,
    ),
    "reporting:export": Guarded((each(pk=[pk("export"), pk("unit_export")]),), "a_nominator"),
    "reporting:export_download": Guarded((each(pk=pk("export")),), "a_nominator"),
    # The yearly report.
    "yearly:index": Scoped("the calls and reports of the user's own units"),
    "yearly:review_start": Scoped(
        "sends the user to the year-end review of the unit they lead (their own memberships)"
    ),
    "yearly:review": Guarded((each(code=code("school_a"), year=2025),), "a_principal"),
    "yearly:call_create": Scoped(
        "a call of a unit the user heads",
        owner="commune_approver",
        also_send=lambda w: {"year": 2027, "due_on": "30/08/2027"},
    ),
    "yearly:call": Guarded(
        (each(pk=[pk("call"), pk("old_call")]), each(pk=pk("call"), query={"export": "csv"})),
        "commune_approver",
    ),
    "yearly:call_edit": Guarded((each(pk=pk("call")),), "commune_approver"),
    "yearly:report_start": Guarded(
        (each(pk=pk("call"), code=code("school_a")),),
        "a_nominator",
        owner_get=False,
        form_on="yearly:index",
    ),
    "yearly:report": Guarded((each(pk=[pk("report"), pk("sent_report")]),), "a_nominator"),
    "yearly:report_edit": Guarded((each(pk=pk("report")),), "a_nominator"),
    "yearly:report_send": Guarded(
        (each(pk=[pk("report"), pk("sent_report")]),),
        "a_principal",
        owner_get=False,
        form_on="yearly:report",
    ),
    "yearly:report_return": Guarded(
        (each(pk=pk("sent_report")),),
        "commune_approver",
        owner_get=False,
        form_on="yearly:report",
        also_send=lambda w: {"reason": "Bổ sung số liệu"},
    ),
    "yearly:report_pdf": Guarded((each(pk=[pk("report"), pk("sent_report")]),), "a_nominator"),
    # Notifications.
    "notifications:inbox": Scoped("the user's own notices"),
    "notifications:open": Guarded((each(pk=pk("message")),), "a_nominator"),
    "notifications:mark_all_read": Scoped("the user's own notices"),
    "notifications:preferences": Scoped(
        "the user's own notices", ignore=("notifications.Preference",)
    ),
}


def entries(name) -> tuple:
    entry = ROUTES[name]
    return entry if isinstance(entry, tuple) else (entry,)


def of_kind(kind) -> list[str]:
    return sorted(name for name in ROUTES if any(isinstance(e, kind) for e in entries(name)))


# --- fixtures -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from crawl.world_for_module(django_db_blocker, tmp_path_factory)


@pytest.fixture(scope="module")
def sessions(world, django_db_blocker):
    """A session per user, written once (the tests' savepoints roll back what a test does to
    it, a logout included)."""
    users = {name: user for name, user in world.attackers.items() if user is not None}
    for name in ("a_nominator", "a_principal", "commune_approver", "dn_approver"):
        users[name] = getattr(world, name)
    users |= {n: getattr(world, n) for n in ("dn_secretary", "dn_admin", "dn_viewer")}
    cookies = {}
    with django_db_blocker.unblock():
        for name, user in users.items():
            client = Client()
            client.force_login(user)
            cookies[name] = client.cookies
    return cookies


@pytest.fixture
def clients(world, sessions, settings):
    settings.MEDIA_ROOT = world.media_root
    made = {"anonymous": Client()}
    for name, cookies in sessions.items():
        client = Client()
        client.cookies = cookies.__class__(cookies)
        made[name] = client
    return made


def attackers(world):
    return list(world.attackers)


def markers_for(world, attacker) -> list[str]:
    markers = crawl.owner_markers(world)
    if not attacker.startswith("sibling:"):
        markers += crawl.province_markers(world)
    return markers


def leaked(world, attacker, response) -> list[str]:
    if response.status_code != 200:
        return []
    text = crawl.body_text(response)
    return [m for m in markers_for(world, attacker) if m in text]


def post_data(world, clients, name, guard, target: Target, *, hand_set=True) -> dict:
    """What the owner's page would submit to the target, plus the hand-set fields."""
    data = {}
    page = getattr(guard, "form_on", None) or (name if getattr(guard, "owner_get", True) else None)
    if page is not None and not target.path(name).endswith(".pdf"):  # no form in a PDF
        kwargs = {k: v for k, v in target.kwargs.items() if k in crawl_kwargs(page)}
        response = crawl.settle(
            clients[guard.owner].get(reverse(page, kwargs=kwargs), target.query)
        )
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            data = crawl.post_form(crawl.body_text(response), target.path(name)) or {}
    if hand_set and guard.also_send is not None:
        data |= guard.also_send(world)
    return data


def crawl_kwargs(name) -> frozenset:
    return next(r.kwargs for r in crawl.routes() if r.name == name)


# --- the tests ------------------------------------------------------------------------------------
def test_every_url_is_classified(world):
    problems = []
    for route in crawl.routes():
        if route.is_admin:
            continue
        if route.name is None:
            problems.append(f"{route.pattern}: give the pattern a name and classify it in ROUTES")
            continue
        if route.name not in ROUTES:
            problems.append(
                f"{route.name} ({route.pattern}) is not classified: add it to ROUTES in "
                "tests/security/test_access_crawl.py as Guarded (with the foreign object its "
                "kwargs name), Scoped or Public (with the reason)"
            )
            continue
        for entry in entries(route.name):
            if isinstance(entry, Public):
                continue
            for expand in entry.targets:
                for target in expand(world):
                    if set(target.kwargs) != route.kwargs:
                        problems.append(
                            f"{route.name}: the table fills {sorted(target.kwargs)} but the URL "
                            f"takes {sorted(route.kwargs)}; add the missing kwargs to its entry"
                        )
    names = {route.name for route in crawl.routes()}
    problems += [
        f"{name} is in ROUTES but not in the URL conf" for name in ROUTES if name not in names
    ]
    assert not problems, "\n".join(problems)


def _plan(world, clients, name, entry) -> list[tuple[str, dict]]:
    """(url, the owner's form data) of every target of the entry."""
    replay = entry.owner is not None
    return [
        (
            target.url(name),
            post_data(world, clients, name, entry, target, hand_set=False) if replay else {},
        )
        for expand in entry.targets
        for target in expand(world)
    ]


def _requests(world, clients, plan, entry):
    """(attacker, method, url, response) for every target of the plan and every attacker."""
    for url, data in plan:
        for attacker in attackers(world):
            client = clients[attacker]
            yield attacker, "GET", url, crawl.settle(client.get(url))
            fresh = entry.also_send(world) if entry.also_send else {}
            yield attacker, "POST", url, crawl.settle(client.post(url, data | fresh))


def _group(attacker: str) -> str:
    return attacker.split(":", 1)[0]


@pytest.mark.parametrize("name", of_kind(Guarded))
def test_foreign_objects_are_refused(world, clients, name):
    failures = []
    for entry in entries(name):
        if not isinstance(entry, Guarded):
            continue
        plan = _plan(world, clients, name, entry)
        before = crawl.snapshot()
        for attacker, method, url, response in _requests(world, clients, plan, entry):
            if attacker != "anonymous" and crawl.to_login(response):
                # A logged-in user is never sent to log in: their session was lost, and the
                # refusal would prove nothing.
                failures.append(f"{attacker} {method} {url}: sent to log in (session lost?)")
            if _group(attacker) in entry.visible_to or attacker in entry.visible_to:
                if found := leaked(world, attacker, response):
                    failures.append(f"{attacker} {method} {url}: shows {found}")
                continue
            if (answer := crawl.answered(response)) is not None:
                failures.append(f"{attacker} {method} {url}: answered {answer}")
        after = crawl.snapshot()
        if changed := crawl.changed_tables(before, after):
            failures.append(f"the attackers' requests changed {changed}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", of_kind(Scoped))
def test_scoped_pages_show_nothing_of_others(world, clients, name):
    failures = []
    for entry in entries(name):
        if not isinstance(entry, Scoped):
            continue
        plan = _plan(world, clients, name, entry)
        before = crawl.snapshot(ignore=entry.ignore)
        for attacker, method, url, response in _requests(world, clients, plan, entry):
            if attacker == "anonymous" and crawl.answered(response) is not None:
                failures.append(f"anonymous {method} {url}: answered {crawl.answered(response)}")
            if found := leaked(world, attacker, response):
                failures.append(f"{attacker} {method} {url}: shows {found}")
        if changed := crawl.changed_tables(before, crawl.snapshot(ignore=entry.ignore)):
            failures.append(f"the attackers' requests changed {changed}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", of_kind(Public))
def test_public_pages_show_only_what_is_public(world, clients, name):
    entry = entries(name)[0]
    assert entry.reason
    route = next(r for r in crawl.routes() if r.name == name)
    if not route.kwargs:
        response = clients["anonymous"].get(reverse(name))
        assert response.status_code in (200, 302, 405), response.status_code
        assert not leaked(world, "anonymous", response)
    if entry.check is not None:
        entry.check(world, clients)


def test_the_admin_opens_to_staff_only_and_shows_them_nothing(world, clients, settings):
    """The admin as one group: everyone but staff is sent to the admin's login (which sends on
    to the portal's); staff without superuser get past it but reach none of the models."""
    settings.OTP_REQUIRED_FOR_ADMIN = False  # the 2FA gate is tested with the login
    admin_routes = [r for r in crawl.routes() if r.is_admin and r.name]
    pages = [reverse("admin:index")]
    objects = {
        "nominations_nomination": world.nominations["draft"].pk,
        "units_person": world.person.pk,
        "yearly_implementationreport": world.report.pk,
        "notifications_message": world.message.pk,
        "core_importjob": world.import_job.pk,
    }
    for route in admin_routes:
        model = route.name.removeprefix("admin:").rsplit("_", 1)[0]
        if route.name.endswith(("_changelist", "_add")):
            pages.append(reverse(route.name))
        elif route.name.endswith(("_change", "_delete", "_history")) and model in objects:
            pages.append(reverse(route.name, kwargs={"object_id": objects[model]}))
    assert len(pages) > 20
    before = crawl.snapshot()
    failures = []
    for attacker in attackers(world):
        client = clients[attacker]
        # One gate (AdminSite.has_permission) guards every admin page: a sample for those who
        # do not even get past it, every page for staff.
        for page in pages if attacker == "staff" else pages[::5]:
            response = client.get(page)
            if attacker == "staff" and page == pages[0]:
                if found := leaked(world, attacker, response):
                    failures.append(f"staff GET {page}: shows {found}")
                continue
            if (answer := crawl.answered(response)) is not None:
                failures.append(f"{attacker} GET {page}: answered {answer}")
            if page.endswith(("/delete/", "/change/", "/add/")):
                response = client.post(page, {"post": "yes"})
                if (answer := crawl.answered(response)) is not None:
                    failures.append(f"{attacker} POST {page}: answered {answer}")
    assert not crawl.changed_tables(before, crawl.snapshot())
    assert not failures, "\n".join(failures)


def test_units_above_see_a_draft_only_once_it_reaches_them(world, clients):
    """The commune and the Sở hold roles above school A, yet its draft is not theirs to see
    until it is sent: every dossier URL of the table, with the draft, refuses them."""
    draft = world.nominations["draft"].pk
    above = ("commune_approver", "dn_approver", "dn_secretary", "dn_admin", "dn_viewer")
    dossier_routes = [r.name for r in crawl.routes() if r.pattern.startswith("ho-so/<int:pk>/")]
    urls = [
        (name, target.url(name))
        for name in dossier_routes
        for entry in entries(name)
        if isinstance(entry, Guarded)
        for expand in entry.targets
        for target in expand(world)
        if target.kwargs["pk"] == draft
    ]
    assert len({name for name, _url in urls}) >= 10
    before = crawl.snapshot()
    failures = []
    for _name, url in urls:
        for who in above:
            for method in ("get", "post"):
                response = crawl.settle(getattr(clients[who], method)(url))
                if (answer := crawl.answered(response)) is not None:
                    failures.append(f"{who} {method.upper()} {url}: answered {answer}")
    assert not crawl.changed_tables(before, crawl.snapshot())
    assert not failures, "\n".join(failures)


# --- positive controls ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name", [n for n in of_kind(Guarded) if any(getattr(e, "owner_get", False) for e in entries(n))]
)
def test_the_owner_opens_their_own_objects(world, clients, name):
    guard = next(e for e in entries(name) if isinstance(e, Guarded))
    target = guard.targets[0](world)[0]
    response = crawl.settle(clients[guard.owner].get(target.url(name)))
    assert crawl.answered(response) is not None, (guard.owner, target.url(name), response)
    assert response.status_code in (200, 302)


# Writes the owner may make with the very data the attackers replayed: proof that the attackers'
# POSTs were refused for who they are, not for what they sent.
OWNER_WRITES = {
    "units:person_update": "units.Person",
    "units:choose_membership": None,
    "nominations:transition": "nominations.Nomination",
    "nominations:evidence_delete": "nominations.Evidence",
    "nominations:evidence_upload": "nominations.Evidence",
    "campaigns:update": "campaigns.Campaign",
    "campaigns:rule_delete": "campaigns.CampaignRule",
    "campaigns:round_delete": "campaigns.Round",
    "campaigns:close": "campaigns.Campaign",
    "yearly:report_edit": "yearly.ImplementationReport",
    "yearly:report_return": "yearly.ImplementationReport",
    "reporting:nomination_bundle": "reporting.Export",
    "nominations:create": "nominations.Nomination",
    "nominations:council_list": "nominations.CouncilSession",
    "nominations:consultation_manage": "nominations.Consultation",
    "yearly:call_create": "yearly.ReportCall",
    "campaigns:create": "campaigns.Campaign",
}


@pytest.mark.parametrize("name", sorted(OWNER_WRITES))
def test_the_owner_may_act_with_the_same_request(world, clients, name):
    guard = next(e for e in entries(name) if getattr(e, "owner", None))
    target = guard.targets[0](world)[0]
    data = post_data(world, clients, name, guard, target)
    if name == "yearly:report_edit":
        data["direction"] = ["Nội dung mới"]
    if name == "units:person_update":
        data["full_name"] = ["Tên mới"]
    before = crawl.snapshot()
    response = clients[guard.owner].post(target.url(name), data)
    assert crawl.answered(response) is not None, (response.status_code, data)
    assert response.status_code == 302, crawl.form_errors(crawl.body_text(response))
    changed = crawl.changed_tables(before, crawl.snapshot())
    if OWNER_WRITES[name] is not None:
        assert OWNER_WRITES[name] in changed, (changed, data)
