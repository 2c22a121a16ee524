"""What each printed document shows: (template, context, file name) for the renderer. The same
functions serve the download views, the ZIP bundles and the benchmark."""

from decimal import Decimal

from django.db.models import Count

from core.text import file_slug
from criteria.enums import TitleKind
from nominations.enums import State
from nominations.models import Nomination
from nominations.progress import counting_against, quota_used
from nominations.selectors import received_titles
from units.enums import Position
from units.models import Person, Unit

from .documents import data_uri, header


def _filename(*parts) -> str:
    return "-".join(file_slug(p) or "x" for p in parts) + ".pdf"


def nomination_document(nomination: Nomination):
    """The achievement report the campaign asks for: the decree's individual or collective form,
    or the seeds' short form."""
    received = list(received_titles(nomination))
    context = {
        **header(nomination.nominating_unit),
        "nomination": nomination,
        "doc_title": f"Báo cáo thành tích - {nomination.nominee}",
        "cv": nomination.cv,
        "photo": data_uri(nomination.photo),
        "works": list(nomination.works.all()),
        "assessments": list(
            nomination.assessments.select_related("criterion").order_by("criterion__order")
        ),
        "emulation": [r for r in received if r.title.kind == TitleKind.EMULATION],
        "awards": [r for r in received if r.title.kind == TitleKind.AWARD],
        "unit": nomination.nominee_unit,
        "birth_year": (
            nomination.nominee_person.birth_date.year
            if nomination.nominee_person_id and nomination.nominee_person.birth_date
            else ""
        ),
    }
    if nomination.campaign.report_template == "short":
        template = "reporting/short_report.html"
    elif nomination.is_collective:
        template = "reporting/collective_report.html"
        context.update(_collective_facts(nomination.nominee_unit))
    else:
        template = "reporting/individual_report.html"
    return template, context, _filename("bao-cao-thanh-tich", nomination.pk, nomination.nominee)


def _collective_facts(unit: Unit) -> dict:
    staff = (
        Person.objects.filter(unit__path__startswith=unit.path, is_active=True)
        .exclude(position__in=[Position.PUPIL, Position.STUDENT])
        .order_by()
        .values_list("position")
        .annotate(n=Count("pk"))
    )
    staff = [(Position(code).label, n) for code, n in staff]
    subunits = list(Unit.objects.get_children(unit).values_list("name", flat=True))
    return {"staff": staff, "staff_total": sum(n for _l, n in staff), "subunits": subunits}


LIST_HEADINGS = {
    "registration": "Danh sách giới thiệu, đăng ký điển hình tiên tiến",
    "sent": "Danh sách đề nghị",
}


def unit_list_document(round_, unit: Unit, kind: str):
    """The list a unit introduces in a round (every dossier it sent) or sends up (those that
    left it and still count against its quota)."""
    nominations = Nomination.objects.filter(round=round_).select_related(
        "nominee_person__unit", "nominee_unit", "nominating_unit", "title"
    )
    if kind == "registration":
        nominations = nominations.filter(nominating_unit__path__startswith=unit.path).exclude(
            state__in=[State.DRAFT, State.WITHDRAWN]
        )
    else:
        nominations = nominations.filter(pk__in=counting_against(round_, unit).values("pk"))
    nominations = list(nominations.order_by("nominating_unit__path", "pk"))
    context = {
        **header(unit),
        "doc_title": LIST_HEADINGS[kind],
        "heading": LIST_HEADINGS[kind],
        "campaign": round_.campaign,
        "round": round_,
        "collectives": [n for n in nominations if n.is_collective],
        "individuals": [n for n in nominations if not n.is_collective],
        "quota_used": quota_used(round_, unit, ""),
    }
    return "reporting/unit_list.html", context, _filename(kind, unit.code, round_.name)


def council_minutes_document(session):
    votes = session.votes.select_related(
        "nomination__title",
        "nomination__nominating_unit",
        "nomination__nominee_person",
        "nomination__nominee_unit",
    )
    base = session.members_total if session.threshold_basis == "all" else session.members_present
    rows = [
        {
            "vote": v,
            "percent": (Decimal(v.votes_for) * 100 / base).quantize(Decimal("0.1")) if base else 0,
        }
        for v in votes
    ]
    context = {
        **header(session.unit, day=session.held_on),
        "doc_title": "Biên bản họp Hội đồng",
        "session": session,
        "rows": rows,
        "secretary": session.recorded_by.get_full_name() if session.recorded_by else "",
    }
    return (
        "reporting/council_minutes.html",
        context,
        _filename("bien-ban", session.pk, session.held_on.isoformat()),
    )


def decision_annex_document(decision):
    nominations = list(
        (decision.revoked if decision.is_revocation else decision.recognised)
        .select_related("nominee_person__unit", "nominee_unit", "nominating_unit", "title")
        .order_by("pk")
    )
    context = {
        **header(decision.unit, day=decision.signed_on, number=decision.number),
        "doc_title": f"Danh sách kèm theo Quyết định {decision.number}",
        "decision": decision,
        "nominations": nominations,
    }
    return "reporting/decision_annex.html", context, _filename("phu-luc", decision.number)
