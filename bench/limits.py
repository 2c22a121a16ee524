"""Limit views: what each main page would cost with nothing of ours around it.

For every main page, the same rows (same filters, same page size, the same visibility for the
same user as far as one hand-written SQL query allows) fetched with ONE query (plus the count
where the page shows one) and rendered by a bare template; and a trivial view, the framework's
ceiling through the same middleware. Served by `bench/urls.py` under `/_bench/`, so the in-process
measure (`bench/pages.py`) and gunicorn under load (`bench/load.py`) reach them alike. Views
behind a login on the real page are behind the same session login here.

Visibility in SQL (`nominations.selectors.nominations_visible_to`): a dossier is visible when a
unit the user holds a live role at is on its chain at a position the dossier has reached, or the
nominating unit is that unit itself (never a unit above it). The acting
unit of a list or queue is the user's first membership by unit path and role (the unit switcher's
default; bench users never switch).
"""

# The SQL below is assembled from constant fragments only; every value is a bound parameter.
# ruff: noqa: S608

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpResponse
from django.template import engines

from core.text import fold

# --- bare templates -----------------------------------------------------------------------------
_engine = engines["django"]
BARE = _engine.from_string(
    "<ul>{% for r in rows %}<li>{{ r.0 }} · {{ r.1 }} · {{ r.2 }} · {{ r.3 }}</li>{% endfor %}"
    "</ul><p>{{ total }}</p>"
)
TABLE = _engine.from_string(
    "<!doctype html><title>limit</title>{% for h in head %}<p>{% for c in h %}{{ c }} {% endfor %}"
    "</p>{% endfor %}<table>{% for r in rows %}<tr>{% for c in r %}<td>{{ c }}"
    "</td>{% endfor %}</tr>{% endfor %}</table>{% if total is not None %}<p>{{ total }}</p>"
    "{% endif %}"
)

# --- SQL ----------------------------------------------------------------------------------------
# The public honour board (reporting.honours): the first page of 24 recognised exemplars, newest
# decision first, and their count. `{where}` adds a search or one exemplar.
HONOUR_PAGE_SQL = """
SELECT COALESCE(p.full_name, nu.name), u.name, t.name, d.number
FROM nominations_nomination n
JOIN units_unit u ON u.id = n.nominating_unit_id
JOIN criteria_title t ON t.id = n.title_id
LEFT JOIN units_person p ON p.id = n.nominee_person_id
LEFT JOIN units_unit nu ON nu.id = n.nominee_unit_id
LEFT JOIN nominations_decision d ON d.id = n.decision_id
WHERE n.state = 'recognised' {where}
ORDER BY d.signed_on DESC, n.id DESC LIMIT 24
"""
HONOUR_COUNT_SQL = (
    "SELECT count(*) FROM nominations_nomination n WHERE n.state = 'recognised' {where}"
)

# The user's live roles, and the acting unit (first membership by unit path, then role).
_OWN = """own AS (
  SELECT u.id, u.path, m.role FROM units_membership m JOIN units_unit u ON u.id = m.unit_id
  WHERE m.user_id = %(user)s AND m.is_active
), acting AS (
  SELECT id, path FROM own {acting_filter} ORDER BY path, role LIMIT 1
)"""
# `n` is the dossier, `nu` its nominating unit.
_VISIBLE = """(
  n.id IN (
    SELECT cs.nomination_id FROM nominations_chainstep cs
    JOIN units_unit cu ON cu.id = cs.unit_id
    JOIN nominations_nomination cn ON cn.id = cs.nomination_id
    WHERE cu.path IN (SELECT path FROM own) AND cs.position <= cn.max_position
  )
  OR nu.path IN (SELECT path FROM own)
)"""
_DUPLICATE = """EXISTS (
  SELECT 1 FROM nominations_nomination o
  WHERE o.round_id = n.round_id AND o.nominee_key = n.nominee_key AND o.id <> n.id
    AND o.state <> 'withdrawn'
)"""
_NOMINEE_JOINS = """
JOIN units_unit nu ON nu.id = n.nominating_unit_id
LEFT JOIN units_person p ON p.id = n.nominee_person_id
LEFT JOIN units_unit nee ON nee.id = n.nominee_unit_id
"""

