from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _

from accounts.forms import AccountPasswordResetForm, SignInForm
from accounts.models import User
from accounts.selectors import user_for_password_reset
from accounts.signin_verify import second_factor_pending
from accounts.sso.services import active_provider, password_signin_refused
from accounts.two_factor import has_two_factor
from accounts.user_sessions import sessions_end_others


def home_url_for(user: User) -> str:
    """Agents land in the agent workspace, end users in the help center."""
    if user.is_authenticated and user.is_agent:
        return reverse("tickets:home")
    return reverse("portal:home")


def tenant_home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    return redirect(home_url_for(request.user))


class SignInView(auth_views.LoginView):
    template_name = "accounts/signin.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return home_url_for(self.request.user)  # type: ignore[arg-type]  # signed in by now

    break_glass = False

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        provider = active_provider(self.request.account)  # type: ignore[attr-defined]  # TenantMiddleware
        context["sso_provider"] = provider
        context["sso_required"] = provider is not None and provider.agents_require_sso
        context["break_glass"] = self.break_glass
        return context

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if password_signin_refused(user, break_glass=self.break_glass):
            form.add_error(None, _("Agents of this helpdesk sign in with single sign-on."))
            return self.form_invalid(form)
        if not has_two_factor(user):
            return super().form_valid(form)
        # The password was right; the second factor decides (accounts/signin_verify.py).
        next_url = self.get_redirect_url() or home_url_for(user)
        second_factor_pending(self.request, user, backend=user.backend, next_url=next_url)
        return redirect("accounts:login_verify")


class BreakGlassSignInView(SignInView):
    """The admins' way in with password (and second factor) when agents must use single
    sign-on and the provider is down or misconfigured. Other agents are still refused."""

    break_glass = True


class SignOutView(auth_views.LogoutView):
    next_page = reverse_lazy("accounts:login")  # type: ignore[assignment]  # lazy, as Django allows


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "emails/password_reset/body.txt"
    subject_template_name = "emails/password_reset/subject.txt"
    form_class = AccountPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "account": self.request.account}  # type: ignore[attr-defined]  # TenantMiddleware

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        # Links point at the account's own subdomain, whatever Host header came in.
        self.extra_email_context = {"account": self.request.account}  # type: ignore[attr-defined]  # TenantMiddleware
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        # A new password ends every session signed in with the old one.
        sessions_end_others(user=form.user, keep_session_key=None)
        return response

    def get_user(self, uidb64: str) -> User | None:
        try:
            pk = int(urlsafe_base64_decode(uidb64).decode())
        except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
            return None
        return user_for_password_reset(account=self.request.account, pk=pk)  # type: ignore[attr-defined]  # TenantMiddleware


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def landing(request: HttpRequest) -> HttpResponse:
    """The bare base domain: what Sportello is, and the operators' way in."""
    return render(request, "landing.html", {"admin_url": reverse("admin:index")})
