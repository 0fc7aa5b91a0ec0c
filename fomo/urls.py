"""The site's URL conf: each app's own ``urls.py`` (its pages, and its API under ``/api/``), the
health check and the API's schema and docs."""
from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from fomo.health import healthz

urlpatterns = [
    path("healthz", healthz),
    path("api/schema", SpectacularAPIView.as_view()),
    path("api/docs", SpectacularRedocView.as_view(url="/api/schema")),
    path("api/docs/swagger", SpectacularSwaggerSplitView.as_view(url="/api/schema")),  # no inline script (CSP)
    path("", include("builder.urls")),
    path("", include("runs.urls")),
    path("", include("teams.urls")),
    path("", include("experiments.urls")),
]
