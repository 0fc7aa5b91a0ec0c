"""Server-rendered pages of design time: sign-up, log-in, the pipeline list, the editor, a
workspace's credentials and data; and the shell that mounts the canvas app, which every app's
pages use."""
from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from builder.models import Workspace
from builder.policy import Action, pipeline_for, role_in
from fomo import throttle


class SignupForm(UserCreationForm):
    username = forms.RegexField(regex=r"^[A-Za-z0-9_.-]{2,40}$", max_length=40,
                                error_messages={"invalid": "Use 2-40 letters, digits, dots, dashes or underscores."})


def signup(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            user = form.save()
            login(request, user)
            return redirect("/")
    else:
        form = SignupForm()
    return render(request, "auth/signup.html", {"form": form})


class FomoLoginView(LoginView):
    """Django's log-in, throttled (fomo/throttle.py): a locked account or address gets the form
    back with 429, ``Retry-After`` and the wait, before any password is checked."""

    template_name = "auth/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = str(request.POST.get("username", ""))
        wait = throttle.login_locked(request, username)
        if wait:  # an unbound form: a bound one would check the password when its errors are read
            return self._throttled(self.get_form_class()(request, initial={"username": username}), wait)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        username, password = form.cleaned_data.get("username"), form.cleaned_data.get("password")
        if username and password:  # a password was checked and refused (not an empty form)
            wait = throttle.login_failed(self.request, username)
            if wait:
                return self._throttled(form, wait)
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        throttle.login_succeeded(form.cleaned_data["username"])
        return super().form_valid(form)

    def _throttled(self, form: Any, wait: int) -> HttpResponse:
        context = self.get_context_data(form=form, throttled=throttle.locked_message(wait))
        resp = self.render_to_response(context, status=429)
        resp["Retry-After"] = str(wait)
        return resp


class FomoLogoutView(LogoutView):
    pass


def shell(request: HttpRequest, page: str, pipeline_id: int | None = None, run_id: int | None = None,
          boot: dict[str, Any] | None = None) -> HttpResponse:
    """The page that mounts the canvas app on ``page`` (every app's pages use it)."""
    return render(request, "app.html", {"page": page, "pipeline_id": pipeline_id or "", "run_id": run_id or "",
                                        "boot": boot})


def pipeline_list_page(request: HttpRequest) -> HttpResponse:
    return shell(request, "list")


def editor_page(request: HttpRequest, pk: int) -> HttpResponse:
    pipeline_for(request.user, pk, Action.READ)
    return shell(request, "editor", pipeline_id=pk)


def workspace_shell(request: HttpRequest, workspace_id: int, page: str) -> HttpResponse:
    """:func:`shell` for a page of one workspace: 404 unless the user is a member."""
    if role_in(request.user, workspace_id) is None:
        raise Http404
    return shell(request, page)


def credentials_page(request: HttpRequest, workspace_id: int) -> HttpResponse:
    return workspace_shell(request, workspace_id, "credentials")


def data_page(request: HttpRequest, workspace_id: int) -> HttpResponse:
    """The workspace's documents and vector collections."""
    return workspace_shell(request, workspace_id, "data")


def personal_credentials_page(request: HttpRequest) -> HttpResponse:
    return redirect(f"/workspaces/{Workspace.personal_of(request.user).pk}/credentials/")


def personal_data_page(request: HttpRequest) -> HttpResponse:
    return redirect(f"/workspaces/{Workspace.personal_of(request.user).pk}/data/")
