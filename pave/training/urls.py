from django.urls import path

from pave.training import views

app_name = "training"
urlpatterns = [
    path("", views.home, name="home"),
    path("events/", views.event_list_view, name="events"),
    path("events/new/", views.event_create_view, name="event-create"),
    path("events/<int:event_id>/", views.event_detail_view, name="event"),
    path("events/<int:event_id>/edit/", views.event_edit_view, name="event-edit"),
    path("events/<int:event_id>/sessions/", views.session_add_view, name="session-add"),
    path("events/<int:event_id>/participants/new/", views.participant_add_view, name="add"),
    path("events/<int:event_id>/attendance/", views.attendance_view, name="attendance"),
    path("events/<int:event_id>/import/", views.import_view, name="import"),
    path(
        "events/<int:event_id>/export.<str:fmt>",
        views.export_view,
        name="export",
    ),
    path(
        "events/<int:event_id>/certificates/",
        views.certificates_issue_view,
        name="certificates-issue",
    ),
    path(
        "certificates/<int:certificate_id>/certificate.pdf",
        views.certificate_pdf_view,
        name="certificate-pdf",
    ),
    path(
        "certificates/<int:certificate_id>/revoke/",
        views.certificate_revoke_view,
        name="certificate-revoke",
    ),
    path("participants/", views.participant_list_view, name="participants"),
    path(
        "participants/<int:participant_id>/",
        views.participant_detail_view,
        name="participant",
    ),
    path(
        "participants/<int:participant_id>/merge/",
        views.participant_merge_view,
        name="participant-merge",
    ),
    path("aggregates/", views.aggregates_view, name="aggregates"),
]
