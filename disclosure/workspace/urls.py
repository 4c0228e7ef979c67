"""The staff workspace under /workspace/. Owned by the workspace work."""

from django.contrib.auth import views as auth_views
from django.urls import path

app_name = "workspace"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
]
