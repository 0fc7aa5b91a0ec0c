"""The ``merge`` node: joins router branches back into one value."""
