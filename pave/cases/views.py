from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("cases:list")


@login_required
def case_list_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("todo")


@login_required
def case_create_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("todo")


@login_required
def case_detail_view(request: HttpRequest, case_id: int) -> HttpResponse:
    return HttpResponse("todo")


@login_required
def case_edit_view(request: HttpRequest, case_id: int) -> HttpResponse:
    return HttpResponse("todo")
