"""Build hook only (the project is declared in pyproject.toml): the wheel carries the repository's
templates/ and static/ (with the built canvas, static/app/, when `make frontend` has run) as
fomo/site/, where fomo/paths.py finds them in an installed copy. An editable install skips the copy:
a checkout reads templates/ and static/ in place."""
from __future__ import annotations

import os

from setuptools import setup
from setuptools.command.build_py import build_py

SITE_DIRS = ("templates", "static")
SKIP = {".stamp", ".gitkeep"}


class BuildPyWithSite(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for name in SITE_DIRS:
            for folder, _dirs, files in os.walk(name):
                target = os.path.join(self.build_lib, "fomo", "site", folder)
                self.mkpath(target)
                for file in files:
                    if file not in SKIP:
                        self.copy_file(os.path.join(folder, file), os.path.join(target, file))


setup(cmdclass={"build_py": BuildPyWithSite})
