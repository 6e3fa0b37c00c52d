"""The notifications page: list, open (marks read), mark read, mark all read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pave.accounts.http import AuthedHttpRequest
from pave.notifications import selectors, services

PAGE_SIZE = 50


@login_required
def notification_list_view(request: AuthedHttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    rows = selectors.notifications_for_user(user=request.user, unread_only=unread_only)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notification_list.html",
        {"page": page, "unread_only": unread_only},
    )


@login_required
@require_POST
def notification_read_view(request: AuthedHttpRequest, notification_id: int) -> HttpResponse:
    """Mark read; with `open`, go on to what the notification is about."""
    row = services.notification_mark_read(actor=request.user, notification_id=notification_id)
    if "open" in request.POST and url_has_allowed_host_and_scheme(
        row.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(row.url or "notifications:list")
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all_view(request: AuthedHttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(actor=request.user)
    if count:
        messages.success(request, _("All notifications were marked as read."))
    return redirect("notifications:list")
