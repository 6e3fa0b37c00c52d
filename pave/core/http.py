from django.http import HttpRequest


def requested_page(request: HttpRequest) -> int:
    """The `page` query parameter as a page number from 1; anything else is page 1."""
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1
