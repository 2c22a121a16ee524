import datetime
import io
import zipfile

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns import services as campaign_services
from core.text import fold
from criteria.models import AchievementRecord, EligibilityRule, RuleVersion
from nominations import services
from nominations.enums import Action, State
from nominations.models import AppendOnlyError, Evidence
from nominations.services import TransitionError
from nominations.summary import sanitise_summary, word_count
from tests.factories import PersonFactory
from tests.factories import pdf_upload as pdf

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def at(year, month, day, hour, minute):
    """A moment given in Hà Nội time (UTC+7)."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=UTC) - datetime.timedelta(
        hours=7
    )


class TestDeadlines:
    @pytest.mark.parametrize(
        ("moment", "ok"),
        [
            (at(2025, 12, 31, 23, 0), False),  # before the round opens
            (at(2026, 4, 3, 23, 59), True),  # the school's deadline day, one minute to midnight
            (at(2026, 4, 4, 0, 1), False),  # just after
        ],
    )
    def test_submit_window_of_the_school(self, new_nomination, users, moment, ok):
        with time_machine.travel(at(2026, 3, 1, 9, 0), tick=False):
            nomination = new_nomination()
        with time_machine.travel(moment, tick=False):
            if ok:
                services.transition(
                    actor=users.principal, nomination=nomination, action=Action.SUBMIT
                )
            else:
                with pytest.raises(TransitionError):
                    services.transition(
                        actor=users.principal, nomination=nomination, action=Action.SUBMIT
                    )

    def test_an_extension_keeps_the_window_open_for_that_school_only(
        self, new_nomination, users, tree, campaign
    ):
        with time_machine.travel(at(2026, 3, 1, 9, 0), tick=False):
            nomination = new_nomination()
            campaign_services.extension_grant(
                actor=users.admin,
                round_=campaign.rounds.get(),
                unit=tree.school_a,
                deadline=datetime.date(2026, 4, 6),
                reason="Bão",
            )
        with time_machine.travel(at(2026, 4, 6, 22, 0), tick=False):
            services.transition(actor=users.principal, nomination=nomination, action=Action.SUBMIT)
        with time_machine.travel(at(2026, 4, 7, 0, 5), tick=False):
            services.transition(actor=users.commune, nomination=nomination, action=Action.FORWARD)

    def test_the_communes_window_outlives_the_schools(self, new_nomination, placed, users, tree):
        with time_machine.travel(at(2026, 3, 1, 9, 0), tick=False):
            draft = new_nomination()
            at_commune = placed("under_review@commune", person=PersonFactory(unit=tree.school_a))
        with time_machine.travel(at(2026, 4, 4, 0, 1), tick=False):
            with pytest.raises(TransitionError, match="Đã quá hạn chót 03/04/2026"):
                services.transition(actor=users.principal, nomination=draft, action=Action.SUBMIT)
            services.transition(actor=users.commune, nomination=at_commune, action=Action.FORWARD)

    def test_forwarding_after_the_communes_deadline_says_so(self, placed, users):
        with time_machine.travel(at(2026, 3, 1, 9, 0), tick=False):
            nomination = placed("under_review@commune")
        with (
            time_machine.travel(at(2026, 4, 11, 8, 0), tick=False),
            pytest.raises(TransitionError, match="Đã quá hạn chót 10/04/2026"),
        ):
            services.transition(actor=users.commune, nomination=nomination, action=Action.FORWARD)


class TestQuota:
    def test_a_school_may_send_one(self, new_nomination, users, tree, campaign, clock):
        campaign_services.quota_save(
            actor=users.admin,
            rounds=[campaign.rounds.get()],
            level="school",
            category="",
            max_forward=1,
            min_target=None,
        )
        first, second = new_nomination(), new_nomination(person=PersonFactory(unit=tree.school_a))
        services.transition(actor=users.principal, nomination=first, action=Action.SUBMIT)
        with pytest.raises(TransitionError, match="đã gửi đủ 1 hồ sơ"):
            services.transition(actor=users.principal, nomination=second, action=Action.SUBMIT)
        services.transition(actor=users.principal, nomination=first, action=Action.WITHDRAW)
        services.transition(actor=users.principal, nomination=second, action=Action.SUBMIT)


class TestGuards:
    def test_incomplete_content_is_listed(self, new_nomination, users, clock):
        nomination = new_nomination(fill=False)
        with pytest.raises(TransitionError) as excinfo:
            services.transition(actor=users.principal, nomination=nomination, action=Action.SUBMIT)
        messages = " ".join(excinfo.value.messages)
        assert "Bản tóm tắt thành tích có 0 từ; cần ít nhất 20 từ." in messages
        assert "Chưa tự đánh giá các tiêu chí số" in messages
        assert "Thiếu ảnh 4x6" in messages

    def test_a_blocking_campaign_rule_stops_submission_and_a_warning_does_not(
        self, new_nomination, users, campaign, clock
    ):
        rule = EligibilityRule.objects.create(
            code="CAN_LDTT", name="Cần LĐTT năm 2026", rule_type="title_in_year"
        )
        RuleVersion.objects.create(
            rule=rule,
            params={"title": "LDTT"},
            legal_source="KH",
            effective_from=datetime.date(2020, 1, 1),
        )
        link = campaign.rule_links.create(rule=rule, severity="block")
        nomination = new_nomination()
        with pytest.raises(TransitionError, match="Cần LĐTT năm 2026"):
            services.transition(actor=users.principal, nomination=nomination, action=Action.SUBMIT)
        link.severity = "warn"
        link.save()
        services.transition(actor=users.principal, nomination=nomination, action=Action.SUBMIT)

    def test_approval_waits_for_a_passing_council_vote(self, placed, users, campaign, tree, clock):
        campaign.requires_council_vote = True
        campaign.save()
        nomination = placed("under_review@province")
        with pytest.raises(TransitionError, match="chưa có kết quả"):
            services.transition(actor=users.province, nomination=nomination, action=Action.APPROVE)
        session = services.council_session_create(
            actor=users.secretary,
            unit=tree.danang,
            round_=campaign.rounds.get(),
            held_on=datetime.date(2026, 4, 15),
            members_total=10,
            members_present=8,
            threshold_percent=90,
            threshold_basis="all",
            threshold_strict=False,
        )
        services.council_vote_record(
            actor=users.secretary,
            session=session,
            nomination=nomination,
            votes_for=8,
            votes_against=0,
        )
        with pytest.raises(TransitionError, match="chưa đạt tỷ lệ"):
            services.transition(actor=users.province, nomination=nomination, action=Action.APPROVE)
        session.members_present = 10
        session.save()
        services.council_vote_record(
            actor=users.secretary,
            session=session,
            nomination=nomination,
            votes_for=9,
            votes_against=1,
        )
        services.transition(actor=users.province, nomination=nomination, action=Action.APPROVE)


@pytest.mark.parametrize(
    ("votes", "present", "total", "percent", "basis", "strict", "passes"),
    [
        (5, 10, 12, 50, "present", True, False),  # exactly half is not "more than half"
        (6, 10, 12, 50, "present", True, True),
        (9, 9, 10, 90, "all", False, True),  # at least 90% of all members
        (8, 9, 10, 90, "all", False, False),
        (0, 0, 10, 50, "present", True, False),
    ],
)
def test_council_thresholds(votes, present, total, percent, basis, strict, passes):
    assert (
        services.vote_passes(
            votes_for=votes,
            present=present,
            total=total,
            percent=percent,
            basis=basis,
            strict=strict,
        )
        is passes
    )


def test_votes_cannot_exceed_members_present(placed, users, tree, campaign, clock):
    nomination = placed("under_review@province")
    session = services.council_session_create(
        actor=users.secretary,
        unit=tree.danang,
        round_=campaign.rounds.get(),
        held_on=datetime.date(2026, 4, 15),
        members_total=7,
        members_present=5,
        threshold_percent=50,
        threshold_basis="present",
        threshold_strict=True,
    )
    with pytest.raises(ValidationError, match="vượt số thành viên có mặt"):
        services.council_vote_record(
            actor=users.secretary,
            session=session,
            nomination=nomination,
            votes_for=4,
            votes_against=2,
        )


def test_recognition_writes_the_registry_and_revocation_keeps_it_marked(placed, users, clock):
    nomination = placed("approved")
    services.decide(
        actor=users.secretary,
        nominations=[nomination],
        action=Action.RECOGNISE,
        number="88/QĐ-SGDĐT",
        signed_on=datetime.date(2026, 4, 20),
        issuer="Giám đốc",
    )
    record = AchievementRecord.objects.get(person=nomination.nominee_person)
    assert (record.title.code, record.year, record.decision_number, record.source) == (
        "DHTT",
        2026,
        "88/QĐ-SGDĐT",
        "portal",
    )
    nomination.refresh_from_db()
    services.decide(
        actor=users.secretary,
        nominations=[nomination],
        action=Action.REVOKE,
        number="99/QĐ-SGDĐT",
        signed_on=datetime.date(2026, 5, 2),
        issuer="Giám đốc",
        reason="Khai không trung thực",
    )
    record.refresh_from_db()
    nomination.refresh_from_db()
    assert record.is_revoked
    assert (nomination.state, nomination.revocation.reason) == (
        State.REVOKED,
        "Khai không trung thực",
    )
    assert nomination.decision.number == "88/QĐ-SGDĐT"  # nothing is deleted


def test_the_timeline_is_append_only(new_nomination):
    event = new_nomination().events.first()
    event.reason = "sửa"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


class TestDuplicates:
    def test_same_person_by_name_across_units_after_folding(
        self, new_nomination, users, tree, make_user, clock
    ):
        from units.enums import Role

        first = new_nomination()
        make_user((tree.school_b, Role.NOMINATOR), username="b.canbo")
        twin = PersonFactory(
            unit=tree.school_b,
            full_name="NGUYEN THI  ANH",
            birth_date=first.nominee_person.birth_date,
        )
        from django.contrib.auth import get_user_model

        second = new_nomination(
            person=twin,
            actor=get_user_model().objects.get(username="b.canbo"),
            nominating_unit=tree.school_b,
        )
        assert list(services.duplicates_of(first)) == [second]
        other = new_nomination(person=PersonFactory(unit=tree.school_a, full_name="Nguyễn Thị Ánh"))
        assert other not in services.duplicates_of(first)  # no birth date: not the same person

    def test_folding(self):
        import unicodedata

        assert (
            fold("Nguyễn Thị Ánh")
            == fold(unicodedata.normalize("NFD", "NGUYỄN THỊ ÁNH"))
            == fold("nguyen  thi anh")
            == "nguyen thi anh"
        )
        assert fold("Đặng Đức") == "dang duc"


class TestContent:
    def test_summary_is_sanitised_and_counted(self):
        html = sanitise_summary(
            '<p onclick="x()">Một <b>hai</b></p><script>alert(1)</script>'
            '<img src=x onerror=y><a href="javascript:z">ba</a>'
        )
        assert html == "<p>Một <b>hai</b></p>ba"
        assert word_count(html) == 3
        assert sanitise_summary("Đoạn một.\n\nTỷ lệ 2 < 3.") == (
            "<p>Đoạn một.</p><p>Tỷ lệ 2 &lt; 3.</p>"
        )

    def test_evidence_is_checked_by_content(self, new_nomination, users):
        nomination = new_nomination(fill=False)
        script = SimpleUploadedFile("bao-cao.pdf", b"#!/bin/sh\nrm -rf /\n")
        with pytest.raises(ValidationError, match="Chỉ nhận minh chứng"):
            services.evidence_add(actor=users.nominator, nomination=nomination, upload=script)
        traversal = pdf("../../etc/passwd.pdf")
        evidence = services.evidence_add(
            actor=users.nominator, nomination=nomination, upload=traversal
        )
        assert evidence.original_name == "passwd.pdf"
        assert ".." not in evidence.file.name
        assert "passwd" not in evidence.file.name
        assert evidence.content_type == "application/pdf"

    def test_a_zip_bomb_in_an_office_file_is_refused(self, new_nomination, users, settings):
        nomination = new_nomination(fill=False)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", b"0" * (210 * 1024 * 1024))
        bomb = SimpleUploadedFile("bom.docx", buffer.getvalue())
        with pytest.raises(ValidationError, match="bom nén"):
            services.evidence_add(actor=users.nominator, nomination=nomination, upload=bomb)
        assert not Evidence.objects.filter(nomination=nomination).exists()

    def test_only_the_nominating_unit_edits_and_only_drafts_or_returned(self, placed, users):
        nomination = placed("under_review@commune")
        with pytest.raises(ValidationError, match="không sửa được"):
            services.nomination_update(actor=users.nominator, nomination=nomination, summary="x")
        draft = placed("draft")
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            services.nomination_update(actor=users.commune, nomination=draft, summary="x")
