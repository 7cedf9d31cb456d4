"""The accepted headers and values of every dataset, as Markdown generated from the settings
(docs/headers.md; `make docs` writes it, a test checks it is current)."""

from __future__ import annotations

from safetystats.config import Settings
from safetystats.ingest.spec import load_specs, vocabulary

TYPES_ZH = {
    "id": "编号",
    "text": "文本",
    "name": "名称（原样保留）",
    "district": "区划（按单位登记表识别）",
    "industry": "行业（按行业表识别）",
    "category": "培训类别",
    "bool": "是/否",
    "int": "整数",
    "number": "数字",
    "date": "日期",
    "month": "月份",
}


def _type(column) -> str:
    if column.type.startswith("enum:"):
        return f"取值 ({column.type[5:]})"
    return TYPES_ZH.get(column.type, column.type)


def headers_markdown(settings: Settings) -> str:
    """One table per dataset: column, required, type, every accepted header spelling."""
    specs = load_specs(settings, variants=True)
    out = [
        "# Accepted headers (generated)",
        "",
        "Generated from `src/safetystats/config/datasets.toml` by `make docs`; do not edit by hand.",
        "Headers are matched after normalisation: full-width → half-width, 繁体 → 简体, spaces, `*`,",
        "`※` and a bracketed suffix such as `（万元）` removed. Add your own spellings in",
        "`safetystats.toml` under `[datasets.<dataset>.headers]` (see ledgers.md).",
        "",
    ]
    for name, spec in specs.items():
        into = f" — counted into `{spec.into}`" if spec.into else ""
        out += [f"## {spec.label_zh} · `{name}`{into}", ""]
        key = " + ".join(spec.key)
        derived = (
            f"; without it: `auto:` from {', '.join(spec.derive_key)}" if spec.derive_key else ""
        )
        out += [f"Key: `{key}`{derived}.", ""]
        out += ["| column | required | type | headers accepted |", "| --- | --- | --- | --- |"]
        for c in spec.columns:
            required = "**R**" if c.required else ""
            if c.or_column:
                required += f" (or `{c.or_column}`)"
            out.append(f"| `{c.name}` | {required} | {_type(c)} | {'、'.join(c.headers)} |")
        out.append("")
    out += ["# Accepted values (generated)", ""]
    enums = sorted(settings.vocab["enums"])
    for vocab in ["booleans", "industries", "training_categories", *enums]:
        out += [f"## `{vocab}`", "", "| value | spellings |", "| --- | --- |"]
        for canonical, spellings in vocabulary(settings, vocab).items():
            out.append(f"| {canonical} | {'、'.join(spellings) or '—'} |")
        out.append("")
    out.append(
        "Industries also accept every GB/T 4754-2017 name and code of "
        "`src/safetystats/config/industries_gbt4754.csv`."
    )
    return "\n".join(out) + "\n"
