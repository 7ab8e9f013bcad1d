from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cchc.core.ratelimit import per_address_allowed

from .forms import RegisterForm
from .services import applicant_register


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        if self.request.user.kind != "staff":
            return "/portal/"
        return super().get_default_redirect_url()


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


def register(request):
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and not per_address_allowed(
        request, "accounts.register", settings.CCHC_REGISTER_PER_IP_HOUR
    ):
        form.is_valid()  # keep what was typed on the page
        form.add_error(None, _("Too many registrations from your network; try again in an hour."))
        return render(request, "accounts/register.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            user = applicant_register(**form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error("password" if "password" in str(exc).lower() else None, exc.messages)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready."))
            return redirect("/portal/")
    return render(request, "accounts/register.html", {"form": form})
