"""Importing a unit's registration / introduction list (seed 002's template) as draft dossiers.

Each row names a collective (by unit code) or a person (by identifier, or by name within the
named unit; a person not yet on the staff list is added). Rows become draft nominations in the
campaign and round the import page was opened for, through `nomination_create`, so the
same checks apply as in the browser. A nominee who already has a dossier in the round is skipped.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources

from campaigns.enums import CampaignStatus
from campaigns.models import Campaign, Round
from campaigns.selectors import campaigns_visible_to
from core.imports import Importer, ImportFileError, register
from core.pagination import query_int
from core.text import fold
from core.widgets import ChoiceWidget, PhoneWidget, TextWidget
from criteria.importers import TitleWidget
from units.enums import Position
from units.importers import POSITION_ALIASES
from units.models import Person, Unit
from units.services import person_create
from units.session import active_membership

from .enums import State
from .keys import nominee_key
from .models import Nomination
from .rules import edits_for_unit
from .services.dossier import nomination_create

CATEGORY_OF_POSITION = {
    Position.PRINCIPAL: "manager",
    Position.VICE_PRINCIPAL: "manager",
    Position.MANAGER: "manager",
    Position.TEAM_LEADER: "teacher",
    Position.TEACHER: "teacher",
    Position.LECTURER: "teacher",
    Position.OFFICIAL: "staff",
    Position.STAFF: "staff",
    Position.PUPIL: "student",
    Position.STUDENT: "student",
}
COLLECTIVE_WORDS = {"tập thể", "tap the", "collective"}
INDIVIDUAL_WORDS = {"cá nhân", "ca nhan", "individual"}


def _column(name):
    return fields.Field(column_name=name, widget=TextWidget())


class RegistrationResource(resources.ModelResource):
    kind = _column("Loại")
    name = _column("Tên tập thể hoặc họ và tên")
    position = _column("Chức vụ")
    unit_code = _column("Mã đơn vị")
    identifier = _column("Mã định danh")
    address = _column("Địa chỉ")
    phone = _column("Điện thoại")
    title = _column("Danh hiệu")

    class Meta:
        model = Nomination
        fields = [
            "kind",
            "name",
            "position",
            "unit_code",
            "identifier",
            "address",
            "phone",
            "title",
        ]
        skip_diff = True

    def __init__(self, *, actor, campaign_id, round_id, unit_id, **kwargs):
        super().__init__(**kwargs)
        self.actor = actor
        self.campaign = Campaign.objects.get(pk=campaign_id)
        self.round = Round.objects.get(pk=round_id)
        self.unit = Unit.objects.get(pk=unit_id)

    def _unit(self, code):
        unit = Unit.objects.filter(code__iexact=code, path__startswith=self.unit.path).first()
        if unit is None:
            raise ValidationError(
                {
                    "unit_code": _("Không tìm thấy đơn vị có mã “%(code)s” trong %(unit)s.")
                    % {"code": code, "unit": self.unit.name}
                }
            )
        return unit

    def _nominee(self, row):
        kind = TextWidget().clean(row.get("Loại")).casefold()
        name = TextWidget().clean(row.get("Tên tập thể hoặc họ và tên"))
        unit = self._unit(TextWidget().clean(row.get("Mã đơn vị")))
        if kind in COLLECTIVE_WORDS:
            return "collective", {"nominee_unit": unit}
        if kind not in INDIVIDUAL_WORDS:
            raise ValidationError({"kind": _("Cột “Loại” ghi “Tập thể” hoặc “Cá nhân”.")})
        try:
            position = ChoiceWidget(Position, required=True, aliases=POSITION_ALIASES).clean(
                row.get("Chức vụ")
            )
        except ValueError as exc:
            raise ValidationError({"position": str(exc)}) from exc
        identifier = TextWidget().clean(row.get("Mã định danh"))
        people = Person.objects.filter(unit=unit)
        person = (
            people.filter(identifier=identifier).first()
            if identifier
            else next((p for p in people if fold(p.full_name) == fold(name)), None)
        )
        if person is None:
            if not name:
                raise ValidationError({"name": _("Hãy ghi họ và tên.")})
            person = person_create(
                actor=self.actor,
                unit=unit,
                full_name=name,
                position=position,
                identifier=identifier,
                phone=PhoneWidget().clean(row.get("Điện thoại")),
            )
        return CATEGORY_OF_POSITION[Position(position)], {"person": person}

    def _title(self, row, category):
        try:
            title = TitleWidget().clean(row.get("Danh hiệu"))
        except ValueError as exc:
            raise ValidationError({"title": str(exc)}) from exc
        titles = [t for t in self.campaign.titles.all() if t.fits(category)]
        if title is None and titles:
            return titles[0]
        if title not in titles:
            raise ValidationError(
                {"title": _("Phong trào không đề nghị danh hiệu này cho đối tượng của dòng.")}
            )
        return title

    def get_or_init_instance(self, instance_loader, row):
        category, nominee = self._nominee(row)
        if category not in self.campaign.categories:
            raise ValidationError({"kind": _("Phong trào không nhận đối tượng này.")})
        existing = (
            Nomination.objects.filter(
                round=self.round,
                nominee_key=nominee_key(
                    person=nominee.get("person"), unit=nominee.get("nominee_unit")
                ),
            )
            .exclude(state=State.WITHDRAWN)
            .first()
        )
        if existing is not None:
            return existing, False
        instance = Nomination(round=self.round)
        instance._plan = {"category": category, "title": self._title(row, category), **nominee}
        return instance, True

    def import_instance(self, instance, row, **kwargs):
        """Nothing to copy onto the model: the service builds the dossier."""

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return not instance._state.adding  # already has a dossier in this round

    def save_instance(self, instance, is_create, row, **kwargs):
        plan = instance._plan
        try:
            created = nomination_create(
                actor=self.actor,
                campaign=self.campaign,
                round_=self.round,
                nominating_unit=self.unit,
                **plan,
            )
        except PermissionDenied as exc:
            raise ValidationError(_("Bạn không lập hồ sơ được cho đơn vị này.")) from exc
        instance.pk = created.pk

    def save_m2m(self, instance, row, **kwargs):
        """No many-to-many data."""


def registration_context(request) -> dict:
    """The campaign and round named in the page's query, for the user's acting unit."""
    membership = active_membership(request)
    unit = membership.unit if membership else None
    campaign = (
        campaigns_visible_to(request.user)
        .filter(code=request.GET.get("phong_trao", ""), status=CampaignStatus.OPEN)
        .first()
    )
    round_pk = query_int(request.GET.get("dot"))  # not a number: no such round
    round_ = campaign.rounds.filter(pk=round_pk).first() if campaign and round_pk else None
    if (
        unit is None
        or campaign is None
        or round_ is None
        or not unit.path.startswith(campaign.owner_unit.path)
        or not edits_for_unit.test(request.user, unit)
    ):
        raise ImportFileError(
            _(
                "Hãy mở trang nhập từ một phong trào đang mở, đúng đợt xét, với "
                "vai trò lập hồ sơ của đơn vị."
            )
        )
    return {"campaign_id": campaign.pk, "round_id": round_.pk, "unit_id": unit.pk}


def describe(context) -> str:
    campaign = Campaign.objects.get(pk=context["campaign_id"])
    round_ = Round.objects.get(pk=context["round_id"])
    unit = Unit.objects.get(pk=context["unit_id"])
    return _("Tạo hồ sơ nháp trong “%(c)s”, %(r)s, cho %(u)s.") % {
        "c": campaign.name,
        "r": round_.name,
        "u": unit.name,
    }


register(
    Importer(
        kind="registration",
        title=gettext_lazy("Danh sách giới thiệu, đăng ký (tạo hồ sơ nháp)"),
        permission="nominations.import_registration",
        resource_factory=lambda actor, **context: RegistrationResource(actor=actor, **context),
        required_columns=("Loại", "Tên tập thể hoặc họ và tên", "Mã đơn vị"),
        optional_columns=("Chức vụ", "Mã định danh", "Địa chỉ", "Điện thoại", "Danh hiệu"),
        sample_rows=(
            ("Tập thể", "Trường THPT Sơn Trà", "DN-THPT001", "", "", "Đà Nẵng", "02363111222", ""),
            ("Cá nhân", "Nguyễn Thị Ánh", "DN-THPT001", "GV", "", "", "0905123456", ""),
        ),
        context_from=registration_context,
        describe=describe,
    )
)
