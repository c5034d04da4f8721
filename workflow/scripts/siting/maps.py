"""Self-contained, offline Folium maps: the overview, the PV and wind site maps, and the scaffolding any
later map (carbon sinks) reuses.

A map is :func:`build_map` over a list of layer specs (:mod:`siting.maps_layers`): vector layers, raster
overlays and site layers, each with a bilingual name and a legend with units. :func:`map_html` renders
it with every JS/CSS file inlined (:mod:`siting.assets`) and checks that nothing is loaded from the
network; :func:`write_map` writes it atomically.

Basemaps are OpenStreetMap and, when a key is given, Tianditu (天地图, CGCS2000 ≈ WGS84, Web Mercator
tiles); never AMap/Gaode, whose GCJ-02 tiles would misplace every layer. All data layers are embedded
in the page, so they show on a plain background when no tile loads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import folium
import geopandas as gpd
from folium import plugins

from siting import sources
from siting.assets import UNUSED_FOLIUM_DEFAULTS, AssetError, external_references, inline_assets
from siting.io import DEMO_BASIS, atomic_path
from siting.maps_controls import Attributions, BaseFilter, LegendPanel, SearchControl, TitleBanner, page_style
from siting.maps_layers import (
    ClassLegend,
    ColorbarLegend,
    LayerSpec,
    MapContext,
    RasterOverlay,
    SiteLayer,
    VectorLayer,
    bilingual,
)
from siting.maps_raster import (
    DEFAULT_MAX_PX,
    RasterSource,
    classes_png,
    continuous_png,
    display_raster,
    gradient_colors,
)

TECHNOLOGIES: dict[str, tuple[str, str]] = {"pv": ("光伏", "PV"), "wind": ("风电", "Wind")}

LAND_CATEGORIES: dict[int, tuple[str, str, str]] = {
    1: ("#8c510a", "采煤沉陷区", "Coal-mining subsidence"),
    2: ("#35978f", "盐碱地", "Saline-alkali land"),
    3: ("#dfc27d", "荒山荒坡", "Barren hills and slopes"),
    4: ("#bdbdbd", "其他", "Other"),
}
"""Land-category raster codes (0 = outside) → colour, 中文, English."""

ELIGIBLE_COLORS: dict[str, str] = {"pv": "#f28e2b", "wind": "#2c7fb8"}
BASE_COLORS: tuple[str, ...] = ("#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628", "#f781bf")
SCORE_CMAP = "viridis"

TIANDITU_URL = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}"
    "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)
TIANDITU_ATTRIBUTION = '&copy; <a href="https://www.tianditu.gov.cn/">天地图 Tianditu</a> (CGCS2000)'
RASTER_PANE = "sl-rasters"
"""Map pane of the raster overlays: above the tiles (200), below the vector layers (400), whatever the
order in which the layer control switches them on."""
MAP_SIZE_LIMIT_BYTES = 25 * 1024 * 1024
"""A map bigger than this opens slowly; :func:`map_html` warns through an exception only when asked."""


# --------------------------------------------------------------------------------------------------
# The scaffolding
# --------------------------------------------------------------------------------------------------


def _basemaps(m: folium.Map, *, tianditu_key: str | None) -> None:
    folium.TileLayer("OpenStreetMap", name="开放街道地图 OpenStreetMap", control=True).add_to(m)
    if tianditu_key:
        group = folium.FeatureGroup(name="天地图 Tianditu", overlay=False, show=False)
        for layer in ("vec", "cva"):
            folium.TileLayer(
                tiles=TIANDITU_URL.format(s="{s}", layer=layer, key=tianditu_key),
                attr=TIANDITU_ATTRIBUTION,
                subdomains="01234567",
                max_zoom=18,
                name=f"tianditu-{layer}",
                control=False,
            ).add_to(group)
        group.add_to(m)
    folium.FeatureGroup(name="无底图 No basemap", overlay=False, show=False).add_to(m)


def build_map(
    layers: Sequence[LayerSpec],
    *,
    title_zh: str,
    title_en: str,
    data_basis: str,
    attributions: Sequence[str] = (),
    bounds: tuple[float, float, float, float] | None = None,
    tianditu_key: str | None = None,
    search: bool = True,
) -> folium.Map:
    """A folium map with the given layers and the controls every map of the project has.

    Parameters
    ----------
    layers : sequence of VectorLayer, RasterOverlay, SiteLayer
        Added in order (later layers draw on top).
    title_zh, title_en : str
        Title shown on the map and in the page title.
    data_basis : str
        ``demo-synthetic`` adds the synthetic-data label to the title and a fixed banner.
    attributions : sequence of str
        Data attributions (from :func:`siting.sources.attributions`), added to the attribution control.
    bounds : (west, south, east, north), optional
        Extent to open on [degrees]; default the first vector layer's extent.
    tianditu_key : str, optional
        Tianditu API key; without one the Tianditu basemap is left out.
    search : bool
        Add the search box (over layers with a search column).

    Returns
    -------
    folium.Map
    """
    synthetic = data_basis == DEMO_BASIS
    m = folium.Map(location=[37.6, 112.3], zoom_start=7, tiles=None, control_scale=True, prefer_canvas=False)
    m.default_js = [(n, u) for n, u in m.default_js if n not in UNUSED_FOLIUM_DEFAULTS]
    m.default_css = [(n, u) for n, u in m.default_css if n not in UNUSED_FOLIUM_DEFAULTS]
    root = m.get_root()
    root.title = ("[合成数据 SYNTHETIC] " if synthetic else "") + bilingual(title_zh, title_en)
    root.header.add_child(page_style(), name="siting_css")
    _basemaps(m, tianditu_key=tianditu_key)
    folium.map.CustomPane(RASTER_PANE, z_index=350, pointer_events=False).add_to(m)

    ctx = MapContext()
    for layer in layers:
        layer.add_to(m, ctx)

    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    if ctx.base_groups:
        m.add_child(BaseFilter(ctx.base_groups))
    plugins.Fullscreen(
        position="topleft", title="全屏 Full screen", title_cancel="退出全屏 Exit full screen"
    ).add_to(m)
    plugins.MeasureControl(
        position="topleft",
        primary_length_unit="kilometers",
        secondary_length_unit="meters",
        primary_area_unit="hectares",
        secondary_area_unit="sqmeters",
    ).add_to(m)
    if search and ctx.search:
        m.add_child(SearchControl(ctx.search))
    if ctx.legends:
        m.add_child(LegendPanel(ctx.legends))
    m.add_child(TitleBanner(title_zh, title_en, data_basis=data_basis, synthetic=synthetic))
    if attributions:
        m.add_child(Attributions(attributions))

    if bounds is None:
        vectors = [lyr for lyr in layers if isinstance(lyr, VectorLayer | SiteLayer)]
        if vectors:
            gdf = vectors[0].gdf if isinstance(vectors[0], VectorLayer) else vectors[0].sites
            bounds = tuple(gdf.to_crs(4326).total_bounds) if gdf.crs is not None else tuple(gdf.total_bounds)
    if bounds is not None:
        west, south, east, north = bounds
        m.fit_bounds([[south, west], [north, east]])
    return m


def map_html(m: folium.Map, *, max_bytes: int | None = None) -> str:
    """The map as one self-contained HTML page (every JS/CSS file inlined, nothing loaded over the network).

    Raises
    ------
    AssetError
        A library file is missing (run ``npm ci --prefix envs``), or the page would still load something
        from the network, or (when ``max_bytes`` is given) the page is bigger than that.
    """
    page = inline_assets(m.get_root().render())
    left = external_references(page)
    if left:
        raise AssetError(f"the map still references {left}; it must be self-contained")
    size = len(page.encode("utf-8"))
    if max_bytes is not None and size > max_bytes:
        raise AssetError(
            f"the map is {size / 1e6:.1f} MB (limit {max_bytes / 1e6:.0f} MB); "
            "lower max_px or simplify the vector layers"
        )
    return page


def write_map(m: folium.Map | str, path: str | Path) -> Path:
    """Write a map (or its rendered HTML) to ``path`` atomically; returns the path."""
    page = m if isinstance(m, str) else map_html(m)
    with atomic_path(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return Path(path)


# --------------------------------------------------------------------------------------------------
# Layers of the project's maps
# --------------------------------------------------------------------------------------------------


def base_names(region: Mapping[str, gpd.GeoDataFrame]) -> dict[str, tuple[str, str]]:
    """``base_id → (name_zh, name_en)`` from the region's ``base`` layer (empty when absent)."""
    bases = region.get("base")
    if bases is None or bases.empty:
        return {}
    return {str(r.base_id): (str(r.name_zh), str(r.name_en)) for r in bases.itertuples()}


