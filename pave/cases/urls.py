from django.urls import path

from pave.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.home, name="home"),
    path("cases/", views.case_list_view, name="list"),
    path("cases/new/", views.case_create_view, name="create"),
    path("cases/<int:case_id>/", views.case_detail_view, name="detail"),
    path("cases/<int:case_id>/edit/", views.case_edit_view, name="edit"),
    path("cases/<int:case_id>/notes/", views.case_note_add_view, name="note-add"),
]
