"""The public certificate check at /verify/ (no login): see views.verify_view."""

from django.urls import path

from pave.training import views

app_name = "training_public"
urlpatterns = [
    path("", views.verify_view, name="verify-form"),
    path("<str:code>/", views.verify_view, name="verify"),
]
