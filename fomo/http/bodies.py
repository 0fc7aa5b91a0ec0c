"""Request bodies: a serializer that refuses undeclared fields, and the one call views use."""
from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request


class StrictSerializer(serializers.Serializer):
    """Rejects fields it does not declare, so a body can never set server-owned fields."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({k: ["Unknown field."] for k in unknown})
        return super().to_internal_value(data)


def body(serializer_cls: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The request's body validated by ``serializer_cls``; a 400 naming each bad field otherwise
    (DRF's ValidationError, mapped by fomo/errors.py)."""
    ser = serializer_cls(data=request.data)
    ser.is_valid(raise_exception=True)
    return dict(ser.validated_data)
