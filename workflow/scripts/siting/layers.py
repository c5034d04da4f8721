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
