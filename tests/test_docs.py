"""Docs generated from the settings stay current."""

from pathlib import Path

from safetystats.config import load_settings
from safetystats.ingest.reference import headers_markdown

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_the_accepted_headers_page_is_generated_from_the_settings():
    """docs/headers.md is `make docs` output: a changed datasets.toml needs it regenerated."""
    text = headers_markdown(load_settings())
    assert (DOCS / "headers.md").read_text(encoding="utf-8") == text
    for header in (
        "检查时间",
        "问题描述",
        "隐患状态",
        "整改时间",
        "处置措施",
        "所属行业的大类名称",
        "行业与领域",
    ):
        assert header in text
