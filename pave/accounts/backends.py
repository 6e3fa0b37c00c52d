from typing import Any

from django.contrib.auth.backends import ModelBackend

from pave.accounts.models import User


class PaveBackend(ModelBackend):
    """Django's model backend, loading the user's organisation with the user.

    Every page shows the organisation and every scoped query needs it: one query per request
    instead of two.
    """

    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.select_related("organisation").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
