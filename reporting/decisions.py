"""The draft decision ("dự thảo Quyết định") a deciding unit prints from its approved list, as
PDF, as an editable Word file (offices finish decisions in Word) and its annex as a spreadsheet.

Everything in it comes from data:
- **who issues it**: the authority matrix (criteria.GrantingAuthority) for the titles on the
  list at the unit's level on the decision's date. The matrix names the granting level and says
  in its legal-basis text whose head grants; a line that reads "Chủ tịch UBND …" means the
  unit's governing body issues the decision (a Sở drafts it for the provincial People's
  Committee), every other line the unit's own head. The matrix has no structured "issuer"
  column yet; reading its text is the bridge until it does.
- **"Căn cứ"**: the legal texts of the titles' eligibility rules and of the authority lines in
  force on that date, the campaign's own basis, and the council session's minutes.
- **Điều 2**: each title's cash multiplier (Title.cash_multiplier) times the base salary in
  force (criteria.BaseSalary), rounded up as that row says.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from criteria.enums import TitleKind
from criteria.models import BaseSalary, EligibilityRule, GrantingAuthority, RuleVersion
from nominations.enums import State
from nominations.models import Nomination
from units.enums import GoverningSource, Position
from units.letterhead import abbreviation_of, head_of, head_title

from .documents import header, place_of

GRANTORS = ("don-vi", "chu-quan")  # the unit's own head; its governing body
WHO = {"collective": "tập thể", "individual": "cá nhân", "both": "tập thể, cá nhân"}


def money(amount: int) -> str:
    """2340000 → "2.340.000" (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".")


def _multiplier_text(value) -> str:
    return f"{value.normalize():f}".replace(".", ",")


@dataclass
class Row:
    number: int
    name: str
    where: str
    title: str
    amount: int | None
    is_collective: bool


@dataclass
class DraftDecision:
    unit: object
    session: object
    grantor: str
    header: dict
    authority: str
    subject: str
    bases: list[str]
    proposal: str
    article1: str
    article2: list[str]
    article3: str
    recipients: list[str]
    signer_role: str
    signer_name: str
    rows: list[Row] = field(default_factory=list)
    total: int = 0
    annex_heading: str = ""
    annex_reference: str = ""

    @property
    def filename(self) -> str:
        return f"du-thao-quyet-dinh-{self.unit.code}-{self.session.held_on:%Y%m%d}".lower()


def approved_for(session):
    """The dossiers approved at the session's unit in its round, waiting for a decision."""
    return list(
        Nomination.objects.filter(
            round=session.round, deciding_unit=session.unit, state=State.APPROVED
        )
        .select_related("title", "nominee_person__unit", "nominee_unit", "nominating_unit")
        .order_by("title__order", "nominee_unit_id", "nominating_unit__path", "pk")
    )


def _lines_on(titles, day):
    return [
        line
        for line in GrantingAuthority.objects.filter(title__in=titles).select_related("source")
        if line.in_force_on(day)
    ]


def _granted_by_governing_body(lines, unit) -> bool:
    return unit.governing_source == GoverningSource.NAMED and any(
        "chủ tịch ubnd" in line.legal_source.lower()
        or "chủ tịch ủy ban" in line.legal_source.lower()
        for line in lines
        if line.level == unit.level
    )


def split_by_grantor(session, day) -> dict[str, list[Nomination]]:
    """The approved dossiers by who issues their decision: the unit's head, or its governing
    body. A list mixing both becomes two decisions."""
    groups = {grantor: [] for grantor in GRANTORS}
    nominations = approved_for(session)
    lines = _lines_on({n.title_id for n in nominations}, day)
    by_title = {}
    for line in lines:
        by_title.setdefault(line.title_id, []).append(line)
    for n in nominations:
        governing = _granted_by_governing_body(by_title.get(n.title_id, []), session.unit)
        groups["chu-quan" if governing else "don-vi"].append(n)
    return groups


def _basis_line(text) -> str:
    """ "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15" / "Căn cứ Nghị định số 152/2025/NĐ-CP
    của Chính phủ quy định chi tiết …"."""
    name = text.name.split(" (")[0]
    for kind in ("Luật", "Nghị định", "Thông tư", "Quyết định"):
        if name.startswith(kind + " "):
            rest = name[len(kind) + 1 :]
            if kind == "Luật":
                return f"Căn cứ {name} số {text.code}"
            issuer = f" của {text.issuer}" if text.issuer else ""
            return f"Căn cứ {kind} số {text.code}{issuer} {rest}"
    return f"Căn cứ {name} số {text.code}"


def legal_bases(nominations, day) -> list[str]:
    titles = {n.title_id for n in nominations}
    texts = {}
    rules = EligibilityRule.objects.filter(title__in=titles).prefetch_related(
        Prefetch("versions", queryset=RuleVersion.objects.prefetch_related("sources"))
    )
    for rule in rules:
        for version in rule.versions.all():
            if version.in_force_on(day):
                for text in version.sources.all():
                    texts[text.pk] = text
    for line in _lines_on(titles, day):
        if line.source_id:
            texts[line.source.pk] = line.source
    order = ("Luật", "Nghị định", "Thông tư", "Quyết định")

    def rank(text):
        kind = next((i for i, k in enumerate(order) if text.name.startswith(k)), len(order))
        return (kind, text.effective_from or datetime.date.min, text.code)

    return [_basis_line(text) for text in sorted(texts.values(), key=rank)]


