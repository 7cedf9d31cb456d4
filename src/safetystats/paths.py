"""Path constants built from the package's own location, never the working directory.
Everything the package reads ships inside it (package data), so a wheel stands alone."""

from importlib.resources import files
from pathlib import Path

PACKAGE_DIR = Path(str(files("safetystats")))
PACKAGED_CONFIG = PACKAGE_DIR / "config"
SQL_DIR = PACKAGE_DIR / "sql"
NOTEBOOKS_DIR = PACKAGE_DIR / "notebooks"
EXPECTATIONS_DIR = PACKAGE_DIR / "expectations"  # the GX suites, one JSON file per dataset
