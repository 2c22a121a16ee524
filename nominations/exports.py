"""Spreadsheet exports of dossier lists (Vietnamese column headings, formula-safe through
core.exports). The rows are whatever the page shows: same filters, same scope."""

from import_export import fields, resources

from core.widgets import TextWidget

from .models import Nomination


def _column(name, method):
    return fields.Field(column_name=name, dehydrate_method=method, widget=TextWidget())


class NominationResource(resources.ModelResource):
    nominee = _column("Cá nhân, tập thể", "nominee_of")
    kind = _column("Loại", "kind_of")
    position = _column("Chức vụ", "position_of")
    nominating_unit = _column("Đơn vị đề nghị", "nominating_unit_of")
    title = _column("Danh hiệu đề nghị", "title_of")
    campaign = _column("Phong trào", "campaign_of")
    round = _column("Đợt", "round_of")
    state = _column("Trạng thái", "state_of")
    current_unit = _column("Đơn vị đang giữ", "current_unit_of")
    eligibility = _column("Điều kiện", "eligibility_of")
    score = _column("Điểm", "score_of")
    decision = _column("Quyết định", "decision_of")

    class Meta:
        model = Nomination
        fields = [
            "nominee",
            "kind",
            "position",
            "nominating_unit",
            "title",
            "campaign",
            "round",
            "state",
            "current_unit",
            "eligibility",
            "score",
            "decision",
        ]
        export_order = fields

    def nominee_of(self, n):
        return str(n.nominee)

    def kind_of(self, n):
        return "Tập thể" if n.is_collective else "Cá nhân"

    def position_of(self, n):
        return n.nominee_person.get_position_display() if n.nominee_person_id else ""

    def nominating_unit_of(self, n):
        return n.nominating_unit.name

    def title_of(self, n):
        return n.title.name

    def campaign_of(self, n):
        return n.campaign.name

    def round_of(self, n):
        return n.round.name

    def state_of(self, n):
        return str(n.get_state_display())

    def current_unit_of(self, n):
        return n.current_unit.name

    def eligibility_of(self, n):
        return str(n.get_eligibility_display())

    def score_of(self, n):
        return "" if n.score is None else str(n.score)

    def decision_of(self, n):
        if not n.decision_id:
            return ""
        return f"{n.decision.number} ngày {n.decision.signed_on:%d/%m/%Y}"
