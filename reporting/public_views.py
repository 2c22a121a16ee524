"""The public honour board (no login): the list with filters and search, an exemplar's card,
their photo when they agreed to publish it, and Atom feeds overall and per unit."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.pagination import query_int
from core.storage import open_stored
from core.validators import photo_content_type
from units.models import Unit

from . import honours

SHARE_WORDS = 40


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


class HonourBoardView(TemplateView):
    template_name = "reporting/public/honour_board.html"

    def get_context_data(self, **kwargs):
        get = self.request.GET
        filters = honours.Filters(
            q=get.get("q", "").strip()[:100],
            year=query_int(get.get("nam"), minimum=1, maximum=9999),
            campaign=get.get("phong_trao", "")[:64],
            unit=get.get("don_vi", "")[:64],
            category=get.get("doi_tuong", "")[:16],
            title=get.get("danh_hieu", "")[:32],
            sort="name" if get.get("sap_xep") == "ten" else "",
        )
        total, number, exemplars = honours.page(filters, get.get("trang"))
        pages = max((total + honours.PAGE_SIZE - 1) // honours.PAGE_SIZE, 1)
        query = get.copy()
        query.pop("trang", None)
        unit = Unit.objects.filter(code=filters.unit).first() if filters.unit else None
        return super().get_context_data(
            filters=filters,
            facets=honours.facets(),
            exemplars=exemplars,
            total=total,
            number=number,
            previous_page=number - 1 if number > 1 else None,
            next_page=number + 1 if number < pages else None,
            pages=pages,
            first=(number - 1) * honours.PAGE_SIZE + 1,
            last=min(number * honours.PAGE_SIZE, total),
            query=query.urlencode(),
            unit=unit,
            share_image=_absolute(static("img/share.png")),
            page_url=_absolute(self.request.get_full_path()),
            **kwargs,
        )


class ExemplarView(TemplateView):
    template_name = "reporting/public/exemplar.html"

    def get_context_data(self, **kwargs):
        exemplar = honours.exemplar(kwargs["pk"])
        if exemplar is None:
            raise Http404
        if exemplar.has_photo:
            image = _absolute(reverse("reporting:exemplar_photo", args=[exemplar.pk]))
        else:
            image = _absolute(static("img/share.png"))
        return super().get_context_data(
            exemplar=exemplar,
            share_image=image,
            share_summary=Truncator(strip_tags(exemplar.summary)).words(SHARE_WORDS),
            page_url=_absolute(reverse("reporting:exemplar", args=[exemplar.pk])),
            **kwargs,
        )


class ExemplarPhotoView(View):
    def get(self, request, pk):
        photo = honours.public_photo(pk)
        if photo is None:
            raise Http404
        response = FileResponse(
            open_stored(photo, what="public photo"), content_type=photo_content_type(photo.name)
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "public, max-age=3600"
        return response


class HonourFeed(Feed):
    """Atom: the latest recognised exemplars, overall or under one unit."""

    feed_type = Atom1Feed
    author_name = gettext_lazy("Cổng thông tin thi đua, khen thưởng ngành Giáo dục")

    def get_object(self, request, code=None):
        return get_object_or_404(Unit, code=code) if code else None

    def title(self, unit):
        if unit is None:
            return _("Gương điển hình tiên tiến ngành Giáo dục")
        return _("Gương điển hình tiên tiến: %(unit)s") % {"unit": unit.name}

    def subtitle(self, unit):
        return _("Các cá nhân, tập thể đã có quyết định khen thưởng.")

    def link(self, unit):
        board = reverse("reporting:honour_board")
        return f"{board}?don_vi={unit.code}" if unit is not None else board

    def feed_url(self, unit):
        if unit is None:
            return reverse("reporting:honour_feed")
        return reverse("reporting:honour_unit_feed", args=[unit.code])

    def items(self, unit):
        return honours.feed_items(unit)

    def item_title(self, item):
        return f"{item.name} — {item.title}"

    def item_description(self, item):
        intro = _("%(unit)s · %(title)s, quyết định số %(number)s ngày %(day)s.") % {
            "unit": item.unit_name,
            "title": item.title,
            "number": item.decision_number,
            "day": item.decided_on.strftime("%d/%m/%Y") if item.decided_on else "",
        }
        # An Atom summary is HTML to the reader: the names must be escaped; the summary is
        # sanitised HTML already, stripped to its (still escaped) text.
        return f"{escape(intro)} {Truncator(strip_tags(item.summary)).words(60)}"

    def item_link(self, item):
        return reverse("reporting:exemplar", args=[item.pk])

    def item_pubdate(self, item):
        return honours.decided_at(item)

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.unit_name

    def item_categories(self, item):
        return [item.title, item.category]
