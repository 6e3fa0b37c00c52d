from django.urls import path

from pave.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.dashboard_view, name="home"),
    path("<slug:code>/", views.dashboard_view, name="dashboard"),
    path("<slug:code>/factsheet/", views.factsheet_view, name="factsheet"),
    path("<slug:code>/factsheet.<str:fmt>", views.factsheet_view, name="factsheet-download"),
    path("<slug:code>/indicators/<slug:indicator>/records/", views.records_view, name="records"),
    path(
        "<slug:code>/indicators/<slug:indicator>/edit/",
        views.indicator_edit_view,
        name="indicator-edit",
    ),
    path(
        "<slug:code>/indicators/<slug:indicator>/values/",
        views.manual_value_create_view,
        name="manual-value-create",
    ),
    path(
        "<slug:code>/indicators/<slug:indicator>/targets/",
        views.target_set_view,
        name="target-set",
    ),
    path("<slug:code>/logframe/", views.logframe_view, name="logframe"),
    path("<slug:code>/budget/", views.budget_view, name="budget"),
    path("<slug:code>/budget/lines/", views.budget_line_create_view, name="budget-line-create"),
    path(
        "<slug:code>/budget/expenditures/",
        views.expenditure_create_view,
        name="expenditure-create",
    ),
    path("<slug:code>/budget/co-funding/", views.co_funding_set_view, name="co-funding-set"),
]
