"""Importing a unit's registration / introduction list (seed 002's template).

The list is read as schools send it: a title block, a "1. TẬP THỂ" section (school, address,
phone) and a "2. CÁ NHÂN" section (name, position, unit, phone), each under its own heading row,
and notes below (core.imports finds the heading rows). Each row names a collective (by unit code
or its name) or a person (by identifier, or by name within the named unit; a person not yet on
the staff list is added).

What the rows become depends on what the list is, and its title says so: a list titled as a
registration ("DANH SÁCH ... ĐĂNG KÝ ...", seed 002, sent in the registration window) becomes the
campaign's registrations (`campaigns.services.registration_create`, shown on the registration
page); any other list (a proposal, "DANH SÁCH ĐỀ NGHỊ ...", or a plain table without a title)
becomes draft dossiers in the round the import page was opened for, through `nomination_create`,
so the same checks apply as in the browser. The preview says which, and why. A nominee already
registered for that title, or with a dossier in the round, is skipped.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources

from campaigns.enums import CampaignStatus
from campaigns.models import Campaign, Registration, Round
from campaigns.selectors import campaigns_visible_to
from campaigns.services import registration_create
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
COLLECTIVE_WORDS = {"tap the", "collective"}  # folded
INDIVIDUAL_WORDS = {"ca nhan", "individual"}
# What a list is, from the folded words of its title.
REGISTRATIONS = "registrations"
DOSSIERS = "dossiers"
REGISTRATION_TITLE_WORDS = ("dang ky",)


def _column(name):
    return fields.Field(column_name=name, widget=TextWidget())


class RegistrationResource(resources.ModelResource):
    kind = _column("Loại")
    name = _column("Tên tập thể hoặc họ và tên")
    position = _column("Chức vụ")
    unit_code = _column("Mã đơn vị")
    unit_name = _column("Tên đơn vị")
    identifier = _column("Mã định danh")
    address = _column("Địa chỉ")
    phone = fields.Field(column_name="Điện thoại", widget=PhoneWidget())
    title = _column("Danh hiệu")

    class Meta:
        model = Nomination
        fields = [
            "kind",
            "name",
            "position",
            "unit_code",
            "unit_name",
            "identifier",
            "address",
            "phone",
            "title",
        ]
        skip_diff = True

    def __init__(
        self, *, actor, campaign_id, round_id, unit_id, mode=DOSSIERS, list_title="", **kwargs
    ):
        super().__init__(**kwargs)
        self.actor = actor
        self.campaign = Campaign.objects.get(pk=campaign_id)
        self.round = Round.objects.get(pk=round_id)
        self.unit = Unit.objects.get(pk=unit_id)
        self.mode = mode
        self._names = None

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

    def _units_by_name(self) -> dict[str, list[Unit]]:
        # The units of the importing unit's subtree by folded name, read once per file.
        if self._names is None:
            self._names = {}
            for unit in Unit.objects.filter(path__startswith=self.unit.path):
                self._names.setdefault(fold(unit.name), []).append(unit)
        return self._names

    def _unit_named(self, text, *, field):
        """The unit a list names the way schools write it: "Trường THCS Chu Văn An" or with its
        place after a comma ("Trường THCS Chu Văn An, huyện Mang Yang")."""
        names = self._units_by_name()
        parts = [p.strip() for p in text.split(",")]
        for end in range(len(parts), 0, -1):
            found = names.get(fold(", ".join(parts[:end])))
            if found:
                if len(found) > 1:
                    raise ValidationError(
                        {
                            field: _(
                                "Có %(n)s đơn vị tên “%(name)s”; hãy ghi thêm cột “Mã đơn vị”."
                            )
                            % {"n": len(found), "name": text}
                        }
                    )
                return found[0]
        raise ValidationError(
            {
                field: _("Không tìm thấy đơn vị tên “%(name)s” trong %(unit)s.")
                % {"name": text, "unit": self.unit.name}
            }
        )

    def _row_unit(self, row, *, collective: bool):
        code = TextWidget().clean(row.get("Mã đơn vị"))
        if code:
            return self._unit(code)
        unit_name = TextWidget().clean(row.get("Tên đơn vị"))
        if unit_name:
            return self._unit_named(unit_name, field="unit_name")
        name = TextWidget().clean(row.get("Tên tập thể hoặc họ và tên"))
        if collective and name:
            return self._unit_named(name, field="name")
        raise ValidationError({"unit_name": _("Hãy ghi đơn vị (tên hoặc mã đơn vị).")})

    def _kind(self, row) -> str:
        kind = fold(TextWidget().clean(row.get("Loại")))
        if kind in COLLECTIVE_WORDS:
            return "collective"
        if kind in INDIVIDUAL_WORDS:
            return "individual"
        raise ValidationError({"kind": _("Cột “Loại” ghi “Tập thể” hoặc “Cá nhân”.")})

    def _position(self, row):
        try:
            return ChoiceWidget(Position, required=True, aliases=POSITION_ALIASES).clean(
                row.get("Chức vụ")
            )
        except ValueError as exc:
            raise ValidationError({"position": str(exc)}) from exc

    def _nominee(self, row):
        name = TextWidget().clean(row.get("Tên tập thể hoặc họ và tên"))
        if self._kind(row) == "collective":
            return "collective", {"nominee_unit": self._row_unit(row, collective=True)}
        unit = self._row_unit(row, collective=False)
        position = self._position(row)
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

    def before_import(self, dataset, **kwargs):
        if self.mode == REGISTRATIONS:
            today = timezone.localdate()
            opens, closes = self.campaign.registration_opens, self.campaign.registration_closes
            if not opens or not (opens <= today <= closes):
                self._closed = True  # said once for the file; its rows are not checked
                raise ValidationError(
                    _(
                        "Đây là danh sách đăng ký thi đua, nhưng hôm nay ngoài thời gian đăng ký "
                        "của phong trào. Không dòng nào được lưu."
                    )
                )

    def get_or_init_instance(self, instance_loader, row):
        if getattr(self, "_closed", False):
            instance = Nomination(round=self.round)
            instance._skip = True
            return instance, True
        category, nominee = self._nominee(row)
        if category not in self.campaign.categories:
            raise ValidationError({"kind": _("Phong trào không nhận đối tượng này.")})
        if self.mode == REGISTRATIONS:
            title = self._title(row, category)
            registered = Registration.objects.filter(
                campaign=self.campaign,
                title=title,
                person=nominee.get("person"),
                nominee_unit=nominee.get("nominee_unit"),
            ).exists()
            instance = Nomination(round=self.round)
            instance._plan = {"title": title, **nominee}
            instance._skip = registered  # already registered for this title
            return instance, True
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
        return (
            getattr(instance, "_skip", False) or not instance._state.adding
        )  # already has a dossier in this round

    def save_instance(self, instance, is_create, row, **kwargs):
        plan = instance._plan
        if self.mode == REGISTRATIONS:
            try:
                registration_create(actor=self.actor, campaign=self.campaign, **plan)
            except PermissionDenied as exc:
                raise ValidationError(_("Bạn không đăng ký được cho đơn vị này.")) from exc
            return
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

    def preview_row(self, row) -> dict[str, str]:
        """What the row will store, as the clerk should check it: the name as it will be
        written (NFC, from decomposed or legacy-encoded text), the unit the name or code was
        matched to, the position and phone as read, and the title. Keyed by the file's column
        names, which stay Vietnamese in both languages."""
        kind = self._kind(row)
        name = TextWidget().clean(row.get("Tên tập thể hoặc họ và tên"))
        unit = self._row_unit(row, collective=kind == "collective")
        category, position = "collective", ""
        if kind == "individual":
            code = Position(self._position(row))
            category = CATEGORY_OF_POSITION[code]
            with translation.override("vi"):
                position = str(code.label)
        title = self._title(row, category)
        return {
            "Loại": "Tập thể" if kind == "collective" else "Cá nhân",
            "Tên tập thể hoặc họ và tên": unit.name if kind == "collective" else name,
            "Tên đơn vị": f"{unit.name} ({unit.code})",
            "Chức vụ": position,
            "Điện thoại": PhoneWidget().clean(row.get("Điện thoại")),
            "Danh hiệu": title.name if title else "",
        }


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


def plan(dataset, context) -> dict:
    """What the list is, from its title: a registration list ("... ĐĂNG KÝ ...") becomes
    registrations, anything else draft dossiers."""
    title = getattr(dataset, "list_title", "") or ""
    folded = fold(title)
    mode = REGISTRATIONS if any(w in folded for w in REGISTRATION_TITLE_WORDS) else DOSSIERS
    return {"mode": mode, "list_title": title[:300]}


def _short(context, limit=90) -> str:
    """The list's title as far as it tells what the list is (the title block runs on)."""
    title = context.get("list_title") or ""
    if len(title) <= limit:
        return title
    return title[:limit].rsplit(" ", 1)[0] + "…"


