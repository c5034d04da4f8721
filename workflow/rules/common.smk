# Helpers shared by every rules file - config validation, paths, the region's tiles, input lists.
# No rule lives here.

import sys
from pathlib import Path

import geopandas as gpd

sys.path.insert(0, str(Path(workflow.basedir) / "workflow" / "scripts"))

from siting import grid as _grid  # noqa: E402
from siting import layers as _layers  # noqa: E402
from siting import sources as _sources  # noqa: E402
from siting.config import check_county_codes, validate_config  # noqa: E402
from siting.errors import SitingError  # noqa: E402
from siting.region import load_admin, select_region  # noqa: E402


def _stop(message):
    """Print one clear message and stop before any job starts."""
    print(f"\nConfiguration error: {message}\n", file=sys.stderr)
    sys.exit(1)


try:
    _validated = validate_config(config)
    _admin = load_admin(_validated["region"]["province"], cache_dir="resources/cache")
    check_county_codes(_validated, _admin["county"]["adcode"])
    _region = select_region(_admin, _validated["region"]["counties"])
except SitingError as _err:
    _stop(_err)
config.clear()
config.update(_validated)

CONDA_ENV = f"{workflow.basedir}/envs/environment.yaml"
RUN = config["run"]["name"]
DEMO = config["run"]["demo"]
RAW = config["data"]["raw_dir"].rstrip("/")
RES = f"resources/{RUN}"
OUT = f"results/{RUN}"
GRID = _grid.GridSpec(**config["grid"])

# Raw inputs must cover the region plus the tile halo (and two cells for slopes), in degrees.
_outline = _region["county"].to_crs(GRID.crs).union_all()
_cover = _outline.simplify(GRID.resolution_m).buffer(
    GRID.halo_m + 2 * GRID.resolution_m
)
REGION_BOUNDS = tuple(
    float(v) for v in gpd.GeoSeries([_cover], crs=GRID.crs).to_crs(4326).total_bounds
)
TILES = [t.id for t in _grid.make_tiles(_outline, GRID)]


def raw(path):
    """Path of a raw (downloaded or demo) file under data.raw_dir."""
    return f"{RAW}/{path}"


def dem_tiles():
    """(url, path) of every DEM tile covering the region."""
    return [
        (url, raw(p))
        for url, p in _sources.dem_tiles(config["data"]["dem"], REGION_BOUNDS)
    ]


def landcover_tiles():
    """(url, path) of every land-cover tile covering the region."""
    return [
        (url, raw(p))
        for url, p in _sources.worldcover_tiles(
            config["data"]["landcover"], REGION_BOUNDS
        )
    ]


GWA_COUNTRY = "CHN"
# Without a saline-land survey, the saline proxy needs HWSD v2 topsoil salinity.
SALINITY_PROXY = config["data"]["user_layers"]["saline_land"] is None
DATA_BASIS = "demo-synthetic" if DEMO else "real"


def gsa_files():
    """{source id: raw path} of the Global Solar Atlas zips."""
    return {
        sid: raw(_sources.get_source(sid).path)
        for sid in ("gsa_ghi", "gsa_dni", "gsa_pvout")
    }


def gwa_files():
    """{source id: raw path} of the windowed Global Wind Atlas layers at the configured height."""
    window = _sources.gwa_window_label(REGION_BOUNDS)
    height = config["data"]["wind_height_m"]
    ids = (
        "gwa_wind_speed",
        "gwa_combined_weibull_a",
        "gwa_combined_weibull_k",
        "gwa_air_density",
    )
    return {
        sid: raw(
            _sources.get_source(sid).path_for(
                country=GWA_COUNTRY, height=height, window=window
            )
        )
        for sid in ids
    }


def weather_files():
    """{(lat, lon): raw path} of the hourly reference-weather files."""
    src = _sources.get_source("nasa_power_hourly")
    year = config["data"]["weather_year"]
    outline = _region["county"].union_all()
    return {
        (lat, lon): raw(
            src.path_for(year=year, point=_sources.nasa_power_point_label(lat, lon))
        )
        for lat, lon in _sources.weather_points(
            outline, config["data"]["weather_spacing_deg"]
        )
    }


