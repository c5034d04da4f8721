"""Layer specifications for the maps: vector layers, raster overlays and site layers, each with a legend.

A map is a list of layer specs handed to :func:`siting.maps.build_map`. Every spec has a bilingual name
(中文 / English) shown in the layer control, an optional legend with units, and an ``add_to`` method that
adds its folium layers and registers legend and search entries with the :class:`MapContext`. A new map
(e.g. the carbon-sink map) is a new list of specs; nothing in the map scaffolding changes.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from siting.maps_raster import DisplayRaster

# --------------------------------------------------------------------------------------------------
# Legends
# --------------------------------------------------------------------------------------------------


def bilingual(zh: str, en: str) -> str:
    """``中文 / English`` (just one of them when the other is empty)."""
    return " / ".join(part for part in (zh, en) if part)


@dataclass(frozen=True)
class ClassLegend:
    """Legend of classes: ``items`` are ``(colour, label_zh, label_en)``."""

    title_zh: str
    title_en: str
    items: tuple[tuple[str, str, str], ...]
    unit: str = ""
    note: str = ""

    def html(self) -> str:
        """The legend block as HTML."""
        rows = "".join(
            f'<div class="sl-row"><span class="sl-swatch" style="background:{html.escape(color)}"></span>'
            f"{html.escape(bilingual(zh, en))}</div>"
            for color, zh, en in self.items
        )
        return _legend_block(self.title_zh, self.title_en, self.unit, rows, self.note)


@dataclass(frozen=True)
class ColorbarLegend:
    """Legend of a continuous value: a gradient bar from ``vmin`` to ``vmax`` [``unit``]."""

    title_zh: str
    title_en: str
    colors: tuple[str, ...]
    vmin: float
    vmax: float
    unit: str = ""
    note: str = ""

    def html(self) -> str:
        """The legend block as HTML."""
        bar = (
            f'<div class="sl-bar" style="background:linear-gradient(to right,{",".join(self.colors)})"></div>'
            f'<div class="sl-ticks"><span>{_fmt(self.vmin)}</span><span>{_fmt((self.vmin + self.vmax) / 2)}'
            f"</span><span>{_fmt(self.vmax)}</span></div>"
        )
        return _legend_block(self.title_zh, self.title_en, self.unit, bar, self.note)


Legend = ClassLegend | ColorbarLegend


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.3g}"


def _legend_block(title_zh: str, title_en: str, unit: str, body: str, note: str) -> str:
    unit_html = f' <span class="sl-unit">[{html.escape(unit)}]</span>' if unit else ""
    note_html = f'<div class="sl-note">{html.escape(note)}</div>' if note else ""
    title = html.escape(bilingual(title_zh, title_en))
    return f'<div class="sl-title">{title}{unit_html}</div>{body}{note_html}'


# --------------------------------------------------------------------------------------------------
# What layers register with the map
# --------------------------------------------------------------------------------------------------


@dataclass
class SearchEntry:
    """One searchable thing: its label and the box to zoom to [degrees]."""

    label: str
    lat: float
    lon: float
    bounds: tuple[float, float, float, float]  # south, west, north, east


@dataclass
class MapContext:
    """What layers register while being added: legends (with the layers they describe), search entries,
    base-filter groups."""

    legends: list[tuple[str, list[str]]] = field(default_factory=list)  # (legend html, layer JS names)
    search: list[SearchEntry] = field(default_factory=list)
    base_groups: list[tuple[str, str, str]] = field(default_factory=list)  # (base id, label, layer JS name)


def _search_entries(gdf: gpd.GeoDataFrame, labels: Sequence[str]) -> list[SearchEntry]:
    bounds = shapely.bounds(np.asarray(gdf.geometry.values))
    points = gdf.geometry.representative_point()
    return [
        SearchEntry(label, float(p.y), float(p.x), (float(b[1]), float(b[0]), float(b[3]), float(b[2])))
        for label, p, b in zip(labels, points, bounds, strict=True)
    ]


def geojson_data(gdf: gpd.GeoDataFrame, *, simplify_deg: float = 0.0, decimals: int = 5) -> dict:
    """A GeoDataFrame as a compact GeoJSON dict in EPSG:4326.

    Geometries are simplified by ``simplify_deg`` [degrees] (topology kept), coordinates rounded to
    ``decimals`` (5 ≈ 1 m), float attributes to 4 decimals (``lon``/``lat`` to 6); NaN becomes null.
    """
    gdf = gdf.to_crs(4326) if gdf.crs is not None and gdf.crs.to_epsg() != 4326 else gdf.copy()
    geoms = np.asarray(gdf.geometry.values)
    if simplify_deg > 0:
        geoms = shapely.simplify(geoms, simplify_deg, preserve_topology=True)
    geoms = shapely.transform(geoms, lambda xy: np.round(xy, decimals))
    gdf = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=4326))
    for col in gdf.columns:
        if col != gdf.geometry.name and pd.api.types.is_float_dtype(gdf[col].dtype):
            gdf[col] = gdf[col].round(6 if col in ("lon", "lat") else 4)
    return json.loads(gdf.to_json(drop_id=True, na="null"))


# --------------------------------------------------------------------------------------------------
# Layer specs
# --------------------------------------------------------------------------------------------------


@dataclass
class VectorLayer:
    """Polygons or lines from a GeoDataFrame.

    Attributes
    ----------
    name_zh, name_en : str
        Bilingual name in the layer control.
    gdf : GeoDataFrame
        Features (any CRS; shown in EPSG:4326).
    style : dict
        Leaflet path style (``color``, ``weight``, ``fillColor``, ``fillOpacity``, ``dashArray`` …).
    style_column, style_colors : str, dict
        Optional per-feature fill/stroke colour: ``style_colors[feature[style_column]]``.
    tooltip, popup : sequence of (column, label)
        Fields shown on hover / click.
    label_column : str or None
        Column written as a permanent text label at each feature's representative point.
    search_column : str or None
        Column whose values are searchable (e.g. county names).
    simplify_deg : float
        Simplification tolerance [degrees] for display (0.001° ≈ 100 m).
    show : bool
        Visible when the map opens.
    legend : ClassLegend or ColorbarLegend or None
    """

    name_zh: str
    name_en: str
    gdf: gpd.GeoDataFrame
    style: dict = field(default_factory=dict)
    style_column: str | None = None
    style_colors: Mapping[Any, str] = field(default_factory=dict)
    tooltip: Sequence[tuple[str, str]] = ()
    popup: Sequence[tuple[str, str]] = ()
    label_column: str | None = None
    search_column: str | None = None
    simplify_deg: float = 0.0
    show: bool = True
    legend: Legend | None = None

    @property
    def name(self) -> str:
        """Bilingual name."""
        return bilingual(self.name_zh, self.name_en)

    def add_to(self, m: folium.Map, ctx: MapContext) -> None:
        """Add a feature group with the GeoJSON (and labels) to ``m``; register legend and search."""
        group = folium.FeatureGroup(name=self.name, show=self.show)
        gdf = self.gdf.to_crs(4326) if self.gdf.crs is not None else self.gdf
        base_style = {"weight": 1.5, "fillOpacity": 0.0, **self.style}
        colors, column = dict(self.style_colors), self.style_column

        def style(feature: dict) -> dict:
            s = dict(base_style)
            if column and feature["properties"].get(column) in colors:
                color = colors[feature["properties"][column]]
                s.update(color=color, fillColor=color)
            return s

        fields = list(
            dict.fromkeys([c for c, _ in (*self.tooltip, *self.popup)] + ([column] if column else []))
        )
        data = geojson_data(gdf[[*fields, gdf.geometry.name]], simplify_deg=self.simplify_deg)
        folium.GeoJson(
            data,
            name=self.name,
            style_function=style,
            tooltip=folium.GeoJsonTooltip([c for c, _ in self.tooltip], aliases=[a for _, a in self.tooltip])
            if self.tooltip
            else None,
            popup=folium.GeoJsonPopup([c for c, _ in self.popup], aliases=[a for _, a in self.popup])
            if self.popup
            else None,
            control=False,
        ).add_to(group)
        if self.label_column:
            for label, point in zip(gdf[self.label_column], gdf.geometry.representative_point(), strict=True):
                folium.Marker(
                    [point.y, point.x],
                    icon=folium.DivIcon(
                        html=f'<div class="sl-label">{html.escape(str(label))}</div>',
                        icon_size=(0, 0),
                        icon_anchor=(0, 0),
                        class_name="sl-label-icon",
                    ),
                ).add_to(group)
        group.add_to(m)
        if self.legend is not None:
            ctx.legends.append((self.legend.html(), [group.get_name()]))
        if self.search_column:
            ctx.search += _search_entries(gdf, [str(v) for v in gdf[self.search_column]])


@dataclass
class RasterOverlay:
    """A raster shown as an image overlay (already warped to Web Mercator and coloured).

    Attributes
    ----------
    name_zh, name_en : str
    image_uri : str
        ``data:image/png;base64,…`` (see :mod:`siting.maps_raster`).
    bounds_latlon : ((south, west), (north, east))
        Corners [degrees] of the Web Mercator image.
    opacity : float
    show : bool
    legend : ClassLegend or ColorbarLegend or None
    """

    name_zh: str
    name_en: str
    image_uri: str
    bounds_latlon: tuple[tuple[float, float], tuple[float, float]]
    opacity: float = 1.0
    show: bool = False
    legend: Legend | None = None

    @classmethod
    def from_display(
        cls, name_zh: str, name_en: str, raster: DisplayRaster, image_uri: str, **kwargs: Any
    ) -> RasterOverlay:
        """Build from a :class:`~siting.maps_raster.DisplayRaster` and its coloured PNG."""
        return cls(name_zh, name_en, image_uri, raster.bounds_latlon, **kwargs)

    @property
    def name(self) -> str:
        """Bilingual name."""
        return bilingual(self.name_zh, self.name_en)

    def add_to(self, m: folium.Map, ctx: MapContext) -> None:
        """Add an ``L.imageOverlay`` (rows in Web Mercator, so ``mercator_project`` stays off)."""
        (south, west), (north, east) = self.bounds_latlon
        overlay = folium.raster_layers.ImageOverlay(
            image=self.image_uri,
            bounds=[[south, west], [north, east]],
            name=self.name,
            opacity=self.opacity,
            show=self.show,
            mercator_project=False,
            interactive=False,
            cross_origin=False,
            className="sl-raster",
            pane="sl-rasters",
        )
        overlay.add_to(m)
        if self.legend is not None:
            ctx.legends.append((self.legend.html(), [overlay.get_name()]))


SITE_COLUMN_LABELS: dict[str, str] = {
    "site_id": "场址编号 Site id",
    "technology": "技术 Technology",
    "base": "基地 Base",
    "city": "市 City",
    "county": "县 County",
    "land_category": "土地类别 Land category",
    "area_km2": "面积 Area [km²]",
    "capacity_mw": "装机容量 Capacity [MW]",
    "annual_energy_gwh": "年发电量 Annual energy [GWh]",
    "capacity_factor": "容量系数 Capacity factor [-]",
    "specific_yield_kwh_kwp": "单位发电量 Specific yield [kWh/kWp/yr]",
    "full_load_hours": "满发小时 Full-load hours [h/yr]",
    "mean_slope_deg": "平均坡度 Mean slope [°]",
    "score": "评分 Score [0–100]",
    "rank": "排名 Rank",
    "lon": "经度 Longitude [°E]",
    "lat": "纬度 Latitude [°N]",
    "data_basis": "数据基础 Data basis",
}
"""Bilingual popup labels (with units) of the site columns; other columns show their own name."""


@dataclass
class SiteLayer:
    """Candidate sites, coloured by a value, one toggleable group per base (the base filter).

    Attributes
    ----------
    name_zh, name_en : str
        Name of the layer (each base's group is named ``name · base``).
    sites : GeoDataFrame
        Site polygons with the site columns; every column except the geometry appears in the popup.
    color_column : str
        Column that sets the colour (e.g. ``score``, ``specific_yield_kwh_kwp``, ``full_load_hours``).
    vmin, vmax : float
        Colour range of ``color_column``.
    colors : tuple of str
        Colour ramp (hex), low to high.
    base_names : mapping
        ``base id → (name_zh, name_en)`` for group names; ids not found are shown as they are.
    group_column : str
        Column holding the base id.
    search_column : str
        Column whose values are searchable (the site id).
    legend : ColorbarLegend or None
    show : bool
    """

    name_zh: str
    name_en: str
    sites: gpd.GeoDataFrame
    color_column: str
    vmin: float
    vmax: float
    colors: tuple[str, ...]
    base_names: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    group_column: str = "base"
    search_column: str = "site_id"
    legend: Legend | None = None
    show: bool = True

    def color_of(self, value: Any) -> str:
        """Colour of a value on the ramp (grey when missing)."""
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return "#888888"
        from matplotlib.colors import LinearSegmentedColormap, to_hex

        cmap = LinearSegmentedColormap.from_list("sites", list(self.colors))
        frac = 0.0 if self.vmax == self.vmin else (float(value) - self.vmin) / (self.vmax - self.vmin)
        return to_hex(cmap(min(max(frac, 0.0), 1.0)))

    def add_to(self, m: folium.Map, ctx: MapContext) -> None:
        """Add one feature group per base (sorted by base id; sites of no base last)."""
        gdf = self.sites.to_crs(4326) if self.sites.crs is not None else self.sites
        columns = [c for c in gdf.columns if c != gdf.geometry.name]
        aliases = [SITE_COLUMN_LABELS.get(c, c) for c in columns]
        group_ids = gdf[self.group_column].fillna("").astype(str) if self.group_column in gdf else None
        keys = sorted(set(group_ids)) if group_ids is not None else [""]
        keys = [k for k in keys if k] + [k for k in keys if not k]
        layer_names: list[str] = []
        for key in keys:
            part = gdf if group_ids is None else gdf[group_ids == key]
            zh, en = self.base_names.get(key, (key, key)) if key else ("基地外", "outside bases")
            group = folium.FeatureGroup(
                name=f"{bilingual(self.name_zh + ' · ' + zh, self.name_en + ' · ' + en)} ({len(part)})",
                show=self.show,
            )
            color_column = self.color_column

            def style(feature: dict, _col: str = color_column) -> dict:
                color = self.color_of(feature["properties"].get(_col))
                return {"color": color, "weight": 3, "fillColor": color, "fillOpacity": 0.7}

            folium.GeoJson(
                geojson_data(part),
                style_function=style,
                highlight_function=lambda _f: {"weight": 5, "color": "#000000"},
                tooltip=folium.GeoJsonTooltip(
                    [self.search_column, self.color_column],
                    aliases=[SITE_COLUMN_LABELS.get(c, c) for c in (self.search_column, self.color_column)],
                ),
                popup=folium.GeoJsonPopup(columns, aliases=aliases, class_name="sl-popup"),
                control=False,
            ).add_to(group)
            group.add_to(m)
            layer_names.append(group.get_name())
            ctx.base_groups.append((key, bilingual(zh, en), group.get_name()))
            if self.search_column in part and len(part):
                ctx.search += _search_entries(part, [str(v) for v in part[self.search_column]])
        if self.legend is not None:
            ctx.legends.append((self.legend.html(), layer_names))


LayerSpec = VectorLayer | RasterOverlay | SiteLayer
