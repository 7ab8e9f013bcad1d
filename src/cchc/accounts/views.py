from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from cchc.core.ratelimit import per_address_allowed

from .forms import PasswordChangeForm, PasswordResetForm, RegisterForm, SetPasswordForm
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


# --- Password reset by e-mail and password change -------------------------------------------------
def site_url(request) -> str:
    """The platform's address for links in e-mails: CCHC_SITE_URL; without it, the address this
    request came to (its host checked against ALLOWED_HOSTS; `cchc check --deploy` asks for the
    setting)."""
    return settings.CCHC_SITE_URL.rstrip("/") or request.build_absolute_uri("/").rstrip("/")


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by e-mail address. The answer never tells whether an account has that
    address; at most CCHC_PASSWORD_RESET_PER_IP_HOUR requests an hour from one client address."""

    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "site_url": site_url(self.request)}

    def post(self, request, *args, **kwargs):
        if not per_address_allowed(
            request, "accounts.password_reset", settings.CCHC_PASSWORD_RESET_PER_IP_HOUR
        ):
            form = self.get_form()
            form.is_valid()
            form.add_error(
                None, _("Too many password reset requests from your network; try again in an hour.")
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """The signed-in user's password (link in the user menu); this session stays signed in."""

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
