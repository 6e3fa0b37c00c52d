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
]
