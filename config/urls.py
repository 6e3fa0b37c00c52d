from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog

from pave.api import api, not_found
from pave.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    # What no API operation matches is answered in the API's error shape, not as a web page.
    re_path(r"^api/", not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("pave.accounts.urls")),
    path("audit/", include("pave.audit.urls")),
    path("staff/", admin.site.urls),
    path("screening/", include("pave.screening.urls")),
    path("assistance/", include("pave.assistance.urls")),
    path("referrals/", include("pave.referrals.urls")),
    path("notifications/", include("pave.notifications.urls")),
    path("training/", include("pave.training.urls")),
    path("verify/", include("pave.training.verify_urls")),
    path("reports/", include("pave.monitoring.urls")),
    path("", include("pave.cases.urls")),
]
