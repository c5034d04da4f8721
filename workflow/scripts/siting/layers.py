"""The named layers exclusion rules and scores read, from the prepared tile rasters, with proxies.

A user vector layer that is not configured is replaced by its labelled proxy (see
``shared/domain/shanxi.md``): the ecological red line by protected areas, configured land-cover
classes and steep high ground; permanent farmland by WorldCover cropland. :func:`constraint_layers`
returns which source each layer came from, and the outputs carry it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

import numpy as np

NOT_CONFIGURED = "not configured"
LANDCOVER_NODATA = 0  # WorldCover: no data

# User vector layers rasterised as presence (0/1) by prepare_vectors, in band order.
PRESENCE_LAYERS = (
    "ecological_redline",
    "permanent_farmland",
    "coal_subsidence",
    "saline_land",
    "protected_areas",
    "mining_areas",
)
# User vector layers turned into distance bands by prepare_distances: {layer key: band name}.
DISTANCE_LAYERS = {"substations": "distance_substation_m", "transmission_lines": "distance_line_m"}
TERRAIN_BANDS = ("elevation_m", "slope_deg", "aspect_deg", "ruggedness_m")
CLIMATE_BANDS = (
    "ghi_kwh_m2_day",
    "dni_kwh_m2_day",
    "pvout_kwh_kwp_day",
    "wind_speed_m_s",
    "weibull_a_m_s",
    "weibull_k",
    "air_density_kg_m3",
)
# The prepared rasters of a tile (``resources/{run}/tiles/{tile}/{group}.tif``) and their bands.
GROUP_BANDS: dict[str, tuple[str, ...]] = {
    "terrain": TERRAIN_BANDS,
    "landcover": ("landcover",),
    "climate": CLIMATE_BANDS,
    "vectors": PRESENCE_LAYERS,
    "distances": tuple(DISTANCE_LAYERS.values()),
    "zones": ("county_zone",),
    "soil": ("salinity_ds_m",),
}
GROUPS = tuple(GROUP_BANDS)
LAYER_GROUP = {band: group for group, bands in GROUP_BANDS.items() for band in bands}
# What the proxy of a user layer that is not configured reads (see constraint_layers).
PROXY_GROUPS = {"ecological_redline": ("landcover", "terrain"), "permanent_farmland": ("landcover",)}
PROXY_BANDS = ("elevation_m", "slope_deg")


def is_configured(tags: Mapping[str, str], key: str) -> bool:
    """Whether the prepared vectors raster holds the user layer ``key`` (see ``prepare_vectors``)."""
    return tags.get(f"{key.upper()}_SOURCE", NOT_CONFIGURED) != NOT_CONFIGURED


def redline_proxy(
    *,
    landcover: np.ndarray,
    elevation_m: np.ndarray,
    slope_deg: np.ndarray,
    protected: np.ndarray | None,
    landcover_classes: list[int],
    min_elevation_m: float,
    min_slope_deg: float,
) -> np.ndarray:
    """Proxy of the ecological red line: protected areas ∪ given classes ∪ steep high ground.

    Parameters
    ----------
    landcover : uint8 WorldCover codes.
    elevation_m, slope_deg : float32 [m], [°]; NaN never selected.
    protected : bool or uint8 presence of protected areas, or None.
    landcover_classes : classes taken as red line (e.g. herbaceous wetland 90).
    min_elevation_m, min_slope_deg : "steep high ground" is elevation ≥ and slope ≥ both.
    """
    with np.errstate(invalid="ignore"):
        out = np.isin(landcover, landcover_classes) | (
            (elevation_m >= min_elevation_m) & (slope_deg >= min_slope_deg)
        )
    if protected is not None:
        out |= protected.astype(bool)
    return out.astype("uint8")


def constraint_layers(
    *,
    terrain: Mapping[str, np.ndarray],
    landcover: np.ndarray | None,
    climate: Mapping[str, np.ndarray],
    vectors: Mapping[str, np.ndarray],
    vector_tags: Mapping[str, str],
    distances: Mapping[str, np.ndarray],
    proxies: Mapping[str, Any],
) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """All layers by the names the config uses, and the source of each user/proxy layer.

    Groups that were not read may be empty (``landcover`` None): a proxy whose inputs are missing
    is then not made (see :func:`layer_groups` for what each layer needs).

    Returns
    -------
    (dict, dict)
        ``{layer name: array}`` and ``{layer name: "user: <path>" | "proxy: <what>" | "none"}``.
    """
    layers: dict[str, np.ndarray] = {**terrain, **climate, **distances}
    if landcover is not None:
        layers["landcover"] = landcover
    sources: dict[str, str] = {}
    for key, arr in vectors.items():
        if is_configured(vector_tags, key):
            layers[key] = arr
            sources[key] = vector_tags[f"{key.upper()}_SOURCE"]
    protected = layers.get("protected_areas")
    if "ecological_redline" in vectors and "ecological_redline" not in layers and landcover is not None:
        p = proxies["ecological_redline"]
        layers["ecological_redline"] = redline_proxy(
            landcover=landcover,
            elevation_m=terrain["elevation_m"],
            slope_deg=terrain["slope_deg"],
            protected=protected,
            landcover_classes=p["landcover_classes"],
            min_elevation_m=p["min_elevation_m"],
            min_slope_deg=p["min_slope_deg"],
        )
        sources["ecological_redline"] = (
            f"proxy: WorldCover classes {p['landcover_classes']}, elevation >= {p['min_elevation_m']} m "
            f"with slope >= {p['min_slope_deg']} deg" + (", protected areas" if protected is not None else "")
        )
    if "permanent_farmland" in vectors and "permanent_farmland" not in layers and landcover is not None:
        classes = proxies["permanent_farmland"]["landcover_classes"]
        layers["permanent_farmland"] = np.isin(landcover, classes).astype("uint8")
        sources["permanent_farmland"] = f"proxy: WorldCover classes {classes} (cropland)"
    for key in vectors:
        if key not in layers and key not in PROXY_GROUPS:
            layers[key] = np.zeros_like(vectors[key])
            sources[key] = "none (layer not configured, no proxy): excludes nothing"
    return layers, sources


def builtup_distance_m(
    landcover: np.ndarray, *, resolution_m: float, cap_m: float, builtup_classes: tuple[int, ...] = (50,)
) -> np.ndarray:
    """Distance [m] from each cell centre to the nearest built-up cell, capped at ``cap_m``.

    Computed on the haloed tile, so it is exact up to the halo width; beyond that it saturates at
    ``cap_m`` (the scoring config keeps its built-up mappings within the halo).
    """
    from scipy.ndimage import distance_transform_edt

    builtup = np.isin(landcover, builtup_classes)
    if not builtup.any():
        return np.full(landcover.shape, cap_m, dtype="float32")
    dist = distance_transform_edt(~builtup, sampling=resolution_m)
    return np.minimum(dist, cap_m).astype("float32")


def category_layers(
    named: Mapping[str, np.ndarray], sources: Mapping[str, str]
) -> dict[str, np.ndarray | None]:
    """The layers :func:`siting.categories.land_categories` reads, None where not available.

    User surveys count only when configured (``sources`` says ``user: …``); the mining polygons
    (subsidence proxy) and HWSD salinity when prepared.
    """

    def user(key: str) -> np.ndarray | None:
        return named[key] if sources.get(key, "").startswith("user") else None

    return {
        "landcover": named["landcover"],
        "slope_deg": named["slope_deg"],
        "elevation_m": named["elevation_m"],
        "coal_subsidence_user": user("coal_subsidence"),
        "saline_land_user": user("saline_land"),
        "mining_areas": user("mining_areas") if "mining_areas" in named else None,
        "salinity_ds_m": named.get("salinity_ds_m"),
        "ecological_redline": named["ecological_redline"],
        "permanent_farmland": named["permanent_farmland"],
    }


def layer_groups(layer_names: Iterable[str], *, configured: Mapping[str, bool]) -> list[str]:
    """The prepared tile rasters (``terrain``, ``landcover``, …) the named layers are read from.

    Parameters
    ----------
    layer_names
        Layer names as the exclusion rules use them (``slope_deg``, ``landcover``, ``ecological_redline``).
    configured
        Whether each user vector layer (:data:`PRESENCE_LAYERS`) is configured; a layer that is not
        comes from its proxy, which reads land cover (and terrain, for the red line).

    Returns
    -------
    list of str
        Group names in :data:`GROUPS` order; ``zones`` always (the region mask).

    Raises
    ------
    KeyError
        For a layer name no prepared raster holds.
    """
    groups = {"zones"}
    for name in layer_names:
        if name not in LAYER_GROUP:
            raise KeyError(
                f"no prepared raster holds a layer {name!r}; known: {', '.join(sorted(LAYER_GROUP))}"
            )
        groups.add(LAYER_GROUP[name])
        if name in PROXY_GROUPS and not configured.get(name, False):
            groups.update(PROXY_GROUPS[name])
    return [g for g in GROUPS if g in groups]


def _bands(group: str, names: Collection[str] | None) -> list[str] | None:
    """Bands of a multi-band group that ``names`` (and the proxies) need; None = all."""
    if names is None or group not in ("terrain", "climate"):
        return None
    return [n for n in GROUP_BANDS[group] if n in names or n in PROXY_BANDS]


def read_tile_layers(
    paths: Mapping[str, str], *, proxies: Mapping[str, Any], names: Collection[str] | None = None
) -> tuple[dict, dict]:
    """Read a tile's prepared rasters and assemble the named layers with proxies.

    Parameters
    ----------
    paths
        Prepared GeoTIFFs of one tile by group (see :data:`GROUPS`): all of them, or those
        :func:`layer_groups` names for the layers needed; ``zones`` always.
    proxies
        The ``proxies`` config section.
    names
        The layers needed: only their bands (and those their proxies read) are read from the
        multi-band terrain and climate rasters. Default: every band.

    Returns
    -------
    (dict, dict)
        Named layers (haloed) plus ``county_zone``, and the source of each user/proxy layer.
    """
    from siting import io

    paths = dict(paths.items())  # Snakemake's named input list: test names, not values

    def read(group: str) -> dict[str, np.ndarray]:
        if group not in paths:
            return {}
        return io.read_raster(paths[group], _bands(group, names))[0]

    vectors, vector_tags = ({}, {})
    if "vectors" in paths:
        vectors, vprofile = io.read_raster(paths["vectors"])
        vector_tags = vprofile["tags"]
    named, sources = constraint_layers(
        terrain=read("terrain"),
        landcover=read("landcover").get("landcover"),
        climate=read("climate"),
        vectors=vectors,
        vector_tags=vector_tags,
        distances=read("distances"),
        proxies=proxies,
    )
    named["county_zone"] = read("zones")["county_zone"]
    named.update(read("soil"))  # HWSD v2 topsoil salinity (the saline proxy), when no survey is configured
    return named, sources