def short_base_name(base_id: str, name_zh: str) -> tuple[str, str]:
    """Short bilingual base name for labels and the layer control: ``("晋北", "Jinbei")``.

    The Chinese short name is the two-character place prefix of a ``…基地`` name (晋北, 忻朔, 晋西, 晋东,
    晋南); the English one is the base id in title case.
    """
    zh = name_zh[:2] if name_zh.endswith("基地") and len(name_zh) > 4 else name_zh
    return zh, base_id.replace("_", " ").title()


def region_layers(region: Mapping[str, gpd.GeoDataFrame], *, show_bases: bool = True) -> list[LayerSpec]:
    """Vector layers of the region: province, cities, counties (searchable) and the bases (labelled)."""
    out: list[LayerSpec] = []
    if (bases := region.get("base")) is not None and not bases.empty:
        bases = bases.copy()
        bases["label"] = [
            " ".join(short_base_name(str(b), str(zh)))
            for b, zh in zip(bases["base_id"], bases["name_zh"], strict=True)
        ]
        colors = {bid: BASE_COLORS[i % len(BASE_COLORS)] for i, bid in enumerate(bases["base_id"])}
        out.append(
            VectorLayer(
                "风光基地（按地理提议）",
                "Wind/PV bases (proposed from geography)",
                bases,
                style={"weight": 2.5, "fillOpacity": 0.12, "dashArray": "6 4"},
                style_column="base_id",
                style_colors=colors,
                tooltip=[("name_zh", "基地"), ("name_en", "Base"), ("area_km2", "面积 Area [km²]")],
                popup=[
                    ("base_id", "编号 Id"),
                    ("name_zh", "名称"),
                    ("name_en", "Name"),
                    ("n_counties", "县数 Counties"),
                    ("counties", "县 County list"),
                    ("area_km2", "面积 Area [km²]"),
                    ("definition", "定义 Definition"),
                ],
                label_column="label",
                simplify_deg=0.002,
                show=show_bases,
                legend=ClassLegend(
                    "风光基地",
                    "Wind/PV bases",
                    tuple(
                        (colors[b], zh, en)
                        for b, zh, en in bases[["base_id", "name_zh", "name_en"]].itertuples(index=False)
                    ),
                    note="县的划分为按地理提出的方案 · county lists are a proposal from geography",
                ),
            )
        )
    if (counties := region.get("county")) is not None and not counties.empty:
        counties = counties.copy()
        counties["search"] = [
            f"{name} {city} {code}"
            for name, city, code in zip(
                counties["name_zh"], counties.get("city_zh", ""), counties["adcode"], strict=True
            )
        ]
        out.append(
            VectorLayer(
                "县区",
                "Counties",
                counties,
                style={"color": "#555555", "weight": 0.8, "fillOpacity": 0.0},
                tooltip=[
                    (c, a)
                    for c, a in [
                        ("name_zh", "县 County"),
                        ("city_zh", "市 City"),
                        ("adcode", "代码 Adcode"),
                        ("area_km2", "面积 Area [km²]"),
                    ]
                    if c in counties
                ],
                search_column="search",
                simplify_deg=0.001,
            )
        )
    if (cities := region.get("city")) is not None and not cities.empty:
        out.append(
            VectorLayer(
                "地级市",
                "Cities",
                cities,
                style={"color": "#222222", "weight": 1.6, "fill": False},
                tooltip=[("name_zh", "市 City"), ("adcode", "代码 Adcode"), ("area_km2", "面积 Area [km²]")],
                simplify_deg=0.001,
            )
        )
    if (province := region.get("province")) is not None and not province.empty:
        out.append(
            VectorLayer(
                "省界",
                "Province",
                province,
                style={"color": "#000000", "weight": 3, "fill": False},
                simplify_deg=0.001,
            )
        )
    return out


