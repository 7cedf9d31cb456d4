"""Bulletins: the objects the notebooks display, and the papermill runner."""

import sys

# jsonschema, which papermill, nbformat and nbconvert import, imports rfc3987_syntax when it is
# installed (jupyter-events asks for it), and rfc3987_syntax builds a Lark grammar as it is
# imported: 1.4 s of every process that runs or exports a notebook (importing papermill took
# 2.4 s, 1.0 s without it). It serves only the "iri" string format, which no notebook schema
# uses: without it jsonschema leaves that format unchecked. Set before they are imported.
sys.modules.setdefault("rfc3987_syntax", None)

from safetystats.report.bulletin import CityOverview, DistrictBulletin  # noqa: E402

__all__ = ["CityOverview", "DistrictBulletin"]
