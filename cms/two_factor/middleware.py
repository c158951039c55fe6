from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

# Pages an editor who has not entered a code yet can still reach: the code page itself and signing out.
ADMIN_PREFIXES = ("/admin/", "/django-admin/")


class RequireVerifiedMiddleware:
    """Sends an editor who turned two-step login on to the code page until a code was entered in this session.

    After `django_otp.middleware.OTPMiddleware`, which makes `request.user.is_verified()` answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.path_info.startswith(ADMIN_PREFIXES)
            and request.path_info not in self.exempt_paths()
            and not user.is_verified()
            and user_has_device(user)
        ):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('kvm_two_factor_verify')}?{query}")
        return self.get_response(request)

    @staticmethod
    def exempt_paths() -> set[str]:
        return {reverse("kvm_two_factor_verify"), reverse("wagtailadmin_logout"), reverse("admin:logout")}
