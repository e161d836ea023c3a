from django.shortcuts import redirect
from django.urls import reverse

# Pages a signed-in user may reach before the second factor: the sign-in steps themselves.
_OPEN_PREFIXES = ("/static/", "/sign-in/", "/sign-out/", "/api/")


class RequireSecondFactorMiddleware:
    """Every staff account needs a verified TOTP second factor before it can see anything.

    The API is exempt here because it authenticates with per-user tokens, which can only be
    created from a session that has passed the second factor.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            if not request.path.startswith(_OPEN_PREFIXES):
                return redirect(reverse("core:verify"))
        return self.get_response(request)
