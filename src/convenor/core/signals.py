"""Sign-in events go to the audit chain."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record("signed_out", actor=user)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # The username tried is kept (it may be nobody's); the password never is.
    audit.record("sign_in_failed", detail={"username": str(credentials.get("username", ""))[:150]})


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    audit.record("locked_out", detail={"username": str(username or "")[:150]})
