"""Rows that each break one rule of DATA_SPEC section 4, appended to the sample's ledgers."""

from __future__ import annotations

import re

import polars as pl

from safetystats.sample.area import ALIAS, NAME
from safetystats.sample.city import SampleCity
from safetystats.sample.scales import Scale

BAD = {
    # dataset -> rows appended (column -> text), each breaking one rule of DATA_SPEC section 4.
    # <Dk> is the name of the registry's k-th leaf unit, <Ak> an alias of it, <Ck> the 6 digits
    # of its code (so every row but the unknown 火星区 names a unit of any registry)
    "hazards": [
        {
            "隐患编号": "BAD-H01",
            "统一社会信用代码": "91<C0>BAD0000001",
            "所属区市": "<D0>",
            "隐患等级": "一般",
            "发现日期": "2024-02-30",
        },
        {
            "隐患编号": "BAD-H02",
            "统一社会信用代码": "91<C0>BAD0000002",
            "所属区市": "<D0>",
            "隐患等级": "一般",
            "发现日期": "上周",
        },
        {
            "隐患编号": "BAD-H03",
            "统一社会信用代码": "91<C1>BAD0000003",
            "所属区市": "<D1>",
            "隐患等级": "重大",
            "发现日期": "2024-05-10",
            "整改完成日期": "2024-05-01",
            "整改期限": "2024-06-30",
        },
        {
            "隐患编号": "BAD-H04",
            "统一社会信用代码": "91<C1>BAD0000004",
            "所属区市": "<D1>",
            "隐患等级": "一般",
            "发现日期": "2024-05-10",
            "销号日期": "2024-06-01",
        },
        {
            "隐患编号": "BAD-H05",
            "统一社会信用代码": "91<C2>BAD0000005",
            "所属区市": "<D2>",
            "隐患等级": "一般",
            "发现日期": "2024-05-10",
            "整改完成日期": "2024-06-10",
            "销号日期": "2024-06-01",
        },
        {
            "隐患编号": "BAD-H06",
            "统一社会信用代码": "91<C2>BAD0000006",
            "所属区市": "<D2>",
            "隐患等级": "一般",
            "发现日期": "2099-01-01",
        },
        {
            "隐患编号": "BAD-H07",
            "统一社会信用代码": "91<C3>BAD0000007",
            "所属区市": "火星区",
            "隐患等级": "一般",
            "发现日期": "2024-03-01",
        },
        {
            "隐患编号": "BAD-H08",
            "统一社会信用代码": "91<C3>BAD0000008",
            "所属区市": "<D3>",
            "隐患等级": "特大",
            "发现日期": "2024-03-01",
        },
        {
            "隐患编号": "BAD-H09",
            "统一社会信用代码": "91<C3>BAD0000009",
            "所属区市": "<D3>",
            "隐患等级": "一般",
            "发现日期": "2024-03-01",
            "整改资金（万元）": "-3",
        },
        {
            "隐患编号": "BAD-H10",
            "统一社会信用代码": "",
            "所属区市": "<D3>",
            "隐患等级": "一般",
            "发现日期": "2024-03-01",
        },
        {
            "隐患编号": "BAD-H11",
            "统一社会信用代码": "91<C4>BAD0000011",
            "所属区市": "<A4>",
            "隐患等级": "一般",
            "发现日期": "2024-03-01",
        },
        {
            "隐患编号": "BAD-H11",
            "统一社会信用代码": "91<C4>BAD0000011",
            "所属区市": "<A4>",
            "隐患等级": "重大",
            "发现日期": "2024-03-01",
        },
        {
            "隐患编号": "WARN-H12",
            "统一社会信用代码": "91<C5>NOTINREG12",
            "所属区市": "<A5>",
            "隐患等级": "重大",
            "发现日期": "2024-04-01",
            "整改状态": "已销号",
        },
    ],
    "drills": [
        {
            "演练编号": "BAD-D01",
            "统一社会信用代码": "91<C0>BAD0000001",
            "演练日期": "2024/13/5",
            "演练类型": "综合",
        },
        {
            "演练编号": "BAD-D02",
            "统一社会信用代码": "91<C0>BAD0000002",
            "演练日期": "2024-05-05",
            "演练类型": "桌面推演",
            "参演人数": "-5",
        },
    ],
    "training_counts": [
        {
            "统一社会信用代码": "91<C0>BAD0000001",
            "培训类别": "全员",
            "统计月份": "2024-05",
            "培训人数": "10",
            "考核合格人数": "12",
        },
        {
            "统一社会信用代码": "91<C0>BAD0000002",
            "培训类别": "保安",
            "统计月份": "2024-05",
            "培训人数": "10",
            "考核合格人数": "9",
        },
        {
            "统一社会信用代码": "91<C0>BAD0000003",
            "培训类别": "全员",
            "统计月份": "2024-13",
            "培训人数": "10",
            "考核合格人数": "9",
        },
    ],
    "enterprises": [
        {
            "*统一社会信用代码": "91999999BAD0000001",
            "*企业名称": "样例火星化工有限公司",
            "*所属区市": "火星区",
            "*行业领域": "危险化学品",
            "从业人员数": "20人",
        },
        {
            "*统一社会信用代码": "91<C0>BAD0000002",
            "*企业名称": "样例养殖有限公司",
            "*所属区市": "<D0>",
            "*行业领域": "养殖业",
            "从业人员数": "-10",
        },
    ],
    "video_sites": [
        {
            "点位编号": "BAD-V01",
            "所属区市": "<D2>",
            "点位名称": "样例坏数据点位",
            "是否高后果区": "是",
            "是否安装智能视频监控": "也许",
        },
    ],
    "tasks": [
        {
            "任务编号": "BAD-T01",
            "任务名称": "农村公路危桥改造",
            "项目名称": "样例坏数据危桥",
            "所属区市": "<D1>",
            "计划数": "0",
            "累计完成": "0",
            "计量单位": "座",
            "填报日期": "2024-06-30",
        },
    ],
    "activities": [
        {
            "所属区县": "<D0>",
            "牵头单位": "样例坏数据单位",
            "工作类型": "座谈交流",
            "开展日期": "2024-05-20",
            "主要内容": "样例坏数据：活动类型不在可选值中",
        },
    ],
}


