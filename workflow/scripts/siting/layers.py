"""The named layers exclusion rules and scores read, from the prepared tile rasters, with proxies.

A user vector layer that is not configured is replaced by its labelled proxy (see
``shared/domain/shanxi.md``): the ecological red line by protected areas, configured land-cover
classes and steep high ground; permanent farmland by WorldCover cropland. :func:`constraint_layers`
returns which source each layer came from, and the outputs carry it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

NOT_CONFIGURED = "not configured"


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
    landcover: np.ndarray,
    climate: Mapping[str, np.ndarray],
    vectors: Mapping[str, np.ndarray],
    vector_tags: Mapping[str, str],
    distances: Mapping[str, np.ndarray],
    proxies: Mapping[str, Any],
) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """All layers by the names the config uses, and the source of each user/proxy layer.

    Returns
    -------
    (dict, dict)
        ``{layer name: array}`` and ``{layer name: "user: <path>" | "proxy: <what>" | "none"}``.
    """
    layers: dict[str, np.ndarray] = {**terrain, "landcover": landcover, **climate, **distances}
    sources: dict[str, str] = {}
    for key, arr in vectors.items():
        if is_configured(vector_tags, key):
            layers[key] = arr
            sources[key] = vector_tags[f"{key.upper()}_SOURCE"]
    protected = layers.get("protected_areas")
    if "ecological_redline" not in layers:
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
    if "permanent_farmland" not in layers:
        classes = proxies["permanent_farmland"]["landcover_classes"]
        layers["permanent_farmland"] = np.isin(landcover, classes).astype("uint8")
        sources["permanent_farmland"] = f"proxy: WorldCover classes {classes} (cropland)"
    for key in vectors:
        if key not in layers:
            layers[key] = np.zeros_like(landcover)
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


def read_tile_layers(paths: Mapping[str, str], *, proxies: Mapping[str, Any]) -> tuple[dict, dict, dict]:
    """Read a tile's prepared rasters and assemble the named layers with proxies.

    Parameters
    ----------
    paths
        ``terrain``, ``landcover``, ``climate``, ``vectors``, ``distances``, ``zones`` GeoTIFFs of one tile.
    proxies
        The ``proxies`` config section.

    Returns
    -------
    (dict, dict, dict)
        Named layers (haloed), the source of each user/proxy layer, and the terrain raster's profile.
    """
    from siting import io

    paths = dict(paths.items())  # Snakemake's named input list: test names, not values
    terrain, profile = io.read_raster(paths["terrain"])
    landcover = io.read_raster(paths["landcover"])[0]["landcover"]
    climate, _ = io.read_raster(paths["climate"])
    vectors, vprofile = io.read_raster(paths["vectors"])
    distances, _ = io.read_raster(paths["distances"])
    named, sources = constraint_layers(
        terrain=terrain,
        landcover=landcover,
        climate=climate,
        vectors=vectors,
        vector_tags=vprofile["tags"],
        distances=distances,
        proxies=proxies,
    )
    named["county_zone"] = io.read_raster(paths["zones"])[0]["county_zone"]
    if "soil" in paths:  # HWSD v2 topsoil salinity (the saline proxy), when no survey is configured
        named["salinity_ds_m"] = io.read_raster(paths["soil"])[0]["salinity_ds_m"]
    return named, sources, profile
