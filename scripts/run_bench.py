"""`make bench`: run every benchmark in bench/, each printing one JSON line per figure."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    env = dict(os.environ, HF_HUB_OFFLINE="1", PYTHONPATH=str(ROOT))
    only = sys.argv[1:]
    failed = 0
    for script in sorted((ROOT / "bench").glob("*_bench.py")):
        if only and not any(name in script.name for name in only):
            continue
        print(f"# {script.name}", file=sys.stderr, flush=True)
        failed += subprocess.call([sys.executable, str(script)], cwd=ROOT, env=env) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