# nominations:list: the acting unit's subtree's dossiers, 50 a page, last changed first, and
# their count (the paginator's).
_LIST_WHERE = f"WHERE nu.path LIKE (SELECT path FROM acting) || '%%' AND {_VISIBLE}"
LIST_SQL = f"""
WITH {_OWN.format(acting_filter="")}
SELECT n.id, COALESCE(p.full_name, nee.name), nu.name, t.name, r.name, c.code, n.state,
  cu.name, {_DUPLICATE}
FROM nominations_nomination n {_NOMINEE_JOINS}
JOIN criteria_title t ON t.id = n.title_id
JOIN campaigns_round r ON r.id = n.round_id
JOIN campaigns_campaign c ON c.id = n.campaign_id
JOIN units_unit cu ON cu.id = n.current_unit_id
{_LIST_WHERE}
ORDER BY n.updated_at DESC, n.id DESC LIMIT 50
"""
LIST_COUNT_SQL = f"""
WITH {_OWN.format(acting_filter="")}
SELECT count(*) FROM nominations_nomination n
JOIN units_unit nu ON nu.id = n.nominating_unit_id
{_LIST_WHERE}
"""

# nominations:queue: what waits under review at the acting unit (where the user is an approver),
# best score first, 50 a page, and their count (the page says "showing 1–50 of N" and offers the
# bulk actions over all N).
_QUEUE_WHERE = f"""WHERE n.current_unit_id = (SELECT id FROM acting) AND n.state = 'under_review'
  AND {_VISIBLE}"""
QUEUE_COUNT_SQL = f"""
WITH {_OWN.format(acting_filter="WHERE role = 'approver'")}
SELECT count(*) FROM nominations_nomination n
JOIN units_unit nu ON nu.id = n.nominating_unit_id
{_QUEUE_WHERE}
"""
QUEUE_SQL = f"""
WITH {_OWN.format(acting_filter="WHERE role = 'approver'")}
SELECT n.id, COALESCE(p.full_name, nee.name), r.name, n.category, nu.name, t.name,
  n.eligibility, n.score, {_DUPLICATE}
FROM nominations_nomination n {_NOMINEE_JOINS}
JOIN criteria_title t ON t.id = n.title_id
JOIN campaigns_round r ON r.id = n.round_id
{_QUEUE_WHERE}
ORDER BY n.score DESC NULLS LAST, n.id LIMIT 50
"""

# ...and the queue's first lines, one per round through the acting unit: its deadline (the
# extension granted to it, else its level's), its quota for all categories and how many of the
# round's dossiers count against it (sent up and not withdrawn or refused: the dashboard's rule).
QUEUE_HEADLINE_SQL = f"""
WITH {_OWN.format(acting_filter="WHERE role = 'approver'")},
unit AS (SELECT u.id, u.level FROM units_unit u WHERE u.id = (SELECT id FROM acting))
SELECT r.id, r.name, c.code,
  COALESCE(
    (SELECT max(e.deadline) FROM campaigns_extension e
     WHERE e.round_id = r.id AND e.unit_id = (SELECT id FROM unit)),
    (SELECT d.deadline FROM campaigns_rounddeadline d
     WHERE d.round_id = r.id AND d.level = (SELECT level FROM unit))
  ),
  q.max_forward,
  CASE WHEN q.id IS NULL THEN NULL ELSE (
    SELECT count(*) FROM nominations_chainstep s
    JOIN nominations_nomination n ON n.id = s.nomination_id
    WHERE s.unit_id = (SELECT id FROM unit) AND n.round_id = r.id AND n.position > s.position
      AND n.state IN ('under_review', 'approved', 'recognised')
  ) END
FROM campaigns_round r
JOIN campaigns_campaign c ON c.id = r.campaign_id
LEFT JOIN campaigns_quota q
  ON q.round_id = r.id AND q.level = (SELECT level FROM unit) AND q.category = ''
WHERE r.id IN (
  SELECT n.round_id FROM nominations_chainstep s
  JOIN nominations_nomination n ON n.id = s.nomination_id
  WHERE s.unit_id = (SELECT id FROM unit)
)
ORDER BY r.campaign_id, r.opens_on, r.id
"""

# units:person_list: the people of the units whose subtrees the user reaches, by name, 50 a page,
# and their count; `{where}` adds the search (every folded word in the folded name).
_PEOPLE_FROM = """FROM units_person p JOIN units_unit u ON u.id = p.unit_id
WHERE EXISTS (
  SELECT 1 FROM units_membership m JOIN units_unit mu ON mu.id = m.unit_id
  WHERE m.user_id = %(user)s AND m.is_active AND u.path LIKE mu.path || '%%'
) {where}"""
PEOPLE_SQL = f"""
SELECT p.id, p.full_name, p.position, u.name, p.identifier, p.is_active {_PEOPLE_FROM}
ORDER BY p.full_name, p.id LIMIT 50
"""
PEOPLE_COUNT_SQL = f"SELECT count(*) {_PEOPLE_FROM}"