def eligibility_layer(
    source: RasterSource, technology: str, *, max_px: int = DEFAULT_MAX_PX, show: bool = False
) -> RasterOverlay:
    """Eligible land (1) of one technology as an overlay; excluded (0) and nodata (255) transparent."""
    zh, en = TECHNOLOGIES.get(technology, (technology, technology))
    raster = display_raster(source, categorical=True, max_px=max_px)
    color = ELIGIBLE_COLORS.get(technology, "#1a9850")
    return RasterOverlay.from_display(
        f"{zh}可开发土地",
        f"{en} eligible land",
        raster,
        classes_png(raster, {1: color + "c0"}),
        show=show,
        legend=ClassLegend(
            f"{zh}可开发土地",
            f"{en} eligible land",
            ((color, "可开发", "eligible"),),
            note="未着色 = 排除 · uncoloured = excluded",
        ),
    )


def land_category_layer(
    source: RasterSource, *, max_px: int = DEFAULT_MAX_PX, show: bool = False
) -> RasterOverlay:
    """Land categories (采煤沉陷区, 盐碱地, 荒山荒坡, 其他) as an overlay; 0 (outside) transparent."""
    raster = display_raster(source, categorical=True, max_px=max_px)
    return RasterOverlay.from_display(
        "土地类别",
        "Land categories",
        raster,
        classes_png(raster, {code: color + "d0" for code, (color, _, _) in LAND_CATEGORIES.items()}),
        show=show,
        legend=ClassLegend(
            "土地类别",
            "Land categories",
            tuple((color, zh, en) for color, zh, en in LAND_CATEGORIES.values()),
        ),
    )


