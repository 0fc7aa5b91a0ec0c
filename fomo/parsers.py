"""The request body parser of every API view: DRF's JSON parser on :func:`fomo.jsonsafe.loads`,
so a body nested too deep or holding text that cannot be stored is a 400 naming the field,
never a 500 later on. Set as ``DEFAULT_PARSER_CLASSES`` (fomo/settings.py)."""
from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding

from fomo import jsonsafe
from fomo.errors import InvalidJSON


class SafeJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = get_encoding(parser_context or {})
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(f"JSON parse error - the body is not {encoding} text (byte {exc.start})") from None
        try:
            return jsonsafe.loads(text)
        except jsonsafe.UnsafeJSON as exc:
            raise InvalidJSON.from_unsafe(exc) from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
