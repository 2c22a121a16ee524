"""Scoring and commenting on a dossier."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from core.idempotency import once

from ..forms import (
    ReviewForm,
)
from ..services.review import review_save
from .base import visible_nomination


class ReviewView(LoginRequiredMixin, View):
    def post(self, request, pk):
        nomination = visible_nomination(request, pk)
        form = ReviewForm(request.POST, nomination=nomination)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("nominations:detail", pk=pk)
        try:
            once(
                token=form.cleaned_data["form_token"],
                actor=request.user,
                action=lambda: review_save(
                    actor=request.user,
                    nomination=nomination,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                    comment_visible=form.cleaned_data["comment_visible"],
                ),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã lưu điểm và nhận xét."))
        return redirect("nominations:detail", pk=pk)