def vector_layers():
    """{layer key: user-layer spec} of the vector layers to rasterise (None = not configured).

    Without a coal-subsidence survey, the mining polygons of Maus et al. (downloaded) feed its proxy.
    """
    layers = dict(config["data"]["user_layers"])
    if layers.get("coal_subsidence") is None and not DEMO:
        layers["mining_areas"] = raw(_sources.get_source("mining_maus2022").path)
    return layers


def user_layer_files(wildcards=None, keys=None):
    """{layer key: path} of the configured vector layers (of ``keys``, default all)."""
    out = {}
    for key, value in vector_layers().items():
        if value and (keys is None or key in keys):
            out[key] = value if isinstance(value, str) else value["path"]
    return out


def presence_layer_files(wildcards):
    """Inputs of prepare_vectors: the configured layers rasterised as presence."""
    return user_layer_files(keys=_layers.PRESENCE_LAYERS)


def distance_layer_files(wildcards):
    """Inputs of prepare_distances: the configured layers measured as distance."""
    return user_layer_files(keys=_layers.DISTANCE_LAYERS)


def _tile_bounds_wgs84(tile):
    from siting.warp import tile_bounds_wgs84

    transform, shape = _grid.tile_grid(tile, GRID)
    return tile_bounds_wgs84(transform, shape, GRID.crs)


def _overlapping(tile, all_tiles, lister):
    wanted = {p for _, p in lister(_tile_bounds_wgs84(tile))}
    return [p for _, p in all_tiles if p[len(RAW) + 1 :] in wanted]


def dem_for_tile(wildcards):
    """The DEM source tiles a grid tile (with halo) needs."""
    return _overlapping(
        wildcards.tile,
        dem_tiles(),
        lambda b: _sources.dem_tiles(config["data"]["dem"], b),
    )


def landcover_for_tile(wildcards):
    """The land-cover source tiles a grid tile (with halo) needs."""
    return _overlapping(
        wildcards.tile,
        landcover_tiles(),
        lambda b: _sources.worldcover_tiles(config["data"]["landcover"], b),
    )


def climate_inputs():
    """Named inputs of prepare_climate."""
    return {**gsa_files(), **gwa_files()}


def climate_members():
    """Zip member suffix (or None) per climate input."""
    return {
        sid: _sources.get_source(sid).member if sid.startswith("gsa") else None
        for sid in climate_inputs()
    }


def tile_files(pattern):
    """``pattern`` (with ``{tile}``; other wildcards are kept) expanded over every tile of the region."""
    return [pattern.replace("{tile}", t) for t in TILES]


GWA_WINDOW = _sources.gwa_window_bounds(REGION_BOUNDS)


def downloads():
    """{raw path: (source id, url)} of every file the run downloads."""
    out = {}
    dem_id, lc_id = config["data"]["dem"], config["data"]["landcover"]
    out.update({p: (dem_id, url) for url, p in dem_tiles()})
    out.update({p: (lc_id, url) for url, p in landcover_tiles()})
    for sid, p in gsa_files().items():
        out[p] = (sid, _sources.get_source(sid).url)
    height = config["data"]["wind_height_m"]
    for sid, p in gwa_files().items():
        out[p] = (
            sid,
            _sources.get_source(sid).url_for(country=GWA_COUNTRY, height=height),
        )
    year = config["data"]["weather_year"]
    power = _sources.get_source("nasa_power_hourly")
    for (lat, lon), p in weather_files().items():
        out[p] = ("nasa_power_hourly", power.url_for(lat=lat, lon=lon, year=year))
    if SALINITY_PROXY:
        for sid in ("hwsd2_raster", "hwsd2_db"):
            out[raw(_sources.get_source(sid).path)] = (
                sid,
                _sources.get_source(sid).url,
            )
    mining = vector_layers().get("mining_areas")
    if mining:
        out[mining] = ("mining_maus2022", _sources.get_source("mining_maus2022").url)
    return out


