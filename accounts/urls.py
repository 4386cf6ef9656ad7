from django.urls import path

from accounts import language, passkey_views, preferences, security, signin_verify, sso_views, views

app_name = "accounts"

urlpatterns = [
    path("language/", language.language_set, name="language"),
    path("preferences/", preferences.preferences, name="preferences"),
    path("signin/", views.SignInView.as_view(), name="login"),
    path("signin/verify/", signin_verify.signin_verify, name="login_verify"),
    path("signin/verify/passkey/", passkey_views.verify, name="login_verify_passkey"),
    path(
        "signin/verify/passkey/options/",
        passkey_views.verify_options,
        name="login_verify_passkey_options",
    ),
    path("signin/passkey/", passkey_views.signin, name="login_passkey"),
    path("signin/passkey/options/", passkey_views.signin_options, name="login_passkey_options"),
    path("signin/admin/", views.BreakGlassSignInView.as_view(), name="login_break_glass"),
    path("sso/start/", sso_views.start, name="sso_start"),
    path("sso/oidc/callback/", sso_views.oidc_callback, name="sso_oidc_callback"),
    path("sso/saml/acs/", sso_views.saml_acs, name="sso_saml_acs"),
    path("sso/saml/metadata/", sso_views.saml_metadata, name="sso_saml_metadata"),
    path("signout/", views.SignOutView.as_view(), name="logout"),
    path("security/", security.security, name="security"),
    path("security/two-factor/", security.two_factor_setup, name="two_factor_setup"),
    path(
        "security/two-factor/recovery-codes/",
        security.recovery_codes_new,
        name="recovery_codes_new",
    ),
    path("security/two-factor/disable/", security.two_factor_disable, name="two_factor_disable"),
    path("security/passkeys/new/", passkey_views.passkey_add, name="passkey_add"),
    path("security/passkeys/options/", passkey_views.register_options, name="passkey_options"),
    path("security/passkeys/remove/", passkey_views.passkey_remove, name="passkey_remove"),
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
