"""Ingestion: reader -> header mapping -> value normalisation -> staging -> upsert."""

from safetystats.ingest.pipeline import FileResult, ingest

__all__ = ["FileResult", "ingest"]