# units:unit_list: the units the user reaches, in tree order, 50 a page, and their count.
_UNITS_FROM = """FROM units_unit u
WHERE EXISTS (
  SELECT 1 FROM units_membership m JOIN units_unit mu ON mu.id = m.unit_id
  WHERE m.user_id = %(user)s AND m.is_active AND u.path LIKE mu.path || '%%'
) {where}"""
UNITS_SQL = f"""
SELECT u.id, u.name, u.code, u.level, u.school_type, u.valid_from, u.valid_to, u.depth
{_UNITS_FROM}
ORDER BY u.path LIMIT 50
"""
UNITS_COUNT_SQL = f"SELECT count(*) {_UNITS_FROM}"

# nominations:detail: the dossier (if visible) and, in a second query, the lists the page shows:
# chain, works, self-assessment, evidence, timeline.
DETAIL_SQL = f"""
WITH {_OWN.format(acting_filter="")}
SELECT n.id, COALESCE(p.full_name, nee.name), nu.name, t.name, r.name, c.name, n.state,
  cu.name, du.name, n.achievement_summary, n.summary_words, n.cv, n.video_links, n.score,
  n.eligibility, n.version
FROM nominations_nomination n {_NOMINEE_JOINS}
JOIN criteria_title t ON t.id = n.title_id
JOIN campaigns_round r ON r.id = n.round_id
JOIN campaigns_campaign c ON c.id = n.campaign_id
JOIN units_unit cu ON cu.id = n.current_unit_id
JOIN units_unit du ON du.id = n.deciding_unit_id
WHERE n.id = %(pk)s AND {_VISIBLE}
"""
DETAIL_LISTS_SQL = """
SELECT 1, s.position, u.name, '', '' FROM nominations_chainstep s
JOIN units_unit u ON u.id = s.unit_id WHERE s.nomination_id = %(pk)s
UNION ALL
SELECT 2, w."order", w.name, w.results, '' FROM nominations_modelwork w
WHERE w.nomination_id = %(pk)s
UNION ALL
SELECT 3, k."order", k.text, a.explanation,
  CASE WHEN a.met THEN 'yes' WHEN NOT a.met THEN 'no' ELSE '' END FROM nominations_assessment a
JOIN criteria_criterion k ON k.id = a.criterion_id WHERE a.nomination_id = %(pk)s
UNION ALL
SELECT 4, e.id, e.original_name, e.content_type, '' FROM nominations_evidence e
WHERE e.nomination_id = %(pk)s
UNION ALL
SELECT 5, v.id, v.kind, COALESCE(us.full_name, ''), CAST(v.created_at AS VARCHAR(40))
FROM nominations_nominationevent v
LEFT JOIN units_user us ON us.id = v.actor_id WHERE v.nomination_id = %(pk)s
ORDER BY 1, 2
"""

# reporting:dashboard for a unit, a campaign and a round (reporting.dashboards): counts by
# state x level x category x title of the visible dossiers nominated in the unit's subtree
# ('b'), the trend per round of the campaign ('t'), and the completion table: per unit directly
# below (and the unit itself), dossiers sent up, counting against its quota, waiting there ('c').
DASHBOARD_SQL = f"""
WITH {_OWN.format(acting_filter="")},
unit AS (SELECT id, path, depth FROM units_unit WHERE id = %(unit)s),
vis AS (
  SELECT n.* FROM nominations_nomination n JOIN units_unit nu ON nu.id = n.nominating_unit_id
  WHERE n.campaign_id = %(campaign)s AND {_VISIBLE}
)
SELECT 'b', n.state, cu.level, n.category, t.name, count(*), 0, 0
FROM vis n JOIN units_unit nu ON nu.id = n.nominating_unit_id
JOIN units_unit cu ON cu.id = n.current_unit_id JOIN criteria_title t ON t.id = n.title_id
WHERE n.round_id = %(round)s AND nu.path LIKE (SELECT path FROM unit) || '%%'
GROUP BY n.state, cu.level, n.category, t.name
UNION ALL
SELECT 't', r.name, '', '', '', count(n.id),
  sum(CASE WHEN n.max_position >= 1 AND n.state <> 'withdrawn' THEN 1 ELSE 0 END),
  sum(CASE WHEN n.state = 'recognised' THEN 1 ELSE 0 END)
FROM campaigns_round r LEFT JOIN (
  SELECT n.* FROM vis n JOIN units_unit nu ON nu.id = n.nominating_unit_id
  WHERE nu.path LIKE (SELECT path FROM unit) || '%%'
) n ON n.round_id = r.id
WHERE r.campaign_id = %(campaign)s
GROUP BY r.id, r.name
UNION ALL
SELECT 'c', u.code, u.name, n.category, u.level,
  sum(CASE WHEN s.position < n.max_position AND n.state <> 'withdrawn' THEN 1 ELSE 0 END),
  sum(CASE WHEN n.state IN ('under_review', 'approved', 'recognised')
    AND n.position > s.position THEN 1 ELSE 0 END),
  sum(CASE WHEN n.state = 'under_review' AND n.current_unit_id = u.id THEN 1 ELSE 0 END)
FROM units_unit u
LEFT JOIN (
  nominations_chainstep s JOIN vis n ON n.id = s.nomination_id AND n.round_id = %(round)s
) ON s.unit_id = u.id
WHERE u.id = %(unit)s OR (
  u.path LIKE (SELECT path FROM unit) || '%%' AND u.depth = (SELECT depth FROM unit) + 1
  AND u.level <> 'subunit'
  AND (u.valid_to IS NULL
    OR u.valid_to >= (SELECT opens_on FROM campaigns_round WHERE id = %(round)s))
)
GROUP BY u.id, u.code, u.name, n.category, u.level
"""


