"""Design time's routes: the auth pages, the pipeline list and editor, a workspace's credentials
and data pages; under ``/api/`` the node catalog, pipelines, drafts, versions, credentials,
vector collections, documents, conversations and templates. Included by ``fomo.urls``."""
from __future__ import annotations

from django.urls import include, path

from builder import api as b
from builder import api_collections as bv
from builder import api_credentials as bc
from builder import api_documents as bd
from builder import api_templates as bt
from builder import views

api = [
    path("node-types", b.NodeTypes.as_view()),
    path("node-types/ports", b.NodePorts.as_view()),
    path("pipelines", b.PipelineList.as_view()),
    path("pipelines/<int:pk>", b.PipelineDetail.as_view()),
    path("pipelines/<int:pk>/duplicate", b.PipelineDuplicate.as_view()),
    path("pipelines/<int:pk>/draft", b.DraftView.as_view()),
    path("pipelines/<int:pk>/validate", b.ValidateView.as_view()),
    path("pipelines/<int:pk>/versions", b.VersionList.as_view()),
    path("pipelines/<int:pk>/versions/compare", b.VersionCompare.as_view()),
    path("pipelines/<int:pk>/versions/<int:number>", b.VersionDetail.as_view()),
    path("pipelines/<int:pk>/versions/<int:number>/restore", b.VersionRestore.as_view()),
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
]

urlpatterns = [
    path("login/", views.FomoLoginView.as_view(), name="login"),
    path("logout/", views.FomoLogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("", views.pipeline_list_page, name="pipelines"),
    path("pipelines/<int:pk>/", views.editor_page, name="editor"),
    path("credentials/", views.personal_credentials_page),
    path("data/", views.personal_data_page),
    path("workspaces/<int:workspace_id>/credentials/", views.credentials_page, name="credentials"),
    path("workspaces/<int:workspace_id>/data/", views.data_page, name="data"),
    path("api/", include(api)),
]
