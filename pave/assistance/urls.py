from django.urls import path

from pave.assistance import views
from pave.cases import views as case_views

app_name = "assistance"

# URL segment -> kind of record (see views.PAGES).
_KINDS = {
    "services": "service",
    "plans": "plan",
    "follow-ups": "follow_up",
    "reintegration": "reintegration",
}

urlpatterns = [
    path("cases/<int:case_id>/", views.case_assistance_view, name="case"),
    path("cases/<int:case_id>/timeline/", views.case_timeline_view, name="timeline"),
    # The case page's stage forms post here (the view lives with the case page it re-renders).
    path("cases/<int:case_id>/stage/", case_views.case_stage_view, name="stage"),
    path("service-types/", views.service_type_list_view, name="service-types"),
    path(
        "service-types/<int:service_type_id>/",
        views.service_type_edit_view,
        name="service-type-edit",
    ),
]
for segment, kind in _KINDS.items():
    urlpatterns += [
        path(
            f"cases/<int:case_id>/{segment}/new/",
            views.record_create_view,
            {"kind": kind},
            name=f"{kind}-create",
        ),
        path(
            f"cases/<int:case_id>/{segment}/<int:record_id>/",
            views.record_edit_view,
            {"kind": kind},
            name=f"{kind}-edit",
        ),
    ]