def score_layer(
    source: RasterSource, technology: str, *, max_px: int = DEFAULT_MAX_PX, show: bool = False
) -> RasterOverlay:
    """Suitability score 0–100 of one technology as an overlay; NaN transparent."""
    zh, en = TECHNOLOGIES.get(technology, (technology, technology))
    raster = display_raster(source, categorical=False, max_px=max_px)
    return RasterOverlay.from_display(
        f"{zh}适宜性评分",
        f"{en} suitability score",
        raster,
        continuous_png(raster, vmin=0, vmax=100, cmap=SCORE_CMAP),
        show=show,
        legend=ColorbarLegend(
            f"{zh}适宜性评分",
            f"{en} suitability score",
            tuple(gradient_colors(SCORE_CMAP)),
            0,
            100,
            unit="0–100",
        ),
    )


def _region_bounds(region: Mapping[str, gpd.GeoDataFrame]) -> tuple[float, float, float, float] | None:
    for key in ("province", "city", "county", "base"):
        if (gdf := region.get(key)) is not None and not gdf.empty:
            return tuple(gdf.to_crs(4326).total_bounds)
    return None


# --------------------------------------------------------------------------------------------------
# The project's maps
# --------------------------------------------------------------------------------------------------


def overview_map(
    region: Mapping[str, gpd.GeoDataFrame],
    *,
    data_basis: str,
    eligibility: Mapping[str, RasterSource] | None = None,
    land_categories: RasterSource | None = None,
    scores: Mapping[str, RasterSource] | None = None,
    source_ids: Iterable[str] = (),
    tianditu_key: str | None = None,
    max_px: int = DEFAULT_MAX_PX,
) -> folium.Map:
    """The overview: province, cities, counties, the bases, eligibility, land categories and scores.

    Parameters
    ----------
    region : mapping of str to GeoDataFrame
        Layers of ``region.gpkg``: ``province``, ``city``, ``county``, ``base`` (any may be missing).
    data_basis : str
        ``demo-synthetic`` or the real source versions; the former labels the map as synthetic.
    eligibility : mapping, optional
        ``technology → raster`` (uint8: 1 eligible, 0 not, 255 nodata; equal-area CRS).
    land_categories : raster, optional
        uint8: 0 outside, 1 coal subsidence, 2 saline, 3 barren hills, 4 other.
    scores : mapping, optional
        ``technology → raster`` (float32 0–100, NaN nodata).
    source_ids : iterable of str
        Catalogue ids of the data behind the map; their attributions are shown.
    tianditu_key : str, optional
        Tianditu key; without one only OpenStreetMap (and "no basemap") are offered.
    max_px : int
        Long side of each raster overlay [px] (1,500 keeps a 100 m province grid well under 25 MB).

    Returns
    -------
    folium.Map
    """
    layers: list[LayerSpec] = []
    for tech, src in (scores or {}).items():
        layers.append(score_layer(src, tech, max_px=max_px))
    if land_categories is not None:
        layers.append(land_category_layer(land_categories, max_px=max_px))
    for i, (tech, src) in enumerate((eligibility or {}).items()):
        layers.append(eligibility_layer(src, tech, max_px=max_px, show=i == 0))
    layers += region_layers(region)
    return build_map(
        layers,
        title_zh="山西风光与碳汇选址：总览",
        title_en="Shanxi wind, PV and carbon-sink siting: overview",
        data_basis=data_basis,
        attributions=sources.attributions(source_ids),
        bounds=_region_bounds(region),
        tianditu_key=tianditu_key,
    )