def _where(n: Nomination) -> str:
    if n.nominee_person_id:
        person = n.nominee_person
        return f"{Position(person.position).label}, {person.unit.name}"
    return n.nominating_unit.name


def draft_decision(session, *, grantor: str | None = None, day=None) -> DraftDecision:
    """The draft for the dossiers `grantor` decides ("don-vi": the unit's head; "chu-quan": its
    governing body); without one, the first of the two that has dossiers."""
    day = day or timezone.localdate()
    unit = session.unit
    groups = split_by_grantor(session, day)
    if grantor is None:
        grantor = next((g for g in GRANTORS if groups[g]), GRANTORS[0])
    nominations = groups[grantor]
    governing = grantor == "chu-quan"
    base = BaseSalary.on(day)

    if governing:
        issuer_name = unit.governing_body
        head = {
            "issuer": unit,
            "issuer_name": issuer_name,
            "governing": "",
            "number": "",
            "number_suffix": "QĐ-UBND",
            "place": place_of(unit),
            "day": day,
        }
        authority = f"Chủ tịch {issuer_name}"
        signer_role, signer_name = "Chủ tịch", ""
        proposal = f"Theo đề nghị của {head_title(unit)} {unit.name}."
        fund_of = issuer_name
        recipients = ["Như Điều 3;", f"{unit.name};", "Lưu: VT."]
    else:
        head = header(unit, day=day, kind="QĐ")
        issuer_name = unit.name
        authority = f"{head_title(unit)} {unit.name}"
        signer_role = head_title(unit)
        person = head_of(unit)
        signer_name = person.full_name if person else ""
        proposal = "Theo đề nghị của Thường trực Hội đồng Thi đua - Khen thưởng."
        fund_of = unit.name
        recipients = ["Như Điều 3;"]
        if head["governing"]:
            recipients.append(f"{head['governing']} (để báo cáo);")
        recipients.append(f"Lưu: VT, {abbreviation_of(unit)}.")

    titles = []
    for n in nominations:
        if n.title not in titles:
            titles.append(n.title)
    names = ", ".join(f"“{t.name}”" for t in titles)
    kinds = {t.kind for t in titles}
    if kinds == {TitleKind.AWARD}:
        verb = "khen thưởng"
    elif TitleKind.AWARD in kinds:
        verb = "tặng danh hiệu thi đua và khen thưởng"
    else:
        verb = "tặng danh hiệu"
    period = session.round.name[:1].lower() + session.round.name[1:]
    subject = f"Về việc {verb} {names} {period}".strip()

    bases = legal_bases(nominations, day)
    if session.round.campaign.legal_basis:
        basis = session.round.campaign.legal_basis.strip().rstrip(".;")
        for lead in ("Theo ", "Căn cứ "):
            basis = basis.removeprefix(lead)
        bases.append(f"Căn cứ {basis}")
    bases.append(
        f"Căn cứ Biên bản họp Hội đồng Thi đua - Khen thưởng {unit.name} "
        f"ngày {session.held_on:%d/%m/%Y}"
    )

    rows, total, article2 = [], 0, []
    for number, n in enumerate(nominations, 1):
        amount = base.award(n.title.cash_multiplier) if base and n.title.cash_multiplier else None
        total += amount or 0
        rows.append(
            Row(
                number=number,
                name=str(n.nominee),
                where=_where(n),
                title=n.title.name,
                amount=amount,
                is_collective=bool(n.nominee_unit_id),
            )
        )
    people = sum(1 for r in rows if not r.is_collective)
    collectives = len(rows) - people
    counted = " và ".join(
        part
        for part in (
            f"{collectives:02d} tập thể" if collectives else "",
            f"{people:02d} cá nhân" if people else "",
        )
        if part
    )
    verb1 = "Tặng" if verb != "khen thưởng" else "Khen thưởng"
    article1 = (
        f"{verb1} {names} cho {counted} (có danh sách kèm theo), đã có thành tích xuất sắc "
        f"trong {session.round.campaign.name}, {period}."
    )
    for t in titles:
        if t.cash_multiplier and base:
            article2.append(
                f"Mỗi {WHO[t.nominee_kind]} được tặng "
                f"“{t.name}” được thưởng {_multiplier_text(t.cash_multiplier)} lần mức lương cơ "
                f"sở ({money(base.amount)} đồng, theo {base.legal_source}), thành tiền "
                f"{money(base.award(t.cash_multiplier))} đồng."
            )
        else:
            article2.append(f"Mức thưởng kèm theo “{t.name}” thực hiện theo quy định hiện hành.")
    if total:
        article2.append(
            f"Tổng số tiền thưởng: {money(total)} đồng, trích từ Quỹ thi đua, khen thưởng của "
            f"{fund_of}."
        )
    article3 = (
        "Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng, Thủ trưởng các đơn vị, bộ "
        "phận có liên quan và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành "
        "Quyết định này./."
    )
    return DraftDecision(
        unit=unit,
        session=session,
        grantor=grantor,
        header=head,
        authority=authority,
        subject=subject,
        bases=bases,
        proposal=proposal,
        article1=article1,
        article2=article2,
        article3=article3,
        recipients=recipients,
        signer_role=signer_role,
        signer_name=signer_name,
        rows=rows,
        total=total,
        annex_heading=f"Danh sách tập thể, cá nhân được {verb} {period}",
        annex_reference=(
            f"(Kèm theo Quyết định số      /{head['number_suffix']} ngày     tháng     năm "
            f"{day.year} của {authority})"
        ),
    )
