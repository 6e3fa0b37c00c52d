from django.urls import path

from pave.audit import views

app_name = "audit"
urlpatterns = [path("", views.audit_log, name="audit-log")]
