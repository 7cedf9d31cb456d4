"""Path constants built from the package's own location, never the working directory."""

from importlib.resources import files
from pathlib import Path

PACKAGE_DIR = Path(str(files("safetystats")))
PACKAGED_CONFIG = PACKAGE_DIR / "config"
SQL_DIR = PACKAGE_DIR / "sql"
NOTEBOOKS_DIR = PACKAGE_DIR.parent.parent / "notebooks"
REPO_ROOT = PACKAGE_DIR.parent.parent
GX_ROOT = REPO_ROOT  # gx/great_expectations.yml; its expectations store is REPO_ROOT/expectations
EXPECTATIONS_DIR = REPO_ROOT / "expectations"
