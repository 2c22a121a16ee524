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
from units.letterhead import head_of, head_title, position_text
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
        "unit_head": _signer(nomination.nominee_unit or nomination.nominating_unit)["name"],
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
    "registration": "Danh sách giới thiệu tập thể, cá nhân điển hình tiên tiến",
    "sent": "Danh sách đề nghị",
}
SEED002_NOTE = (
    "* Lưu ý: tập thể, cá nhân được giới thiệu, đăng ký phải bảo đảm thực hiện và đạt các tiêu "
    "chí của phong trào."
)


def _short_position(person) -> str:
    """Seed 002's list: "Chỉ ghi HT, PHT hoặc Giáo viên"."""
    if person.position in (Position.PRINCIPAL, Position.VICE_PRINCIPAL):
        return person.position
    return str(Position(person.position).label)


def _collective_row(unit, title) -> dict:
    return {"name": unit.name, "address": unit.address, "phone": unit.phone, "title": title}


def _individual_row(person, title) -> dict:
    return {
        "name": person.full_name,
        "position": _short_position(person),
        "unit": person.unit.name,
        "phone": person.phone,
        "title": title,
    }


def _signer(unit) -> dict:
    person = head_of(unit)
    return {"role": head_title(unit), "name": person.full_name if person else ""}


def seed002_listing(*, unit, head, title_lines, reference, title_col, collectives, individuals):
    """What the seed 002 layout prints, for the PDF template and the spreadsheet alike."""
    return {
        "head": head,
        "title_lines": title_lines,
        "reference": reference,
        "title_col": title_col,
        "collectives": collectives,
        "individuals": individuals,
        "notes": [SEED002_NOTE],
        "signer": _signer(unit),
        "sheet_title": title_col,
    }


def _reference(campaign) -> str:
    return f"({campaign.legal_basis.strip().rstrip('.')})" if campaign.legal_basis else ""


def unit_list_document(round_, unit: Unit, kind: str):
    """The list a unit introduces in a round (every dossier it sent) or sends up (those that
    left it and still count against its quota), in seed 002's layout: "1. TẬP THỂ" (school,
    address, phone), "2. CÁ NHÂN" (name, HT/PHT/teacher, unit, phone)."""
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
    head = header(unit, kind="DS")
    listing = seed002_listing(
        unit=unit,
        head=head,
        title_lines=[LIST_HEADINGS[kind], round_.campaign.name, round_.name],
        reference=_reference(round_.campaign),
        title_col="Danh hiệu đề nghị",
        collectives=[
            _collective_row(n.nominee_unit, n.title.name) for n in nominations if n.is_collective
        ],
        individuals=[
            _individual_row(n.nominee_person, n.title.name)
            for n in nominations
            if not n.is_collective
        ],
    )
    context = {
        **head,
        "doc_title": LIST_HEADINGS[kind],
        "listing": listing,
        "quota_used": quota_used(round_, unit, ""),
    }
    return "reporting/unit_list.html", context, _filename(kind, unit.code, round_.name)


def registration_listing(campaign, unit: Unit) -> dict:
    """The registration of targets ("đăng ký thi đua") of a unit and its subtree in a campaign,
    in seed 002's layout."""
    registrations = list(
        campaign.registrations.filter(unit__path__startswith=unit.path)
        .select_related("person__unit", "nominee_unit", "title")
        .order_by("unit__path", "pk")
    )
    return seed002_listing(
        unit=unit,
        head=header(unit, kind="DS"),
        title_lines=["Danh sách đăng ký thi đua", campaign.name],
        reference=_reference(campaign),
        title_col="Danh hiệu đăng ký",
        collectives=[
            _collective_row(r.nominee_unit, r.title.name)
            for r in registrations
            if r.nominee_unit_id
        ],
        individuals=[_individual_row(r.person, r.title.name) for r in registrations if r.person_id],
    )


def registration_document(campaign, unit: Unit):
    listing = registration_listing(campaign, unit)
    context = {**listing["head"], "doc_title": "Danh sách đăng ký thi đua", "listing": listing}
    return (
        "reporting/unit_list.html",
        context,
        _filename("dang-ky-thi-dua", unit.code, campaign.code),
    )


def council_members(session) -> list[str]:
    """The members present, one a line with their position: as the secretary typed them (one a
    line, or separated by ";" or ","), a position added from the people records of the unit
    when the line names none."""
    text = session.member_names.strip()
    if not text:
        return []
    separators = "\n" if "\n" in text else (";" if ";" in text else ",")
    names = [part.strip(" .;,-–") for part in text.split(separators) if part.strip(" .;,-–")]
    people = {
        p.full_name: p
        for p in Person.objects.filter(
            unit__path__startswith=session.unit.path, full_name__in=names, is_active=True
        ).select_related("unit")
    }
    lines = []
    for name in names:
        person = people.get(name)
        if person is not None and not any(mark in name for mark in (" - ", " – ", ":", ",")):
            lines.append(f"{name} – {position_text(person)}")
        else:
            lines.append(name)
    return lines


def council_minutes_document(session):
    votes = list(
        session.votes.select_related(
            "nomination__title",
            "nomination__nominating_unit",
            "nomination__nominee_person",
            "nomination__nominee_unit",
        ).order_by("nomination__title__order", "nomination__nominating_unit__path", "pk")
    )
    base = session.members_total if session.threshold_basis == "all" else session.members_present
    rows = [
        {
            "vote": v,
            "percent": (Decimal(v.votes_for) * 100 / base).quantize(Decimal("0.1")) if base else 0,
            "title": v.nomination.title.short_name or v.nomination.title.name,
        }
        for v in votes
    ]
    titles = {v.nomination.title_id for v in votes}
    secretary = getattr(session.recorded_by, "person", None) if session.recorded_by else None
    chair = head_of(session.unit)
    context = {
        **header(session.unit, day=session.held_on, kind="BB"),
        "doc_title": "Biên bản họp Hội đồng",
        "session": session,
        "rows": rows,
        "members": council_members(session),
        # One title for every row: said once above the table instead of on every row.
        "one_title": votes[0].nomination.title.name if len(titles) == 1 else "",
        "secretary": secretary.full_name if secretary else "",
        "secretary_position": position_text(secretary) if secretary else "",
        "chair": chair.full_name if chair else "",
        "chair_position": position_text(chair) if chair else "",
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


def draft_decision_document(session, *, grantor=None):
    """The draft decision of a council session's unit (reporting/decisions.py): (template,
    context, file name) and the draft itself, which the Word and Excel files are written from."""
    from .decisions import draft_decision

    draft = draft_decision(session, grantor=grantor)
    context = {**draft.header, "doc_title": "Dự thảo Quyết định", "draft": draft}
    return "reporting/decision_draft.html", context, f"{draft.filename}.pdf", draft