_TOKEN = re.compile(r"<([DAC])(\d)>")


def _bad_rows(columns: list[str], dataset: str, scale: Scale, city: SampleCity) -> list[list]:
    if not scale.bad_rows:
        return []
    leaves, table = city.districts, city.spellings.table

    def fill(text):
        if not isinstance(text, str):
            return text

        def unit(m: re.Match) -> str:
            k = int(m.group(2)) % len(leaves)
            if m.group(1) == "C":
                return leaves[k].code[:6]
            return table[k, NAME if m.group(1) == "D" else ALIAS]

        # their keys carry the seed's tag too: another seed's sample holds other records
        text = re.sub(r"^(BAD|WARN)-", rf"\1-{city.tag}-", _TOKEN.sub(unit, text))
        return text.replace("BAD000", f"BAD{city.tag}")

    return [[fill(r.get(c)) for c in columns] for r in BAD.get(dataset, [])]


def _with_bad(frame: pl.DataFrame, dataset: str, scale: Scale, city: SampleCity) -> pl.DataFrame:
    """For text files: the frame as text with the bad rows appended."""
    bad = pl.DataFrame(
        _bad_rows(frame.columns, dataset, scale, city),
        schema={c: pl.String for c in frame.columns},
        orient="row",
    )
    text = frame.with_columns(pl.col(pl.Date).dt.strftime("%Y-%m-%d")).with_columns(
        pl.all().cast(pl.String)
    )
    return pl.concat([text, bad])
