"""The HTML report ``results/{run}/report.html``: the study's questions and their answers.

Every section is built from inputs handed in as DataFrames and dicts, and a section whose inputs are
absent is left out: the report never shows placeholders or numbers it was not given. The page is
self-contained (inline CSS, inline SVG figures, no scripts, nothing loaded over the network).

Inputs (column names are those the analysis stages write; extra columns are ignored):

``eligibility`` — per base and technology
    ``base`` (base id; empty = outside every base), ``technology`` (``pv``/``wind``),
    ``eligible_area_km2``, ``capacity_mw``; optional ``annual_energy_gwh``.
``targets`` — per base
    ``base``, ``target_gw``; optional ``technology`` (targets per technology are summed per base) and
    ``note``.
``land_categories`` — per technology and land category
    ``technology``, ``land_category``, ``eligible_area_km2``; optional ``capacity_mw``.
``exclusions`` — per technology, the summary of :func:`siting.eligibility.summarise_exclusions`
    rows = disjoint zones (or one province row), columns ``total_km2``, ``excluded_km2_<rule>``,
    ``excluded_first_km2_<rule>``, ``invalid_km2``, ``eligible_km2``; the rules themselves come from
    ``config["exclusions"]``.
``sites`` — per technology, the site table (GeoDataFrame or DataFrame with the site columns).
``sinks`` — per candidate kind: ``kind``, ``area_km2``; optional ``sequestration_t_co2_per_yr``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from siting import sources
from siting.errors import InputError
from siting.io import DEMO_BASIS, atomic_path
from siting.report_plots import capacity_vs_target_svg, grouped_bars_svg

PROVINCE_TARGET_2030_GW = 120.0
"""Wind + PV installed capacity [GW] that section (三) of the opinions sets for 2030 (1.2亿千瓦左右)."""
PROVINCE_TARGET_2030_TEXT = "风电、光伏发电总装机达到1.2亿千瓦左右 (opinions, section 三)"

TECH_NAMES: dict[str, tuple[str, str]] = {"pv": ("光伏", "PV"), "wind": ("风电", "Wind")}
LAND_CATEGORY_NAMES: dict[str, tuple[str, str]] = {
    "coal_subsidence": ("采煤沉陷区", "Coal-mining subsidence"),
    "saline": ("盐碱地", "Saline-alkali land"),
    "barren_hills": ("荒山荒坡", "Barren hills and slopes"),
    "other": ("其他", "Other"),
}
TOP_SITE_COLUMNS = [
    "rank",
    "site_id",
    "base",
    "city",
    "county",
    "land_category",
    "area_km2",
    "capacity_mw",
    "annual_energy_gwh",
    "capacity_factor",
    "specific_yield_kwh_kwp",
    "full_load_hours",
    "mean_slope_deg",
    "score",
]

CSS = """
body { font: 14px/1.5 "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; margin: 0;
  color: #222; background: #fafafa; }
main { max-width: 1100px; margin: 0 auto; padding: 10px 24px 60px; background: #fff; }
h1 { font-size: 24px; margin: 14px 0 4px; }
h2 { font-size: 19px; margin-top: 34px; border-bottom: 2px solid #ddd; }
h3 { font-size: 15px; margin-top: 18px; }
.sub { color: #555; margin: 0 0 8px; }
.banner { position: sticky; top: 0; z-index: 10; background: #b30000; color: #fff; font-weight: 700;
  padding: 7px 16px; text-align: center; }
td.id { white-space: nowrap; }
.answer { background: #f3f7fb; border-left: 4px solid #2c7fb8; padding: 8px 14px; margin: 10px 0; }
.q { font-weight: 700; }
table { border-collapse: collapse; margin: 8px 0 14px; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 7px; } th { background: #eef1f4; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 10px 0; } figcaption { color: #555; font-size: 12.5px; }
pre { background: #f6f6f6; border: 1px solid #ddd; padding: 10px; overflow-x: auto; font-size: 12px; }
.note { color: #555; font-size: 12.5px; }
nav a { margin-right: 12px; }
"""


# --------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------


def _e(text: Any) -> str:
    return html.escape(str(text))


def _bi(zh: str, en: str) -> str:
    return f"{_e(zh)} <span lang='en'>{_e(en)}</span>"


def _require(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(
            f"report input {what!r} lacks column(s) {missing} (has {list(df.columns)}); "
            "re-run the rule that writes it"
        )


def _num(value: Any, decimals: int = 0) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,.{decimals}f}"
    return _e(value)


def _table(
    df: pd.DataFrame,
    headers: Mapping[str, str],
    *,
    decimals: Mapping[str, int] | None = None,
    table_id: str = "",
) -> str:
    """An HTML table of ``df[headers.keys()]`` with bilingual headers; numbers right-aligned."""
    decimals = decimals or {}
    cols = [c for c in headers if c in df.columns]
    head = "".join(f"<th>{headers[c]}</th>" for c in cols)
    rows = []
    for _, row in df[cols].iterrows():
        cells = []
        for c in cols:
            v = row[c]
            if isinstance(v, int | float) and not isinstance(v, bool):
                cells.append(f'<td class="num">{_num(v, decimals.get(c, 1))}</td>')
            else:
                cls = ' class="id"' if c.endswith("_id") else ""
                text = "" if v is None or (isinstance(v, float) and pd.isna(v)) else _e(v)
                cells.append(f"<td{cls}>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    tid = f' id="{_e(table_id)}"' if table_id else ""
    return f"<table{tid}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{caption}</figcaption></figure>"


def _section(section_id: str, title_zh: str, title_en: str, body: str) -> str:
    return f'<section id="{section_id}"><h2>{_bi(title_zh, title_en)}</h2>{body}</section>'


def base_label(base_id: Any, base_names: Mapping[str, tuple[str, str]]) -> str:
    """``晋北 / North Shanxi … (jinbei)`` style label of a base id; outside every base for an empty id."""
    if base_id is None or (isinstance(base_id, float) and pd.isna(base_id)) or str(base_id) == "":
        return "基地外 / outside bases"
    zh, en = base_names.get(str(base_id), ("", ""))
    return f"{zh} / {en}" if zh or en else str(base_id)


def short_base_label(base_id: Any, base_names: Mapping[str, tuple[str, str]]) -> str:
    """Short label of a base for narrow columns: the two-character prefix of a ``…基地`` name (``晋北``)."""
    label = base_label(base_id, base_names).split(" / ")[0]
    return label[:2] if label.endswith("基地") and len(label) > 4 else label


def _tech(tech: str) -> str:
    zh, en = TECH_NAMES.get(tech, (tech, tech))
    return f"{zh} {en}"


# --------------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------------


def _base_key(series: pd.Series) -> pd.Series:
    return series.where(series.notna(), "").astype(str)


def capacity_section(
    eligibility: pd.DataFrame,
    *,
    targets: pd.DataFrame | None,
    target_2030_gw: float | None,
    base_names: Mapping[str, tuple[str, str]],
) -> str:
    """Eligible area and capacity per base and technology, against the 2030 target (and base targets)."""
    _require(eligibility, ["base", "technology", "eligible_area_km2", "capacity_mw"], "eligibility")
    df = eligibility.copy()
    df["base"] = _base_key(df["base"])
    pivot_mw = df.pivot_table(
        index="base", columns="technology", values="capacity_mw", aggfunc="sum", sort=False
    )
    pivot_km2 = df.pivot_table(
        index="base", columns="technology", values="eligible_area_km2", aggfunc="sum", sort=False
    )
    techs = [t for t in ("pv", "wind") if t in pivot_mw.columns] + [
        t for t in pivot_mw.columns if t not in ("pv", "wind")
    ]
    total_gw = float(df["capacity_mw"].sum()) / 1000.0
    per_tech_gw = {t: float(pivot_mw[t].sum()) / 1000.0 for t in techs}

    target_by_base: dict[str, float] = {}
    if targets is not None:
        _require(targets, ["base", "target_gw"], "targets")
        t = targets.copy()
        t["base"] = _base_key(t["base"])
        target_by_base = t.groupby("base", sort=False)["target_gw"].sum().to_dict()

    parts = [
        (
            f'<p class="q">问：山西的可开发土地能否承载2030年约{target_2030_gw:,.0f} GW的风电、光伏装机？<br>'
            f"Q: Can Shanxi's eligible land carry the ~{target_2030_gw:,.0f} GW of wind and PV the policy "
            "sets for 2030?</p>"
        )
        if target_2030_gw
        else '<p class="q">问：山西的可开发土地能承载多少风电、光伏装机？<br>'
        "Q: How much wind and PV capacity can Shanxi's eligible land carry?</p>"
    ]
    answer = [
        f"可开发土地上的技术装机潜力合计 <b>{total_gw:,.1f} GW</b>（"
        + "，".join(f"{_tech(t)} {per_tech_gw[t]:,.1f} GW" for t in techs)
        + "）。"
        f" Eligible land holds a technical potential of <b>{total_gw:,.1f} GW</b>."
    ]
    if target_2030_gw:
        ratio = total_gw / target_2030_gw
        answer.append(
            f"2030年目标 {target_2030_gw:,.0f} GW（{_e(PROVINCE_TARGET_2030_TEXT)}）：潜力为目标的 "
            f"<b>{ratio:,.1f}</b> 倍 · potential / 2030 target = <b>{ratio:,.1f}×</b>."
        )
    parts.append(f'<div class="answer" id="answer-capacity">{" ".join(answer)}</div>')

    rows = []
    for base in pivot_mw.index:
        row: dict[str, Any] = {"base_label": base_label(base, base_names)}
        for tech in techs:
            row[f"area_{tech}"] = pivot_km2.at[base, tech] if tech in pivot_km2.columns else None
            row[f"gw_{tech}"] = pivot_mw.at[base, tech] / 1000.0
        row["gw_total"] = sum(row[f"gw_{t}"] for t in techs if pd.notna(row[f"gw_{t}"]))
        if target_by_base:
            row["target_gw"] = target_by_base.get(base)
            row["ratio"] = row["gw_total"] / row["target_gw"] if row["target_gw"] else None
        rows.append(row)
    table = pd.DataFrame(rows)
    headers = {"base_label": "基地 Base"}
    for tech in techs:
        headers[f"area_{tech}"] = f"{_tech(tech)} 可开发面积 eligible [km²]"
        headers[f"gw_{tech}"] = f"{_tech(tech)} 潜力 potential [GW]"
    headers["gw_total"] = "合计 Total [GW]"
    if target_by_base:
        headers["target_gw"] = "目标 Target [GW]"
        headers["ratio"] = "潜力/目标 Potential / target [×]"
    decimals = {c: (0 if c.startswith("area_") else 1) for c in headers}
    parts.append(_table(table, headers, decimals=decimals, table_id="table-capacity"))

    plot = pd.DataFrame(
        {t: table[f"gw_{t}"].to_numpy() for t in techs},
        index=[str(b) if b else "outside" for b in pivot_mw.index],
    )
    svg = capacity_vs_target_svg(
        plot,
        targets_gw={(str(b) if b else "outside"): v for b, v in target_by_base.items()} or None,
        title="Eligible capacity per base",
    )
    parts.append(
        _figure(
            svg,
            "各基地可开发装机潜力（按技术）· Eligible capacity per base and technology [GW]"
            + ("；黑线为目标 · black ticks: targets" if target_by_base else ""),
        )
    )
    if base_names:
        parts.append(
            '<p class="note">基地的县域范围为按地理提出的方案，可在配置中修改 · '
            "The bases' county lists are a proposal from geography (config), not an official list.</p>"
        )
    return _section(
        "capacity", "可开发装机与2030年目标", "Eligible capacity and the 2030 target", "".join(parts)
    )


def sites_section(
    sites: Mapping[str, pd.DataFrame], *, top_n: int, base_names: Mapping[str, tuple[str, str]]
) -> str:
    """The top ``top_n`` sites per technology by rank, and the totals of all sites."""
    parts = ['<p class="q">问：最好的场址在哪里？ Q: Where are the best sites?</p>']
    headers = {
        "rank": "排名 Rank",
        "site_id": "场址 Site",
        "base": "基地 Base",
        "city": "市 City",
        "county": "县 County",
        "land_category": "土地类别 Land",
        "area_km2": "面积 Area [km²]",
        "capacity_mw": "容量 Capacity [MW]",
        "annual_energy_gwh": "年发电量 Energy [GWh/yr]",
        "capacity_factor": "容量系数 CF [-]",
        "specific_yield_kwh_kwp": "单位发电量 Yield [kWh/kWp/yr]",
        "full_load_hours": "满发小时 FLH [h/yr]",
        "mean_slope_deg": "坡度 Slope [°]",
        "score": "评分 Score [0–100]",
    }
    decimals = {
        "rank": 0,
        "area_km2": 2,
        "capacity_mw": 0,
        "annual_energy_gwh": 0,
        "capacity_factor": 3,
        "specific_yield_kwh_kwp": 0,
        "full_load_hours": 0,
        "mean_slope_deg": 1,
        "score": 1,
    }
    for tech, df in sites.items():
        _require(df, ["site_id", "rank", "capacity_mw"], f"sites[{tech}]")
        df = pd.DataFrame(df.drop(columns="geometry", errors="ignore"))
        n, total_gw = len(df), float(df["capacity_mw"].sum()) / 1000.0
        energy = (
            f"，年发电量 {df['annual_energy_gwh'].sum() / 1000:,.1f} TWh" if "annual_energy_gwh" in df else ""
        )
        top = df.sort_values("rank").head(top_n).copy()
        if "base" in top:
            top["base"] = [short_base_label(b, base_names) for b in top["base"]]
        if "land_category" in top:
            top["land_category"] = [LAND_CATEGORY_NAMES.get(c, (c, ""))[0] for c in top["land_category"]]
        parts.append(f"<h3>{_e(_tech(tech))}</h3>")
        parts.append(
            f'<div class="answer" id="answer-sites-{_e(tech)}">{n:,} 个候选场址，合计 {total_gw:,.1f} GW'
            f"{energy} · {n:,} candidate sites, {total_gw:,.1f} GW in total.</div>"
        )
        parts.append(
            _table(
                top,
                {c: headers[c] for c in TOP_SITE_COLUMNS if c in top},
                decimals=decimals,
                table_id=f"table-sites-{tech}",
            )
        )
    return _section("sites", f"最佳场址（前{top_n}）", f"Top {top_n} sites", "".join(parts))


def land_section(land: pd.DataFrame) -> str:
    """Eligible area per land category and technology (the categories the policy favours)."""
    _require(land, ["technology", "land_category", "eligible_area_km2"], "land_categories")
    pivot = land.pivot_table(
        index="land_category", columns="technology", values="eligible_area_km2", aggfunc="sum", sort=False
    )
    order = [c for c in LAND_CATEGORY_NAMES if c in pivot.index] + [
        c for c in pivot.index if c not in LAND_CATEGORY_NAMES
    ]
    pivot = pivot.loc[order]
    table = pd.DataFrame({"category": [" / ".join(LAND_CATEGORY_NAMES.get(c, (c, c))) for c in pivot.index]})
    headers = {"category": "土地类别 Land category"}
    for tech in pivot.columns:
        table[tech] = pivot[tech].to_numpy()
        headers[tech] = f"{_tech(tech)} 可开发面积 eligible [km²]"
    if "capacity_mw" in land:
        cap = land.pivot_table(
            index="land_category", columns="technology", values="capacity_mw", aggfunc="sum", sort=False
        ).reindex(order)
        for tech in cap.columns:
            table[f"gw_{tech}"] = cap[tech].to_numpy() / 1000.0
            headers[f"gw_{tech}"] = f"{_tech(tech)} 潜力 potential [GW]"
    parts = [
        '<p class="q">问：可开发土地中有多少是政策优先的采煤沉陷区、盐碱地和荒山荒坡？<br>'
        "Q: How much of the eligible land is coal-subsidence, saline or barren land, which the policy "
        "favours?</p>"
    ]
    parts.append(
        _table(
            table,
            headers,
            decimals={c: (0 if not c.startswith("gw_") else 1) for c in headers},
            table_id="table-land",
        )
    )
    svg = grouped_bars_svg(
        pivot.rename(index=lambda c: LAND_CATEGORY_NAMES.get(c, (c, c))[1]),
        xlabel="Eligible area [km²]",
        title="Eligible area per land category",
    )
    parts.append(_figure(svg, "各土地类别的可开发面积 · Eligible area per land category [km²]"))
    return _section("land", "土地类别", "Land categories", "".join(parts))


def _rules(config: Mapping[str, Any] | None, tech: str) -> list[Mapping[str, Any]]:
    ex = (config or {}).get("exclusions") or {}
    return [*(ex.get("common") or []), *(ex.get(tech) or [])]


def _selector(rule: Mapping[str, Any]) -> str:
    for key in ("classes", "above", "below", "between"):
        if key in rule:
            return f"{key} {rule[key]}"
    return "features" if rule.get("features") else ""


def exclusions_section(exclusions: Mapping[str, pd.DataFrame], *, config: Mapping[str, Any] | None) -> str:
    """The exclusion rules per technology with the area each removed (alone, and first in rule order)."""
    parts = [
        '<p class="q">问：哪些排除规则去掉了多少土地？ Q: Which exclusion rules removed how much land?</p>',
        '<p class="note">"单独排除" = 该规则单独排除的面积（规则间重叠）；'
        '"首先排除" = 按规则顺序首先由该规则排除的面积（合计等于排除总面积）· '
        "<i>alone</i>: all cells the rule excludes (rules overlap); <i>first</i>: cells whose first "
        "excluding rule it is (these add up to the excluded total).</p>",
    ]
    for tech, summary in exclusions.items():
        totals = summary.select_dtypes("number").sum()
        names = [
            c.removeprefix("excluded_first_km2_")
            for c in summary.columns
            if c.startswith("excluded_first_km2_")
        ]
        if not names:
            raise InputError(
                f"report input exclusions[{tech!r}] has no excluded_first_km2_<rule> columns "
                f"(has {list(summary.columns)}); pass the summary of eligibility.summarise_exclusions"
            )
        rules = {r.get("name"): r for r in _rules(config, tech)}
        rows = [
            {
                "rule": name,
                "layer": rules.get(name, {}).get("layer", ""),
                "selector": _selector(rules.get(name, {})),
                "buffer_m": rules.get(name, {}).get("buffer_m"),
                "invert": "yes" if rules.get(name, {}).get("invert") else "",
                "description": rules.get(name, {}).get("description", ""),
                "alone": totals.get(f"excluded_km2_{name}"),
                "first": totals.get(f"excluded_first_km2_{name}"),
            }
            for name in names
        ]
        table = pd.DataFrame(rows)
        parts.append(f"<h3>{_e(_tech(tech))}</h3>")
        total = totals.get("total_km2")
        eligible = totals.get("eligible_km2")
        if total and eligible is not None:
            parts.append(
                f'<div class="answer" id="answer-exclusions-{_e(tech)}">可开发 {eligible:,.0f} km²，占 '
                f"{total:,.0f} km² 的 {eligible / total:.1%} · eligible {eligible:,.0f} km² of "
                f"{total:,.0f} km² ({eligible / total:.1%}).</div>"
            )
        parts.append(
            _table(
                table,
                {
                    "rule": "规则 Rule",
                    "layer": "图层 Layer",
                    "selector": "选择 Selector",
                    "buffer_m": "缓冲 Buffer [m]",
                    "invert": "反选 Invert",
                    "description": "说明 Description",
                    "alone": "单独排除 Alone [km²]",
                    "first": "首先排除 First [km²]",
                },
                decimals={"buffer_m": 0, "alone": 0, "first": 0},
                table_id=f"table-exclusions-{tech}",
            )
        )
        svg = grouped_bars_svg(
            table.set_index("rule")[["alone", "first"]],
            xlabel="Excluded area [km²]",
            title=f"{TECH_NAMES.get(tech, (tech, tech))[1]}: area removed per rule",
            colors=["#bbbbbb", "#d62728"],
        )
        parts.append(
            _figure(
                svg,
                f"{_e(_tech(tech))}：各规则排除的面积 · area removed per rule [km²] "
                "(grey: alone, red: first)",
            )
        )
    return _section("exclusions", "排除规则", "Exclusion rules", "".join(parts))


def sinks_section(sinks: pd.DataFrame, *, forest_target_km2: float | None) -> str:
    """Carbon-sink candidates (afforestation, wetland) and, when given, the forest-cover target."""
    _require(sinks, ["kind", "area_km2"], "sinks")
    parts = [
        '<p class="q">问：造林和湿地候选地能否满足森林覆盖率目标？ Q: Do the afforestation and wetland '
        "candidates meet the forest-cover target?</p>"
    ]
    afforest = sinks.loc[sinks["kind"].astype(str).str.contains("forest"), "area_km2"].sum()
    if forest_target_km2:
        parts.append(
            f'<div class="answer" id="answer-sinks">造林候选地 {afforest:,.0f} km²，目标新增森林 '
            f"{forest_target_km2:,.0f} km²（{afforest / forest_target_km2:.0%}）· afforestation "
            f"candidates {afforest:,.0f} km² vs {forest_target_km2:,.0f} km² of new forest needed.</div>"
        )
    headers = {
        "kind": "类型 Kind",
        "area_km2": "面积 Area [km²]",
        "sequestration_t_co2_per_yr": "固碳 Sequestration [t CO₂/yr]",
    }
    parts.append(
        _table(
            sinks, headers, decimals={"area_km2": 0, "sequestration_t_co2_per_yr": 0}, table_id="table-sinks"
        )
    )
    return _section("sinks", "碳汇", "Carbon sinks", "".join(parts))


def regions_section(regions: pd.DataFrame) -> str:
    """The eligibility summary per region (city/county), folded."""
    headers = {c: _e(c) for c in regions.columns if c != "geometry"}
    decimals = {c: (3 if "share" in c else 1) for c in headers}
    body = (
        f"<details><summary>{len(regions):,} 行 rows</summary>"
        f"{_table(pd.DataFrame(regions), headers, decimals=decimals, table_id='table-regions')}</details>"
    )
    return _section("regions", "各地区可开发面积", "Eligibility per region", body)


def maps_section(maps: Sequence[tuple[str, str, str]]) -> str:
    """Links to the maps (relative paths: the maps sit beside the report)."""
    items = "".join(f'<li><a href="{_e(href)}">{_bi(zh, en)}</a></li>' for href, zh, en in maps)
    return _section(
        "maps",
        "地图",
        "Maps",
        f"<ul>{items}</ul><p class='note'>地图可离线打开 · the maps open without a network.</p>",
    )


def provenance_section(source_ids: Iterable[str], *, data_basis: str) -> str:
    """The data sources with version, licence and attribution (from :mod:`siting.sources`)."""
    rows = []
    for sid in dict.fromkeys(source_ids):
        s = sources.get_source(sid)
        rows.append(
            f"<tr><td>{_e(s.title)}</td><td>{_e(s.version)}</td><td>{_e(s.licence)}</td>"
            f'<td>{_e(s.attribution)}</td><td><a href="{_e(s.homepage)}">{_e(s.homepage)}</a></td></tr>'
        )
    note = ""
    if data_basis == DEMO_BASIS:
        note = (
            '<p class="note"><b>本次运行使用合成演示数据</b>，按上述数据源的格式生成，不含其真实数值 · '
            "<b>this run used synthetic demo inputs</b> made in these sources' formats, not their data.</p>"
        )
    table = (
        "<table id='table-sources'><thead><tr><th>数据 Dataset</th><th>版本 Version</th><th>许可 Licence</th>"
        f"<th>署名 Attribution</th><th>主页 Homepage</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    return _section("provenance", "数据来源与许可", "Data provenance and licences", note + table)


def config_section(config: Mapping[str, Any]) -> str:
    """The configuration that produced the run, as YAML."""
    import yaml

    text = yaml.safe_dump(dict(config), allow_unicode=True, sort_keys=False, default_flow_style=False)
    return _section("config", "运行配置", "Configuration of this run", f"<pre>{_e(text)}</pre>")


# --------------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------------


def build_report(
    *,
    run: str,
    data_basis: str,
    eligibility: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    target_2030_gw: float | None = PROVINCE_TARGET_2030_GW,
    land_categories: pd.DataFrame | None = None,
    exclusions: Mapping[str, pd.DataFrame] | None = None,
    sites: Mapping[str, pd.DataFrame] | None = None,
    top_n: int = 10,
    sinks: pd.DataFrame | None = None,
    forest_target_km2: float | None = None,
    regions: pd.DataFrame | None = None,
    base_names: Mapping[str, tuple[str, str]] | None = None,
    maps: Sequence[tuple[str, str, str]] = (),
    source_ids: Iterable[str] = (),
    config: Mapping[str, Any] | None = None,
) -> str:
    """The report as one self-contained HTML page.

    Parameters
    ----------
    run : str
        Run name (``demo``, ``shanxi``, a scenario).
    data_basis : str
        ``demo-synthetic`` puts a synthetic-data banner on the page and in its title.
    eligibility, targets, land_categories, exclusions, sites, sinks, regions
        Section inputs (see the module docstring); a section is left out when its input is ``None``/empty.
    target_2030_gw : float or None
        Province wind + PV target for 2030 [GW] (policy section 三: ~120 GW); ``None`` leaves it out.
    top_n : int
        Sites listed per technology.
    forest_target_km2 : float, optional
        New forest needed for the forest-cover target [km²] (≈ 3,900 km² for +2.5 pp).
    base_names : mapping, optional
        ``base id → (name_zh, name_en)`` (from the region's ``base`` layer).
    maps : sequence of (href, title_zh, title_en)
        Links to the maps, relative to the report.
    source_ids : iterable of str
        Catalogue ids of the data used (provenance section).
    config : mapping, optional
        The run's config (YAML section, and the exclusion rules' definitions).

    Returns
    -------
    str
        The HTML page.
    """
    base_names = dict(base_names or {})
    synthetic = data_basis == DEMO_BASIS
    sections: list[tuple[str, str, str]] = []  # (id, nav label, html)

    def add(section_id: str, label: str, body: str) -> None:
        sections.append((section_id, label, body))

    if eligibility is not None and not eligibility.empty:
        add(
            "capacity",
            "装机潜力 Capacity",
            capacity_section(
                eligibility, targets=targets, target_2030_gw=target_2030_gw, base_names=base_names
            ),
        )
    if sites:
        non_empty = {t: df for t, df in sites.items() if df is not None and len(df)}
        if non_empty:
            add("sites", "场址 Sites", sites_section(non_empty, top_n=top_n, base_names=base_names))
    if land_categories is not None and not land_categories.empty:
        add("land", "土地类别 Land", land_section(land_categories))
    if exclusions:
        non_empty = {t: df for t, df in exclusions.items() if df is not None and len(df)}
        if non_empty:
            add("exclusions", "排除规则 Exclusions", exclusions_section(non_empty, config=config))
    if sinks is not None and not sinks.empty:
        add("sinks", "碳汇 Sinks", sinks_section(sinks, forest_target_km2=forest_target_km2))
    if regions is not None and not regions.empty:
        add("regions", "地区 Regions", regions_section(regions))
    if maps:
        add("maps", "地图 Maps", maps_section(maps))
    source_ids = list(source_ids)
    if source_ids:
        add("provenance", "数据来源 Data", provenance_section(source_ids, data_basis=data_basis))
    if config:
        add("config", "配置 Config", config_section(config))

    title = f"山西风光与碳汇选址报告 · Shanxi wind, PV and carbon-sink siting report — {run}"
    banner = (
        f'<div class="banner" id="synthetic-banner">合成演示数据，非真实结果 · SYNTHETIC DEMO DATA '
        f"({_e(data_basis)}) — not real results</div>"
        if synthetic
        else ""
    )
    nav = "".join(f'<a href="#{sid}">{_e(label)}</a>' for sid, label, _ in sections)
    page_title = ("[合成数据 SYNTHETIC] " if synthetic else "") + title
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{_e(page_title)}</title><style>{CSS}</style></head><body>{banner}<main>"
        f"<h1>山西风光与碳汇选址报告</h1><p class='sub'>Shanxi wind, PV and carbon-sink siting report · "
        f"运行 run <b>{_e(run)}</b> · 数据基础 data basis <b>{_e(data_basis)}</b></p>"
        f"<nav>{nav}</nav>{''.join(body for _, _, body in sections)}</main></body></html>\n"
    )


def write_report(path: str | Path, **inputs: Any) -> Path:
    """Build the report from ``inputs`` (the keywords of :func:`build_report`) and write it atomically."""
    page = build_report(**inputs)
    with atomic_path(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return Path(path)
