"""Bulletins: the objects the notebooks display, and the papermill runner."""

from safetystats.report.bulletin import CityOverview, DistrictBulletin

__all__ = ["CityOverview", "DistrictBulletin"]
