"""MkDocs plugin `casegen`: regenerate build/docs before each rebuild of the live preview.

`casegen serve` runs `mkdocs serve` watching data/, docs/ and the templates; on a change MkDocs
rebuilds and this plugin regenerates the pages first. Only changed files are rewritten, so the
rebuild their change triggers finds nothing more to do. A data problem is printed and the previous
pages stay. In `casegen build` the pages are already generated and the plugin does nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.plugins import BasePlugin

from .build import generate_docs
from .problems import DataError


class CasegenPlugin(BasePlugin):
    def on_pre_build(self, config, **kwargs) -> None:
        if not os.environ.get("CASEGEN_SERVE"):
            return
        root = Path(config.config_file_path).parent
        try:
            generate_docs(root)
        except DataError as err:
            print("\n".join(str(p) for p in err.problems))
            print(f"{len(err.problems)} problem(s) in data/; the preview shows the last good version.")