def _sql(sql: str, user) -> str:
    """A system administrator sees every dossier: the visibility clause becomes true."""
    return sql.replace(_VISIBLE, "(1 = 1)") if user.is_superuser else sql


def _fetch(sql, params, *, one=False):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() if one else cursor.fetchall()


def _table(rows, total=None, head=()) -> HttpResponse:
    return HttpResponse(TABLE.render({"rows": rows, "total": total, "head": head}))


# --- the views ----------------------------------------------------------------------------------
def trivial(request):
    """The framework's ceiling: the whole middleware stack, no query of ours, no template."""
    return HttpResponse("<!doctype html><title>ok</title><p>ok</p>")


@login_required
def trivial_login(request):
    """The ceiling of a page behind the login: the session and the user are loaded, nothing
    else."""
    return HttpResponse(f"<!doctype html><title>ok</title><p>{request.user.pk}</p>")


def honour_rows(where: str = "", params=()):
    with connection.cursor() as cursor:
        cursor.execute(HONOUR_COUNT_SQL.format(where=where), params)
        total = cursor.fetchone()[0]
        cursor.execute(HONOUR_PAGE_SQL.format(where=where), params)
        return total, cursor.fetchall()


def honour_render(where: str = "", params=()) -> str:
    total, rows = honour_rows(where, params)
    return BARE.render({"rows": rows, "total": total})


def honour(request):
    """The honour board's first page (`?q=` searches the folded name and unit, like the board)."""
    q = request.GET.get("q", "").strip()[:100]
    if q:
        return HttpResponse(honour_render("AND n.search_text LIKE %s", [f"%{q.lower()}%"]))
    return HttpResponse(honour_render())


@login_required
def nomination_list(request):
    params = {"user": request.user.pk}
    total = _fetch(_sql(LIST_COUNT_SQL, request.user), params, one=True)[0]
    return _table(_fetch(_sql(LIST_SQL, request.user), params), total)


@login_required
def queue(request):
    params = {"user": request.user.pk}
    total = _fetch(_sql(QUEUE_COUNT_SQL, request.user), params, one=True)[0]
    headline = _fetch(QUEUE_HEADLINE_SQL, params)
    return _table(_fetch(_sql(QUEUE_SQL, request.user), params), total, headline)


def _search(request, column):
    """`?q=`: every folded word in `column` (the lists' search, core.lists.folded_search_q)."""
    words = fold(request.GET.get("q", "")).split()[:8]
    where = "".join(f" AND {column} LIKE %(w{i})s" for i in range(len(words)))
    return where, {f"w{i}": f"%{w}%" for i, w in enumerate(words)}


@login_required
def people(request):
    where, params = _search(request, "p.name_key")
    params["user"] = request.user.pk
    total = _fetch(PEOPLE_COUNT_SQL.format(where=where), params, one=True)[0]
    return _table(_fetch(PEOPLE_SQL.format(where=where), params), total)


@login_required
def units(request):
    where, params = _search(request, "u.name_key")
    params["user"] = request.user.pk
    total = _fetch(UNITS_COUNT_SQL.format(where=where), params, one=True)[0]
    return _table(_fetch(UNITS_SQL.format(where=where), params), total)


@login_required
def detail(request, pk: int):
    params = {"user": request.user.pk, "pk": pk}
    row = _fetch(_sql(DETAIL_SQL, request.user), params, one=True)
    if row is None:
        raise Http404
    return _table([row, *_fetch(DETAIL_LISTS_SQL, {"pk": pk})])


@login_required
def dashboard(request):
    """`?unit=<id>&campaign=<id>&round=<id>`: the bench passes what the real page chose."""
    try:
        params = {k: int(request.GET[k]) for k in ("unit", "campaign", "round")}
    except (KeyError, ValueError) as exc:
        raise Http404 from exc
    params["user"] = request.user.pk
    return _table(_fetch(_sql(DASHBOARD_SQL, request.user), params))


VIEWS = {
    "list": nomination_list,
    "queue": queue,
    "people": people,
    "units": units,
    "dashboard": dashboard,
    "honour": honour,
}
