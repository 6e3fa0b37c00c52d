from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict


def requested_page(request: HttpRequest, data: QueryDict | None = None) -> int:
    """The `page` parameter (of `data`, else of the query string) as a page number from 1;
    anything else is page 1."""
    source = request.GET if data is None else data
    try:
        return max(1, int(source.get("page", "1")))
    except ValueError:
        return 1


def search_parameters(request: HttpRequest, *, personal: Iterable[str]) -> QueryDict | HttpResponse:
    """The parameters of a list page whose search may hold personal data (a name, a phone, an
    identity or detainee number), which must never be in a URL: it would stay in the browser's
    history on a shared computer, in the access log and in the `Referer` of the next request.

    - A POST (the search form, CSRF-protected) is the search: its data is returned, and the page
      is rendered directly, never redirected to a URL holding it.
    - A POST whose personal fields are all empty is redirected (303) to the same page with the
      remaining filters in the query string, which are not personal and may be bookmarked.
    - A GET holding a personal field (an old bookmark) is redirected to the page without it.
    - Otherwise the query string's filters are returned.
    """
    personal = tuple(personal)
    if request.method == "POST":
        data = request.POST
        if any(value.strip() for name in personal for value in data.getlist(name)):
            return data
        return _redirect_without(request, data, personal)
    if any(name in request.GET for name in personal):
        return _redirect_without(request, request.GET, personal)
    return request.GET


def _redirect_without(
    request: HttpRequest, data: QueryDict, names: tuple[str, ...]
) -> HttpResponse:
    dropped = {*names, "csrfmiddlewaretoken", *(("page",) if request.method == "POST" else ())}
    query = QueryDict(mutable=True)
    for name, values in data.lists():
        kept = [value for value in values if value]
        if name not in dropped and kept:
            query.setlist(name, kept)
    encoded = query.urlencode()
    response = HttpResponseRedirect(request.path + (f"?{encoded}" if encoded else ""))
    response.status_code = 303
    return response


def personal_search_kept_out_of_urls(*personal: str) -> Callable[[Any], Any]:
    """Decorates a list view, outside `login_required`: a GET holding a PERSONAL field is
    redirected to the page without it before anything else, so that the log-in redirect's
    `next` does not carry it either."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method != "POST" and any(name in request.GET for name in personal):
                return _redirect_without(request, request.GET, personal)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
