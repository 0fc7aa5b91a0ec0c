"""Server-rendered pages: sign-up, log-in, and the shells that mount the canvas app."""
from __future__ import annotations

from django import forms
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from builder.models import Workspace
from builder.policy import Action, pipeline_for, role_in


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
    template_name = "auth/login.html"
    redirect_authenticated_user = True


class FomoLogoutView(LogoutView):
    pass


def _shell(request: HttpRequest, page: str, pipeline_id: int | None = None, run_id: int | None = None) -> HttpResponse:
    return render(request, "app.html", {"page": page, "pipeline_id": pipeline_id or "", "run_id": run_id or ""})


def pipeline_list_page(request: HttpRequest) -> HttpResponse:
    return _shell(request, "list")


def editor_page(request: HttpRequest, pk: int) -> HttpResponse:
    pipeline_for(request.user, pk, Action.READ)
    return _shell(request, "editor", pipeline_id=pk)


def _workspace_shell(request: HttpRequest, workspace_id: int, page: str) -> HttpResponse:
    if role_in(request.user, workspace_id) is None:
        raise Http404
    return _shell(request, page)


def credentials_page(request: HttpRequest, workspace_id: int) -> HttpResponse:
    return _workspace_shell(request, workspace_id, "credentials")


def data_page(request: HttpRequest, workspace_id: int) -> HttpResponse:
    """The workspace's documents and vector collections."""
    return _workspace_shell(request, workspace_id, "data")


def personal_credentials_page(request: HttpRequest) -> HttpResponse:
    return redirect(f"/workspaces/{Workspace.personal_of(request.user).pk}/credentials/")


def personal_data_page(request: HttpRequest) -> HttpResponse:
    return redirect(f"/workspaces/{Workspace.personal_of(request.user).pk}/data/")


def datasets_page(request: HttpRequest) -> HttpResponse:
    """The datasets of the user's workspaces (the page picks the workspace)."""
    return _shell(request, "datasets")


def experiment_page(request: HttpRequest, pk: int) -> HttpResponse:
    from experiments.api import experiment_for

    exp = experiment_for(request.user, pk)
    return _shell(request, "experiment", pipeline_id=exp.pipeline_id)


def run_page(request: HttpRequest, pk: int) -> HttpResponse:
    from runs.api import run_for

    run = run_for(request.user, pk)
    return _shell(request, "run", pipeline_id=run.pipeline_id, run_id=pk)
