"""The teams app's routes: a workspace's settings page, API tokens page, share pages, the invite
page and the public side of the chat widget; under ``/api/`` workspaces, members, invites,
activity, API tokens, moving/copying, export/import, share links and embed keys. Included by
``fomo.urls``."""
from __future__ import annotations

from django.urls import include, path

from teams import api_embed as em
from teams import api_sharing as sh
from teams import api_tokens as t
from teams import api_workspaces as w
from teams import pages as pg

api = [
    path("tokens", t.TokenList.as_view()),
    path("tokens/<int:pk>", t.TokenDetail.as_view()),
    path("workspaces", w.WorkspaceList.as_view()),
    path("workspaces/<int:workspace_id>", w.WorkspaceDetail.as_view()),
    path("workspaces/<int:workspace_id>/members", w.MemberList.as_view()),
    path("workspaces/<int:workspace_id>/members/<int:user_id>", w.MemberDetail.as_view()),
    path("workspaces/<int:workspace_id>/leave", w.Leave.as_view()),
    path("workspaces/<int:workspace_id>/invites", w.InviteList.as_view()),
    path("workspaces/<int:workspace_id>/invites/<int:invite_id>", w.InviteDetail.as_view()),
    path("workspaces/<int:workspace_id>/activity", w.ActivityList.as_view()),
    path("workspaces/<int:workspace_id>/import", sh.Import.as_view()),
    path("invites/accept", w.InviteAccept.as_view()),
    path("pipelines/<int:pk>/move", sh.PipelineMove.as_view()),
    path("pipelines/<int:pk>/copy", sh.PipelineCopy.as_view()),
    path("pipelines/<int:pk>/export", sh.Export.as_view()),
    path("pipelines/<int:pk>/share-links", sh.ShareLinks.as_view()),
    path("pipelines/<int:pk>/share-links/<int:link_id>", sh.ShareLinkDetail.as_view()),
    path("pipelines/<int:pk>/embed-keys", em.EmbedKeys.as_view()),
    path("pipelines/<int:pk>/embed-keys/<int:key_id>", em.EmbedKeyDetail.as_view()),
    path("pipelines/<int:pk>/embed-keys/<int:key_id>/rotate", em.EmbedKeyRotate.as_view()),
    path("share/<str:token>", sh.SharedPipeline.as_view()),
    path("share/<str:token>/runs/<int:run_id>", sh.SharedRun.as_view()),
    path("share/<str:token>/runs/<int:run_id>/nodes/<str:node_id>", sh.SharedRunNode.as_view()),
    path("share/<str:token>/duplicate", sh.SharedDuplicate.as_view()),
]

urlpatterns = [
    path("workspaces/<int:workspace_id>/settings/", pg.workspace_settings_page, name="workspace-settings"),
    path("settings/tokens/", pg.tokens_page, name="tokens"),
    path("share/<str:token>/", pg.shared_page, name="shared"),
    path("invites/<str:token>/", pg.invite_page),
    path("invites/<str:token>/signup/", pg.invite_signup),
    path("embed/widget.js", em.widget_js),
    path("embed/api/<str:key>/chat", em.EmbedChat.as_view()),
    path("embed/<str:key>/", em.frame_page),
    path("api/", include(api)),
]
