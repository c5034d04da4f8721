# Helpers shared by all rule files: config validation, paths, the region's tiles and input lists.
# No rule lives here.

import sys
from pathlib import Path

sys.path.insert(0, str(Path(workflow.basedir) / "workflow" / "scripts"))

from siting import grid as _grid  # noqa: E402
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
    _admin = load_admin(_validated["region"]["province"])
    check_county_codes(_validated, _admin["county"]["adcode"])
    _region = select_region(_admin, _validated["region"]["counties"])
except SitingError as _err:
    _stop(_err)
config.clear()
config.update(_validated)

RUN = config["run"]["name"]
DEMO = config["run"]["demo"]
RAW = config["data"]["raw_dir"].rstrip("/")
RES = f"resources/{RUN}"
OUT = f"results/{RUN}"
GRID = _grid.GridSpec(**config["grid"])

REGION_BOUNDS = tuple(float(v) for v in _region["county"].total_bounds)
TILES = [t.id for t in _grid.make_tiles(_region["county"].to_crs(GRID.crs).union_all(), GRID)]


def raw(path):
    """Path of a raw (downloaded or demo) file under data.raw_dir."""
    return f"{RAW}/{path}"


def dem_tiles():
    """(url, path) of every DEM tile covering the region."""
    return [(url, raw(p)) for url, p in _sources.dem_tiles(config["data"]["dem"], REGION_BOUNDS)]


def landcover_tiles():
    """(url, path) of every land-cover tile covering the region."""
    return [(url, raw(p)) for url, p in _sources.worldcover_tiles(config["data"]["landcover"], REGION_BOUNDS)]
