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


def _scored(as_of: str, scores: list[tuple]) -> SavedFigures:
    """Saved figures with the assessment rows (code, score, grade, vetoed, rank)."""
    saved = _saved()
    saved.as_of = as_of
    saved.scores = [
        {"district_code": c, "score": sc, "grade": g, "vetoed": v, "rank": r}
        for c, sc, g, v, r in scores
    ]
    return saved


def _score_cells(page: str, unit_name: str) -> list[str]:
    import re

    row = page.split(f">{unit_name}", 1)[1].split("</tr>", 1)[0]
    return [
        re.sub(r"<[^>]+>", "", c) for c in re.findall(r'<td class="score[^"]*">(.*?)</td>', row)
    ]


def test_the_index_shows_score_grade_and_rank_and_their_change_since_an_earlier_run():
    s = load_settings()
    lab = labels_for(s, "zh")
    now = _scored("2024-12-31", [("371002", 91.0, "一票否决", True, 2),
                                 ("371003", 80.5, "良好", False, 1), (None, 85.2, "良好", False, None)])  # fmt: skip
    page = index.render(now, s, lab)
    assert _score_cells(page, "环翠区") == ["91.0", "一票否决", "2"]
    assert 'class="score veto-grade"' in page  # the veto said in words, in red
    assert _score_cells(page, "全市") == ["85.2", "良好", "—"]  # the total has no rank
    # against an earlier run: 环翠区 was 88.4 合格 first, 文登区 75.0 合格 second
    before = _scored("2024-09-30", [("371002", 88.4, "合格", False, 1),
                                    ("371003", 75.0, "合格", False, 2)])  # fmt: skip
    page = index.render(now, s, lab, earlier=before)
    # 91.0 − 88.4 = +2.6; the grade moved from 合格; rank 1 -> 2 is one down
    assert _score_cells(page, "环翠区") == ["91.0 +2.6", "一票否决（上期合格）", "2 ↓1"]
    assert _score_cells(page, "&lt;b&gt;文登区&lt;/b&gt;") == [
        "80.5 +5.5",
        "良好（上期合格）",
        "1 ↑1",
    ]
    assert _score_cells(page, "全市") == ["85.2", "良好", "—"]  # nothing earlier to compare
    assert "与上期（2024-09-30）相比" in page


def test_the_earlier_run_is_the_latest_before_in_the_same_language(tmp_path):
    for folder, as_of, lang in [("2024-06-30", "2024-06-30", "zh"), ("2024-09-30", "2024-09-30", "zh"),
                                ("2024-11-30-en", "2024-11-30", "en"), ("2024-12-31", "2024-12-31", "zh")]:  # fmt: skip
        _scored(as_of, []).__class__(as_of, lang).save(tmp_path / folder)
    found = SavedFigures.latest_before(tmp_path, "2024-12-31", "zh")
    assert found.as_of == "2024-09-30"
    assert SavedFigures.latest_before(tmp_path, "2024-12-31", "en").as_of == "2024-11-30"
    assert SavedFigures.latest_before(tmp_path, "2024-06-30", "zh") is None
