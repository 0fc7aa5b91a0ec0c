from __future__ import annotations

from django.urls import path

from builder import api as b
from builder import api_collections as bv
from builder import api_credentials as bc
from builder import api_documents as bd
from builder import api_templates as bt
from builder import views
from experiments.urls import api as experiments_api
from fomo.health import healthz
from fomo.ops import OpsView, PipelinePruned, ops_page
from runs import api as r
from teams.urls import api as teams_api
from teams.urls import pages as teams_pages

api = [
    path("workspaces", b.WorkspaceList.as_view()),
    path("node-types", b.NodeTypes.as_view()),
    path("node-types/ports", b.NodePorts.as_view()),
    path("pipelines", b.PipelineList.as_view()),
    path("pipelines/<int:pk>", b.PipelineDetail.as_view()),
    path("pipelines/<int:pk>/duplicate", b.PipelineDuplicate.as_view()),
    path("pipelines/<int:pk>/draft", b.DraftView.as_view()),
    path("pipelines/<int:pk>/validate", b.ValidateView.as_view()),
    path("pipelines/<int:pk>/versions", b.VersionList.as_view()),
    path("pipelines/<int:pk>/versions/<int:number>", b.VersionDetail.as_view()),
    path("pipelines/<int:pk>/versions/<int:number>/restore", b.VersionRestore.as_view()),
    path("pipelines/<int:pk>/runs", r.PipelineRuns.as_view()),
    path("runs/<int:pk>", r.RunDetail.as_view()),
    path("runs/<int:pk>/events", r.RunEvents.as_view()),
    path("runs/<int:pk>/nodes/<str:node_id>", r.RunNode.as_view()),
    path("runs/<int:pk>/cancel", r.RunCancel.as_view()),
    path("workspaces/<int:workspace_id>/credentials", bc.WorkspaceCredentials.as_view()),
    path("credentials/<int:pk>", bc.CredentialDetail.as_view()),
    path("workspaces/<int:workspace_id>/collections", bv.CollectionList.as_view()),
    path("workspaces/<int:workspace_id>/collections/<str:name>", bv.CollectionDetail.as_view()),
    path("workspaces/<int:workspace_id>/collections/<str:name>/query", bv.CollectionQuery.as_view()),
    path("workspaces/<int:workspace_id>/documents", bd.WorkspaceDocuments.as_view()),
    path("documents/<int:pk>", bd.DocumentDetail.as_view()),
    path("workspaces/<int:workspace_id>/conversations", bd.WorkspaceConversations.as_view()),
    path("workspaces/<int:workspace_id>/conversations/<str:session>", bd.ConversationDetail.as_view()),
    path("templates", bt.TemplateList.as_view()),
    path("templates/<slug:slug>", bt.TemplateCreate.as_view()),
    path("ops", OpsView.as_view()),
    path("pipelines/<int:pk>/pruned", PipelinePruned.as_view()),
]

urlpatterns = [
    path("healthz", healthz),
    path("login/", views.FomoLoginView.as_view(), name="login"),
    path("logout/", views.FomoLogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("", views.pipeline_list_page, name="pipelines"),
    path("pipelines/<int:pk>/", views.editor_page, name="editor"),
    path("runs/<int:pk>/", views.run_page, name="run"),
    path("datasets/", views.datasets_page, name="datasets"),
    path("experiments/<int:pk>/", views.experiment_page, name="experiment"),
    path("credentials/", views.personal_credentials_page),
    path("data/", views.personal_data_page),
    path("workspaces/<int:workspace_id>/credentials/", views.credentials_page, name="credentials"),
    path("workspaces/<int:workspace_id>/data/", views.data_page, name="data"),
    path("workspaces/<int:workspace_id>/settings/", views.workspace_settings_page, name="workspace-settings"),
    path("settings/tokens/", views.tokens_page, name="tokens"),
    path("share/<str:token>/", views.shared_page, name="shared"),
    path("ops/", ops_page, name="ops"),
    *[path(f"api/{p.pattern}", p.callback) for p in api],
    *[path(f"api/{p.pattern}", p.callback) for p in teams_api],
    *[path(f"api/{p.pattern}", p.callback) for p in experiments_api],
    *teams_pages,
]