def describe(context) -> str:
    campaign = Campaign.objects.get(pk=context["campaign_id"])
    round_ = Round.objects.get(pk=context["round_id"])
    unit = Unit.objects.get(pk=context["unit_id"])
    names = {"c": campaign.name, "r": round_.name, "u": unit.name, "t": _short(context)}
    if context.get("mode") == REGISTRATIONS:
        return (
            _(
                "Tiêu đề tệp “%(t)s” cho biết đây là danh sách đăng ký thi đua: mỗi dòng được ghi "
                "thành một lượt đăng ký của %(u)s trong “%(c)s” (trang Đăng ký thi đua), không "
                "tạo hồ sơ."
            )
            % names
        )
    if context.get("list_title"):
        return (
            _(
                "Tiêu đề tệp “%(t)s” không phải danh sách đăng ký: mỗi dòng thành một hồ sơ nháp "
                "trong “%(c)s”, %(r)s, cho %(u)s."
            )
            % names
        )
    if "mode" in context:
        return _("Tạo hồ sơ nháp trong “%(c)s”, %(r)s, cho %(u)s.") % names
    return (
        _(
            "Tạo hồ sơ nháp trong “%(c)s”, %(r)s, cho %(u)s. Danh sách có tiêu đề “đăng ký” "
            "(như mẫu của Sở) được ghi thành đăng ký thi đua thay vì hồ sơ."
        )
        % names
    )


