"""Login (locked per user name and IP by django-axes, flood-limited per IP by disclosure.loginflood), logout
(POST only) and password change."""

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

login = auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True)
logout = auth_views.LogoutView.as_view(next_page="workspace:login")
password_change = auth_views.PasswordChangeView.as_view(
    template_name="registration/password_change_form.html", success_url=reverse_lazy("workspace:password_done")
)
password_done = auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html")

# The set-password link of an account created by `import_organizations` (Django's password-reset token: one use,
# expires after PASSWORD_RESET_TIMEOUT).
password_set = auth_views.PasswordResetConfirmView.as_view(
    template_name="registration/password_set_form.html", success_url=reverse_lazy("workspace:password_set_done")
)
password_set_done = auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_set_done.html")
