from django.urls import path

from accounts import language, preferences, security, signin_verify, views

app_name = "accounts"

urlpatterns = [
    path("language/", language.language_set, name="language"),
    path("preferences/", preferences.preferences, name="preferences"),
    path("signin/", views.SignInView.as_view(), name="login"),
    path("signin/verify/", signin_verify.signin_verify, name="login_verify"),
    path("signout/", views.SignOutView.as_view(), name="logout"),
    path("security/", security.security, name="security"),
    path("security/two-factor/", security.two_factor_setup, name="two_factor_setup"),
    path(
        "security/two-factor/recovery-codes/",
        security.recovery_codes_new,
        name="recovery_codes_new",
    ),
    path("security/two-factor/disable/", security.two_factor_disable, name="two_factor_disable"),
    path("security/sessions/end/", security.session_end, name="session_end"),
    path("security/password/", security.password_change, name="password_change"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
