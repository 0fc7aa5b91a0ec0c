"""`make up`: runs ``fomo up`` (fomo/up.py, the one implementation) from the checkout."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fomo import up  # noqa: E402

if __name__ == "__main__":
    sys.exit(up.main())
