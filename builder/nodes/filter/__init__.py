"""The ``filter`` node: pass, redact or block text by rules or a moderation model."""
