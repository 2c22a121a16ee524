"""The user's own notices: the list, opening one (marks it read and goes to the page to act
on), marking all read, and the weekly-digest choice. Only one's own messages: others are 404."""

from django.contrib import messages as flash
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from core.lists import ListPageView

from . import selectors, services
from .lists import PAGE_SIZE, InboxFilter, InboxTable


class InboxView(LoginRequiredMixin, ListPageView):
    template_name = "notifications/inbox.html"
    filterset_class = InboxFilter
    table_class = InboxTable
    rows_name = "notices"
    page_size = PAGE_SIZE

    def get_queryset(self):
        return selectors.inbox(self.request.user).order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            weekly_digest=selectors.wants_weekly_digest(self.request.user), **kwargs
        )


class OpenView(LoginRequiredMixin, View):
    def get(self, request, pk):
        message = get_object_or_404(selectors.inbox(request.user), pk=pk)
        services.mark_read(user=request.user, ids=[message.pk])
        if message.url and url_has_allowed_host_and_scheme(message.url, allowed_hosts=None):
            return redirect(message.url)
        return redirect("notifications:inbox")


class MarkAllReadView(LoginRequiredMixin, View):
    def post(self, request):
        count = services.mark_read(user=request.user)
        flash.success(request, _("Đã đánh dấu %(n)s thông báo là đã đọc.") % {"n": count})
        return redirect("notifications:inbox")


class PreferenceView(LoginRequiredMixin, View):
    def post(self, request):
        on = request.POST.get("weekly_digest") == "on"
        services.set_weekly_digest(user=request.user, on=on)
        flash.success(
            request,
            _("Bạn sẽ nhận thư tổng hợp hằng tuần.")
            if on
            else _("Bạn sẽ không nhận thư tổng hợp hằng tuần."),
        )
        return redirect("notifications:inbox")
