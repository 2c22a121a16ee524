"""What each rule type's parameters must look like, checked before a version is saved and again
before it is evaluated.

An administrator types the parameters as JSON in the portal; a typo (`"years": 0`, a missing
`"title"`, a rating that does not exist) used to crash the evaluator. `params_problems()` lists
every problem in Vietnamese, so the admin form refuses the version, and the evaluator answers
"cannot be evaluated" with the same sentences for a version saved before this check existed.
Hand-written rather than a JSON-Schema library: eleven small shapes, and the messages must name
the field in the administrator's words.
"""

from django.utils.translation import gettext as _

from .enums import DisciplineLevel, Rating, RecognitionScope, RecordKind, RuleType


def _int(params, key, *, minimum, required=True, problems):
    if key not in params:
        if required:
            problems.append(_("Thiếu tham số “%(key)s”.") % {"key": key})
        return
    value = params[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        problems.append(
            _("Tham số “%(key)s” phải là số nguyên từ %(min)s trở lên (đang là %(value)s).")
            % {"key": key, "min": minimum, "value": value}
        )


def _choice(params, key, choices, *, required=True, problems):
    if key not in params:
        if required:
            problems.append(_("Thiếu tham số “%(key)s”.") % {"key": key})
        return
    if params[key] not in choices.values:
        problems.append(
            _("Tham số “%(key)s” phải là một trong: %(values)s (đang là %(value)s).")
            % {"key": key, "values": ", ".join(choices.values), "value": params[key]}
        )


def _title(params, problems, *, title_codes=None, required=True):
    code = params.get("title")
    if not code:
        if required:
            problems.append(_("Thiếu tham số “%(key)s”.") % {"key": "title"})
        return
    if not isinstance(code, str):
        problems.append(_("Tham số “title” phải là mã danh hiệu."))
    elif title_codes is not None and code not in title_codes:
        problems.append(_("Không có danh hiệu mã “%(code)s” trong danh mục.") % {"code": code})


def _percent(params, problems):
    value = params.get("min_percent")
    if value is None:
        problems.append(_("Thiếu tham số “%(key)s”.") % {"key": "min_percent"})
    elif isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 100:
        problems.append(
            _("Tham số “min_percent” phải là số trong khoảng (0, 100] (đang là %(value)s).")
            % {"value": value}
        )


def _title_or_rating(params, problems, title_codes):
    if params.get("title"):
        _title(params, problems, title_codes=title_codes)
    elif "rating" in params:
        _choice(params, "rating", Rating, problems=problems)
    else:
        problems.append(_("Cần “title” (mã danh hiệu) hoặc “rating” (mức xếp loại)."))


def params_problems(rule_type, params, *, title_codes=None, depth=0) -> list[str]:
    """Every problem with `params` for `rule_type`; empty when they can be evaluated.
    `title_codes` (the catalogue's codes) also checks that named titles exist."""
    problems: list[str] = []
    if not isinstance(params, dict):
        return [_('Tham số phải là một đối tượng JSON, ví dụ {"years": 3}.')]
    try:
        kind = RuleType(rule_type)
    except ValueError:
        return [_("Loại điều kiện “%(type)s” không tồn tại.") % {"type": rule_type}]
    p = params
    if kind == RuleType.CONSECUTIVE_TITLE:
        _title(p, problems, title_codes=title_codes)
        _int(p, "years", minimum=1, problems=problems)
        _int(p, "until_offset", minimum=0, required=False, problems=problems)
    elif kind == RuleType.TITLE_IN_YEAR:
        _title(p, problems, title_codes=title_codes)
        _int(p, "year_offset", minimum=0, required=False, problems=problems)
    elif kind == RuleType.TITLE_COUNT:
        _title(p, problems, title_codes=title_codes)
        _int(p, "min_count", minimum=1, problems=problems)
        if not p.get("from_year"):
            _int(p, "years", minimum=1, problems=problems)
    elif kind == RuleType.CONSECUTIVE_AWARDS:
        _title(p, problems, title_codes=title_codes)
        _int(p, "min_count", minimum=2, problems=problems)
        _int(p, "cycle_years", minimum=1, problems=problems)
        _int(p, "years", minimum=1, problems=problems)
    elif kind == RuleType.MIN_RATING:
        _choice(p, "rating", Rating, problems=problems)
        _int(p, "years", minimum=1, required=False, problems=problems)
        _int(p, "year_offset", minimum=0, required=False, problems=problems)
    elif kind == RuleType.MEMBER_SHARE:
        _title_or_rating(p, problems, title_codes)
        _percent(p, problems)
        _int(p, "year_offset", minimum=0, required=False, problems=problems)
    elif kind == RuleType.MEMBER_COUNT:
        _title_or_rating(p, problems, title_codes)
        _int(p, "min_count", minimum=1, problems=problems)
        _int(p, "year_offset", minimum=0, required=False, problems=problems)
    elif kind == RuleType.NO_DISCIPLINE:
        _choice(p, "level", DisciplineLevel, problems=problems)
        _int(p, "years", minimum=1, required=False, problems=problems)
    elif kind == RuleType.INITIATIVE_COUNT:
        _int(p, "min_count", minimum=1, problems=problems)
        _int(p, "years", minimum=1, required=False, problems=problems)
        _choice(p, "min_scope", RecognitionScope, required=False, problems=problems)
        kinds = p.get("kinds")
        allowed = {RecordKind.INITIATIVE, RecordKind.RESEARCH}
        if kinds is not None and (
            not isinstance(kinds, list) or not kinds or not set(kinds) <= allowed
        ):
            problems.append(
                _("Tham số “kinds” phải là danh sách gồm “initiative” và/hoặc “research”.")
            )
    elif kind in (RuleType.ANY_OF, RuleType.ALL_OF):
        subs = p.get("rules")
        if not isinstance(subs, list) or not subs:
            problems.append(_("Cần “rules”: danh sách các điều kiện con."))
        elif depth > 4:
            problems.append(_("Các điều kiện lồng nhau quá sâu."))
        else:
            for number, sub in enumerate(subs, 1):
                if not isinstance(sub, dict) or "type" not in sub:
                    problems.append(
                        _("Điều kiện con %(n)s cần “type” và “params”.") % {"n": number}
                    )
                    continue
                problems += [
                    _("Điều kiện con %(n)s: %(problem)s") % {"n": number, "problem": problem}
                    for problem in params_problems(
                        sub["type"], sub.get("params", {}), title_codes=title_codes, depth=depth + 1
                    )
                ]
    return problems