register(
    Importer(
        kind="registration",
        title=gettext_lazy("Danh sách giới thiệu, đăng ký"),
        permission="nominations.import_registration",
        resource_factory=lambda actor, **context: RegistrationResource(actor=actor, **context),
        required_columns=("Loại", "Tên tập thể hoặc họ và tên"),
        optional_columns=(
            "Mã đơn vị",
            "Chức vụ",
            "Mã định danh",
            "Địa chỉ",
            "Điện thoại",
            "Danh hiệu",
            "Tên đơn vị",
        ),
        sample_rows=(
            (
                "Tập thể",
                "Trường THPT Sơn Trà",
                "DN-THPT001",
                "",
                "",
                "Đà Nẵng",
                "02363111222",
                "",
                "",
            ),
            ("Cá nhân", "Nguyễn Thị Ánh", "DN-THPT001", "GV", "", "", "0905123456", "", ""),
        ),
        context_from=registration_context,
        describe=describe,
        plan=plan,
        section_column="Loại",
        # The headings of seed 002's annex and of the lists schools keep.
        aliases={
            "Đối tượng": "Loại",
            "Trường": "Tên tập thể hoặc họ và tên",
            "Tên trường": "Tên tập thể hoặc họ và tên",
            "Tên tập thể": "Tên tập thể hoặc họ và tên",
            "Họ và tên": "Tên tập thể hoặc họ và tên",
            "Họ tên": "Tên tập thể hoặc họ và tên",
            "Chức danh": "Chức vụ",
            "Đơn vị": "Tên đơn vị",
            "Đơn vị công tác": "Tên đơn vị",
            "Số điện thoại": "Điện thoại",
            "Số điện thoại liên hệ": "Điện thoại",
            "Điện thoại liên hệ": "Điện thoại",
        },
    )
)