_DOWNLOADS = downloads()


def download_pattern():
    """Regex matching exactly the raw paths (relative to data.raw_dir) this run downloads."""
    import re

    return "|".join(re.escape(p[len(RAW) + 1 :]) for p in _DOWNLOADS)


def download_source(wildcards):
    """Catalogue id of the file being downloaded."""
    return _DOWNLOADS[raw(wildcards.path)][0]


def download_url(wildcards):
    """URL of the file being downloaded."""
    return _DOWNLOADS[raw(wildcards.path)][1]


TECHNOLOGIES = ["pv", "wind"]


def exclusion_rules(wildcards):
    """Common rules then the technology's, as config dicts."""
    return config["exclusions"]["common"] + config["exclusions"][wildcards.tech]


def tech_tile_files(pattern):
    """Input function: ``pattern`` (with ``{tech}`` and ``{tile}``) over every tile, for one technology."""

    def files(wildcards):
        return [pattern.format(tech=wildcards.tech, tile=t) for t in TILES]

    return files


def tile_layer_files():
    """Named prepared rasters of the tile ``{tile}`` (inputs of the per-tile analysis rules)."""
    names = ["terrain", "landcover", "climate", "vectors", "distances", "zones"]
    if SALINITY_PROXY:
        names.append("soil")
    return {name: f"{RES}/tiles/{{tile}}/{name}.tif" for name in names}


def eligibility_groups(wildcards):
    """The prepared rasters (groups) a technology's exclusion rules read, with their proxies' inputs."""
    configured = {key: value is not None for key, value in vector_layers().items()}
    names = [rule["layer"] for rule in exclusion_rules(wildcards)]
    return _layers.layer_groups(names, configured=configured)


def eligibility_inputs(wildcards):
    """{group: [the group's raster of every tile]} for compute_eligibility."""
    return {
        g: tile_files(f"{RES}/tiles/{{tile}}/{g}.tif")
        for g in eligibility_groups(wildcards)
    }


def all_tech_tile_files(pattern):
    """``pattern`` (with ``{tech}`` and ``{tile}``) over every technology and tile."""
    return [pattern.format(tech=tech, tile=t) for tech in TECHNOLOGIES for t in TILES]


def source_ids():
    """Catalogue ids of the data sources this run uses (for attributions and provenance)."""
    ids = [
        config["data"]["dem"],
        config["data"]["landcover"],
        *gsa_files(),
        *gwa_files(),
        "nasa_power_hourly",
        "cnmaps",
    ]
    if "mining_areas" in vector_layers():
        ids.append("mining_maus2022")
    if SALINITY_PROXY:
        ids += ["hwsd2_raster", "hwsd2_db"]
    return ids


SOURCE_IDS = source_ids()


BASE_COUNTIES = {b["id"]: b["counties"] for b in config["bases"]["items"]}


def _split_cell_m():
    from siting.sites import split_cell_m_for

    return split_cell_m_for(
        config["sites"]["max_area_km2"], resolution_m=GRID.resolution_m
    )


SPLIT_CELL_M = _split_cell_m()


def raw_inputs():
    """Every raw file of the run: the downloads (real run) or the demo generator's outputs."""
    if DEMO:
        return []
    return list(_DOWNLOADS)


def demo_outputs():
    """Every raw file the demo generator writes (the same paths the downloads use)."""
    return (
        [p for _, p in dem_tiles()]
        + [p for _, p in landcover_tiles()]
        + list(gsa_files().values())
        + list(gwa_files().values())
        + list(weather_files().values())
        + list(user_layer_files().values())
        + (
            [raw(_sources.get_source(s).path) for s in ("hwsd2_raster", "hwsd2_db")]
            if SALINITY_PROXY
            else []
        )
    )


def demo_raw_dir(wildcards, output):
    """Raw-data root the demo generator writes into (data.raw_dir)."""
    return RAW
