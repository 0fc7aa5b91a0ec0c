"""Server-rendered pages: sign-up, log-in, and the shells that mount the canvas app."""
from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from builder.graph import ports_for
from builder.models import Workspace
from builder.nodes.base import BASE_TYPES
from builder.nodes.catalog import registry
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


def _shell(request: HttpRequest, page: str, pipeline_id: int | None = None, run_id: int | None = None,
           boot: dict[str, Any] | None = None) -> HttpResponse:
    return render(request, "app.html", {"page": page, "pipeline_id": pipeline_id or "", "run_id": run_id or "",
                                        "boot": boot})


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


def workspace_settings_page(request: HttpRequest, workspace_id: int) -> HttpResponse:
    """Members, roles, invitations and activity of a workspace (every member; owners manage)."""
    return _workspace_shell(request, workspace_id, "workspace-settings")


def tokens_page(request: HttpRequest) -> HttpResponse:
    """The user's personal API tokens."""
    return _shell(request, "tokens")


def shared_page(request: HttpRequest, token: str) -> HttpResponse:
    """A share link's read-only page, for anyone holding the link (a public path in
    fomo/middleware.py); unknown, revoked and expired links are 404. The page carries what its
    canvas needs and an anonymous visitor cannot ask the API for: the node catalog and the
    draft's ports. The graph and runs come from the link's own API."""
    from teams.sharing import share_link_for, strip_credentials

    link = share_link_for(token)
    graph, _ = strip_credentials(link.pipeline.draft)
    ports: dict[str, Any] = {}
    for node in graph.get("nodes", []) if isinstance(graph, dict) else []:
        known = isinstance(node, dict) and isinstance(node.get("type"), str) and registry.has(node["type"])
        if known and registry.get(node["type"]).dynamic_ports:
            inputs, outputs, errors = ports_for(node["type"], node.get("version"), node.get("config") or {}, registry)
            if not errors:
                ports[str(node["id"])] = {"inputs": [p.describe() for p in inputs],
                                          "outputs": [p.describe() for p in outputs]}
    catalog = {"node_types": registry.describe(), "port_types": sorted(BASE_TYPES), "providers": []}
    resp = _shell(request, "shared", boot={"catalog": catalog, "ports": ports})
    resp["Referrer-Policy"] = "no-referrer"  # the token is in the address: keep it out of Referer headers
    return resp


def run_page(request: HttpRequest, pk: int) -> HttpResponse:
    from runs.api import run_for

    run = run_for(request.user, pk)
    return _shell(request, "run", pipeline_id=run.pipeline_id, run_id=pk)