SITE_COLOR_COLUMNS: dict[str, tuple[str, str, str]] = {
    "score": ("评分", "Score", "0–100"),
    "specific_yield_kwh_kwp": ("单位发电量", "Specific yield", "kWh/kWp/yr"),
    "full_load_hours": ("满发小时", "Full-load hours", "h/yr"),
    "capacity_factor": ("容量系数", "Capacity factor", "-"),
}


def sites_map(
    sites: gpd.GeoDataFrame,
    *,
    technology: str,
    data_basis: str,
    region: Mapping[str, gpd.GeoDataFrame] | None = None,
    color_by: str = "score",
    source_ids: Iterable[str] = (),
    tianditu_key: str | None = None,
) -> folium.Map:
    """Candidate sites of one technology (``pv.html``, ``wind.html``) over the region.

    Parameters
    ----------
    sites : GeoDataFrame
        One layer of the sites GeoPackage (polygons, EPSG:4326, the site columns). Every column but the
        geometry is shown in the popup.
    technology : str
        ``pv`` or ``wind``.
    data_basis : str
        ``demo-synthetic`` labels the map as synthetic.
    region : mapping, optional
        Layers of ``region.gpkg`` drawn underneath (and the bases' names for the base filter).
    color_by : str
        Column that colours the sites: ``score`` (0–100), ``specific_yield_kwh_kwp``, ``full_load_hours`` or
        ``capacity_factor`` (range from the data).
    source_ids : iterable of str
        Catalogue ids whose attributions are shown.
    tianditu_key : str, optional

    Returns
    -------
    folium.Map
    """
    region = region or {}
    zh, en = TECHNOLOGIES.get(technology, (technology, technology))
    if color_by not in sites.columns:
        raise KeyError(f"color_by={color_by!r} is not a column of the sites ({list(sites.columns)})")
    c_zh, c_en, unit = SITE_COLOR_COLUMNS.get(color_by, (color_by, color_by, ""))
    if color_by == "score":
        vmin, vmax = 0.0, 100.0
    else:
        values = sites[color_by].dropna()
        vmin, vmax = (float(values.min()), float(values.max())) if len(values) else (0.0, 1.0)
    colors = tuple(gradient_colors("plasma", 7))
    layers: list[LayerSpec] = region_layers(region)
    layers.append(
        SiteLayer(
            f"{zh}场址",
            f"{en} sites",
            sites,
            color_column=color_by,
            vmin=vmin,
            vmax=vmax,
            colors=colors,
            base_names={k: short_base_name(k, z) for k, (z, _e) in base_names(region).items()},
            legend=ColorbarLegend(
                f"{zh}场址 · {c_zh}", f"{en} sites · {c_en}", colors, vmin, vmax, unit=unit
            ),
        )
    )
    bounds = _region_bounds(region) or (tuple(sites.to_crs(4326).total_bounds) if len(sites) else None)
    return build_map(
        layers,
        title_zh=f"山西{zh}候选场址",
        title_en=f"Shanxi candidate {en} sites",
        data_basis=data_basis,
        attributions=sources.attributions(source_ids),
        bounds=bounds,
        tianditu_key=tianditu_key,
    )
