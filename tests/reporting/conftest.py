"""Shared fixtures of the reporting tests: the nomination fixtures, and `papers`, every printed
document's data fixed (names, dates, numbers, people), for the content and visual tests."""

import datetime
from types import SimpleNamespace

import pytest

from criteria.models import Title
from nominations import services
from nominations.enums import Action
from nominations.models import ModelWork
from reporting import decisions
from tests.factories import PersonFactory, place, title
from tests.nominations.conftest import (  # noqa: F401  (the nomination fixtures, shared)
    campaign,
    clock,
    new_nomination,
    placed,
    users,
)
from units.enums import Position

SUMMARY = (
    "<p>Với hơn 15 năm gắn bó với nghề, cô Ánh luôn tận tụy, gương mẫu, được đồng nghiệp và học "
    "sinh tin yêu. Cô đổi mới phương pháp dạy học theo hướng phát triển phẩm chất, năng lực học "
    "sinh; ứng dụng công nghệ thông tin vào từng tiết dạy.</p>"
    "<p>Cô bồi dưỡng học sinh giỏi đạt nhiều giải cấp thành phố, phối hợp với cha mẹ học sinh "
    "kèm cặp các em có hoàn cảnh khó khăn, không để học sinh nào bỏ học giữa chừng.</p>"
)


@pytest.fixture
def papers(new_nomination, users, tree, campaign, clock):  # noqa: F811
    """Every document, from fixed data: names, dates, numbers and people all given here."""
    campaign.report_template = "official"
    campaign.legal_basis = "Theo Kế hoạch số 3776/KH-SGDĐT ngày 11/12/2023 của Sở GDĐT Đà Nẵng"
    campaign.save()
    tree.school_a.address, tree.school_a.phone = "12 Lê Lợi, phường Hải Châu", "02363822111"
    tree.school_a.save()
    director = PersonFactory(
        unit=tree.danang, full_name="Nguyễn Văn Hùng", position=Position.PRINCIPAL
    )
    clerk = PersonFactory(unit=tree.danang, full_name="Phạm Thị Lan", position=Position.OFFICIAL)
    users.secretary.person = clerk
    users.secretary.save()
    teacher = PersonFactory(
        unit=tree.school_a,
        full_name="Nguyễn Thị Ánh",
        birth_date=datetime.date(1985, 3, 12),
        gender="female",
        phone="0905123456",
    )
    individual = new_nomination(person=teacher)
    individual.achievement_summary = SUMMARY
    individual.save()
    ModelWork.objects.filter(nomination=individual).delete()
    ModelWork.objects.create(
        nomination=individual,
        order=1,
        name="Câu lạc bộ Em yêu khoa học",
        implementing_unit="Trường Tiểu học Lê Lợi",
        description="Sinh hoạt hằng tuần",
        roadmap="2024-2026",
        results="12 sản phẩm dự thi cấp thành phố",
    )
    collective = new_nomination(unit=tree.school_a)
    collective.achievement_summary = SUMMARY
    collective.save()
    individual = place(individual, "under_review@province")
    collective = place(collective, "under_review@province")
    round_ = campaign.rounds.get()
    session = services.council_session_create(
        actor=users.secretary,
        unit=tree.danang,
        round_=round_,
        held_on=datetime.date(2026, 3, 10),
        members_total=9,
        members_present=8,
        threshold_percent=50,
        threshold_basis="present",
        threshold_strict=True,
        member_names="Nguyễn Văn Hùng\nTrần Quốc Bảo – Phó Giám đốc Sở\nPhạm Thị Lan",
    )
    decided = place(
        new_nomination(
            person=PersonFactory(unit=tree.school_a, full_name="Trần Văn Bình", gender="male")
        ),
        "under_review@province",
    )
    for n in (individual, collective, decided):
        services.council_vote_record(
            actor=users.secretary, session=session, nomination=n, votes_for=7, votes_against=1
        )
        services.transition(actor=users.province, nomination=n, action=Action.APPROVE)
    decision = services.decide(
        actor=users.secretary,
        nominations=[decided],
        action=Action.RECOGNISE,
        number="321/QĐ-SGDĐT",
        signed_on=datetime.date(2026, 3, 16),
        issuer="Giám đốc Sở GDĐT Đà Nẵng",
    )
    Title.objects.filter(code="DHTT").update(cash_multiplier="0.3")
    draft = decisions.draft_decision(session)  # the two dossiers still waiting for a decision
    campaign.registration_opens = datetime.date(2026, 3, 1)
    campaign.registration_closes = datetime.date(2026, 3, 31)
    campaign.save()
    campaign.registrations.create(
        unit=tree.school_a, nominee_unit=tree.school_a, title=title("TTLDXS")
    )
    campaign.registrations.create(unit=tree.school_a, person=teacher, title=title("CSTDCS"))
    return SimpleNamespace(
        individual=individual,
        collective=collective,
        session=session,
        draft=draft,
        decision=decision,
        round=round_,
        campaign=campaign,
        director=director,
    )
