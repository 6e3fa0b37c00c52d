from django.urls import path

from pave.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.screening_list_view, name="list"),
    path("new/", views.screening_create_view, name="create"),
    path("<int:screening_id>/", views.screening_detail_view, name="detail"),
    path("<int:screening_id>/open-case/", views.screening_open_case_view, name="open-case"),
    path("<int:screening_id>/flag/", views.screening_flag_view, name="flag"),
    path("places/", views.place_list_view, name="places"),
    path("visits/", views.visit_list_view, name="visits"),
    path("visits/new/", views.visit_create_view, name="visit-create"),
    path("visits/<int:visit_id>/", views.visit_detail_view, name="visit-detail"),
]
