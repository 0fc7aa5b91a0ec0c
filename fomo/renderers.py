"""The response renderer of every API view: DRF's JSON renderer, which falls back to a repaired
copy of the data (:func:`fomo.jsonsafe.storable`) when the data holds text no encoder takes.
New values are repaired before they are stored (runs/sink.py); this keeps rows written before
that readable (SQLite kept lone surrogates as written). Costs nothing when nothing is wrong.
Set as ``DEFAULT_RENDERER_CLASSES`` (fomo/settings.py)."""
from __future__ import annotations

from typing import Any

from rest_framework.renderers import JSONRenderer

from fomo.jsonsafe import storable


class SafeJSONRenderer(JSONRenderer):
    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except (UnicodeEncodeError, ValueError):  # a lone surrogate; NaN, which strict JSON refuses
            return super().render(storable(data), accepted_media_type, renderer_context)
