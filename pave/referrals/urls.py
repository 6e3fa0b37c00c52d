from django.urls import path

from pave.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.referral_list_view, name="list"),
    path("<int:referral_id>/", views.referral_detail_view, name="detail"),
    path("<int:referral_id>/accept/", views.referral_accept_view, name="accept"),
    path("<int:referral_id>/decline/", views.referral_decline_view, name="decline"),
    path("<int:referral_id>/complete/", views.referral_complete_view, name="complete"),
    path("<int:referral_id>/revoke/", views.referral_revoke_view, name="revoke"),
    path("cases/<int:case_id>/new/", views.referral_create_view, name="create"),
    path("cases/<int:case_id>/consents/", views.consent_list_view, name="consents"),
    path("consents/<int:consent_id>/withdraw/", views.consent_withdraw_view, name="withdraw"),
    path("directory/", views.directory_view, name="directory"),
    path(
        "directory/<int:entry_id>/active/",
        views.directory_entry_active_view,
        name="directory-active",
    ),
]
