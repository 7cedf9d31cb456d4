"""The index rendered from saved figures (report/index.py), without a store or a browser."""

from safetystats.config import labels_for, load_settings
from safetystats.report import index
from safetystats.report.saved import SavedFigures


def _saved(lang="zh"):
    units = [
        {"code": "371002", "name": "环翠区", "level": 1, "parent_code": None, "stem": "环翠区",
         "page": "环翠区"},
        {"code": "371003", "name": "<b>文登区</b>", "level": 1, "parent_code": None,
         "stem": "_b_文登区_b_", "page": None},
        {"code": None, "name": "全市", "level": 0, "parent_code": None, "stem": "city_overview",
         "page": "city_overview"},
    ]  # fmt: skip
    rows = [
        {"district_code": u["code"], "target_id": "t1", "name": "演练", "threshold": 0.4,
         "kind": "share", "deadline": "2024-12-31", "value": v, "status": s}
        for u, (v, s) in zip(units, [(0.5, "met"), (0.2, "behind"), (None, "no_data")], strict=True)
    ]  # fmt: skip
    warnings = [
        {"district_code": "371002", "rule": "two_within_60_days"},
        {"district_code": "371002", "rule": "serious_accident"},
    ]
    stale = [{"district_code": "371003", "dataset": "hazards", "latest": "2024-08-31"}]
    return SavedFigures("2024-12-31", lang, True, units, rows, warnings, stale)


def test_a_page_that_failed_says_so_and_names_stay_text():
    s = load_settings()
    failed = {"环翠区": ("生成失败", 'KeyError: "x"')}
    page = index.render(_saved(), s, labels_for(s, "zh"), ["生成失败: 环翠区"], failed)
    assert 'href="环翠区.html"' not in page and 'class="failed"' in page
    assert "&lt;b&gt;文登区&lt;/b&gt;" in page and "<b>文登区</b>" not in page
    assert 'href="city_overview.html"' in page


def test_each_mark_and_status_word_in_both_languages():
    s = load_settings()
    for lang, words in (
        ("zh", ("✓ 达标", "✗ 滞后", "一票否决")),
        ("en", ("✓ Met", "✗ Behind", "VETO")),
    ):
        page = index.render(_saved(lang), s, labels_for(s, lang))
        body = page.split("<tbody>")[1]
        assert all(w in body for w in words), lang
        assert 'data-mark="two_within_60_days"' in body and 'data-mark="stale"' in body
        assert 'data-mark="serious_accident"' not in body  # a veto is said in words instead
