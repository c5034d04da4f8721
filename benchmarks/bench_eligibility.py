"""Benchmark the prepare + eligibility stages on the whole province at real resolution, against atlite.

Run by hand from the repository root (never by pytest; figures go to ``benchmarks/README.md``)::

    .venv/bin/python benchmarks/bench_eligibility.py            # inputs (cached), 100 m, 30 m, atlite
    .venv/bin/python benchmarks/bench_eligibility.py --skip-30  # without the 30 m run

Steps
-----
1. **Inputs** (cached in ``benchmarks/work/raw``, gitignored): the demo generator (:mod:`siting.demo`)
   writes the GSA/GWA/weather files and the vector layers, and the 35 Copernicus DEM tiles at the real
   GLO-90 resolution (1200 × 1200 cells per 1° tile, float32 COG). The 9 WorldCover tiles (3°) are
   written at 1 arc-second (≈ 30 m, 10800 × 10800 uint8 cells): the demo classes at 600 cells/° are
   refined 6× with a seeded dither of class edges and ~0.25 villages/km² (built-up, 150–400 m squares),
   which the demo generator cannot produce at this resolution in reasonable time and memory.
2. **Pipeline**: Snakemake (``--cores 2``) runs ``build_region`` and then the targets
   ``results/{run}/eligibility/{pv,wind}_summary.csv`` (``compute_eligibility``, one job per
   technology over every tile, with the per-tile ``prepare_terrain``, ``prepare_landcover`` and
   ``prepare_vectors`` jobs its rules need upstream) with ``benchmarks/bench_eligibility.yaml`` at
   100 m (``bench100``) and 30 m (``bench30``). Per-job wall, CPU and peak RSS come from the rules'
   ``benchmark:`` TSVs; Snakemake's overhead is the run's wall time minus Σ job time / cores, and the
   time of ``snakemake -n``. At 100 m the eligibility stage alone (``--forcerun compute_eligibility``)
   is repeated ``--repeats`` − 1 more times; the 30 m run is done once (``--tiles-30 N``: only the
   prepare jobs of N evenly spaced tiles, extrapolated).
3. **atlite** (0.7, in its own virtualenv ``benchmarks/.venv-atlite``, see ``requirements-atlite.txt``):
   ``shape_availability`` on the province (same equal-area CRS, 100 m) with the same rules: the land
   cover (a VRT over the 9 tiles) ``codes=[50], buffer=500``; a slope raster (> 15°) computed first on
   the same 100 m grid from the DEM (timed separately: atlite has no slope rule); the red-line polygons
   by ``add_geometry``. Wall time and peak RSS of the worker process, median of ``--atlite-repeats``.

Writes ``benchmarks/results/eligibility_<date>.json`` and prints a table; removes ``resources/bench*``,
``results/bench*`` and ``logs/bench*`` at the end (``--keep`` keeps them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
WORK = BENCH / "work"
RAW = WORK / "raw"
CONFIG = BENCH / "bench_eligibility.yaml"
ATLITE_VENV = BENCH / ".venv-atlite"
SNAKEMAKE = ROOT / ".venv" / "bin" / "snakemake"
CORES = 2
SEED = 42
DEM_CELLS_PER_DEGREE = 1200  # Copernicus GLO-90
LANDCOVER_CELLS_PER_DEGREE = 3600  # 1 arc-second ≈ 30 m
LANDCOVER_BASE_CELLS_PER_DEGREE = 600  # demo classes, refined 6× by dithering
VILLAGES_PER_KM2 = 0.25
SLOPE_LIMIT_DEG = 15.0
BUFFER_M = 500.0
ALBERS = "+proj=aea +lat_1=25 +lat_2=47 +lon_0=105 +datum=WGS84"
ELIGIBILITY_RULES = ("prepare_terrain", "prepare_landcover", "prepare_vectors", "compute_eligibility")
INPUTS_VERSION = 1
#: Tile edge per resolution [m]: the real 50 km, or the nearest multiple of the cell size (the config check
#: refuses 50000 at 30 m).
TILE_SIZE_M = {100.0: 50_000.0, 30.0: 49_980.0}


# --------------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------------


def _siting() -> None:
    """Put the pipeline package on ``sys.path`` (only the pipeline venv has its dependencies)."""
    path = str(ROOT / "workflow" / "scripts")
    if path not in sys.path:
        sys.path.insert(0, path)


def region_bounds(resolution_m: float, halo_m: float = 2000.0) -> tuple[float, float, float, float]:
    """``(w, s, e, n)`` [°] the raw inputs must cover, computed as ``workflow/rules/common.smk`` does."""
    _siting()
    import geopandas as gpd

    from siting import region

    admin = region.load_admin(140000)
    outline = admin["county"].to_crs(ALBERS).union_all()
    cover = outline.simplify(resolution_m).buffer(halo_m + 2 * resolution_m)
    return tuple(float(v) for v in gpd.GeoSeries([cover], crs=ALBERS).to_crs(4326).total_bounds)


def refine_landcover(base: Any, factor: int, *, seed: int, cells_per_degree: int) -> Any:
    """Upsample a class raster ``factor``× with dithered class edges and small villages (code 50).

    Parameters
    ----------
    base : numpy.ndarray
        uint8 WorldCover codes of one tile at the coarse resolution.
    factor : int
        Refinement factor (cells per coarse cell along each axis).
    seed : int
        Seed of the dither and of the villages.
    cells_per_degree : int
        Resolution of the result [cells/°] (for the village density per km²).

    Returns
    -------
    numpy.ndarray
        uint8 codes of ``factor`` times the shape of ``base``.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    rows, cols = base.shape[0] * factor, base.shape[1] * factor
    out = np.empty((rows, cols), dtype="uint8")
    strip = 8 * factor * 16
    col_idx = np.arange(cols, dtype=np.int32)
    for r0 in range(0, rows, strip):
        r1 = min(rows, r0 + strip)
        jitter_r = rng.integers(-factor // 2, factor // 2 + 1, size=(r1 - r0, cols), dtype=np.int32)
        jitter_c = rng.integers(-factor // 2, factor // 2 + 1, size=(r1 - r0, cols), dtype=np.int32)
        rr = np.clip((np.arange(r0, r1, dtype=np.int32)[:, None] + jitter_r) // factor, 0, base.shape[0] - 1)
        cc = np.clip((col_idx[None, :] + jitter_c) // factor, 0, base.shape[1] - 1)
        out[r0:r1] = base[rr, cc]
    km_per_cell = 111.32 / cells_per_degree
    n_villages = int(VILLAGES_PER_KM2 * rows * cols * km_per_cell**2 * 0.8)  # cos(37°) ≈ 0.8
    vr = rng.integers(0, rows, n_villages)
    vc = rng.integers(0, cols, n_villages)
    size = rng.integers(int(150 / 1000 / km_per_cell), int(400 / 1000 / km_per_cell) + 1, n_villages)
    keep = np.isin(out[vr, vc], (30, 40))
    for r, c, s in zip(vr[keep], vc[keep], size[keep], strict=True):
        out[r : r + s, c : c + s] = 50
    return out


def check_inputs(raw_dir: Path) -> bool:
    """Whether the DEM and land-cover tiles under ``raw_dir`` have the benchmark's real resolution."""
    import rasterio

    dem = sorted((raw_dir / "copdem_glo90").glob("*.tif"))
    landcover = sorted((raw_dir / "worldcover_2021_v200").glob("*.tif"))
    if not dem or not landcover:
        return False
    with rasterio.open(dem[0]) as a, rasterio.open(landcover[0]) as b:
        return a.width == DEM_CELLS_PER_DEGREE and b.width == 3 * LANDCOVER_CELLS_PER_DEGREE


def make_inputs(raw_dir: Path, *, force: bool = False) -> dict[str, Any]:
    """Write (or reuse) the synthetic full-province inputs at real resolution under ``raw_dir``.

    Returns
    -------
    dict
        What was generated and how long it took [s].
    """
    stamp = raw_dir / "bench_inputs.json"
    wanted = {
        "version": INPUTS_VERSION,
        "seed": SEED,
        "dem_cells_per_degree": DEM_CELLS_PER_DEGREE,
        "landcover_cells_per_degree": LANDCOVER_CELLS_PER_DEGREE,
    }
    if stamp.exists() and not force and check_inputs(raw_dir):
        done = json.loads(stamp.read_text())
        if all(done.get(k) == v for k, v in wanted.items()):
            print(f"inputs: cached in {raw_dir} (built in {done['seconds']:.0f} s)")
            return done
    _siting()
    import numpy as np
    import rasterio

    from siting import demo, region, sources

    shutil.rmtree(raw_dir, ignore_errors=True)
    start = time.perf_counter()
    bounds = region_bounds(100.0)
    province = region.load_admin(140000)["province"].geometry.iloc[0]
    demo.build_demo_inputs(
        raw_dir,
        region_wgs84=province,
        bounds=bounds,
        year=2019,
        seed=SEED,
        weather_spacing_deg=1.0,
        dem_cells_per_degree=DEM_CELLS_PER_DEGREE,
        landcover_cells_per_degree=LANDCOVER_BASE_CELLS_PER_DEGREE,
    )
    after_demo = time.perf_counter()
    src = sources.get_source("worldcover_2021")
    factor = LANDCOVER_CELLS_PER_DEGREE // LANDCOVER_BASE_CELLS_PER_DEGREE
    tiles = sources.degree_tiles(bounds, 3.0)
    for i, (lat, lon) in enumerate(tiles):
        path = raw_dir / src.path_for(tile=sources.worldcover_tile_name(lat, lon))
        with rasterio.open(path) as ds:
            base, transform, tags = ds.read(1), ds.transform, ds.tags()
        fine = refine_landcover(base, factor, seed=SEED + i, cells_per_degree=LANDCOVER_CELLS_PER_DEGREE)
        step = transform.a / factor
        fine_transform = rasterio.Affine(step, 0.0, transform.c, 0.0, -step, transform.f)
        tags["DESCRIPTION"] = tags.get("DESCRIPTION", "") + " Refined to 1 arc-second by benchmarks/."
        demo.write_raster(path, fine, fine_transform, nodata=0, tags=tags, colormap=demo.WORLDCOVER_COLORS)
        print(f"inputs: land cover {path.name} {fine.shape} ({100 * np.mean(fine == 50):.1f} % built-up)")
    done = {
        **wanted,
        "bounds": bounds,
        "dem_tiles": len(sources.degree_tiles(bounds, 1.0)),
        "landcover_tiles": len(tiles),
        "seconds_demo_generator": after_demo - start,
        "seconds": time.perf_counter() - start,
        "bytes": sum(p.stat().st_size for p in raw_dir.rglob("*") if p.is_file()),
    }
    stamp.write_text(json.dumps(done, indent=1))
    print(f"inputs: built in {done['seconds']:.0f} s, {done['bytes'] / 1e9:.2f} GB")
    return done


# --------------------------------------------------------------------------------------------------
# Snakemake runs
# --------------------------------------------------------------------------------------------------


def _snakemake(run: str, targets: Sequence[str], *, options: Sequence[str] = (), log: Path) -> float:
    """Run Snakemake on the benchmark config for ``run``; wall time [s]. Raises on failure.

    Targets come first: ``--configfile`` and ``--forcerun`` take several values.
    """
    override = WORK / f"{run}.yaml"
    # mtime only: with the default triggers Snakemake may re-run build_demo_inputs ("code has changed"),
    # which would overwrite the real-resolution inputs with demo-resolution ones.
    cmd = [str(SNAKEMAKE), *targets, "--cores", str(CORES), "--nolock", "--rerun-triggers", "mtime", *options]
    cmd += ["--configfile", str(CONFIG), str(override)]
    start = time.perf_counter()
    with log.open("a") as fh:
        fh.write(f"\n$ {' '.join(cmd)}\n")
        fh.flush()
        proc = subprocess.run(cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, check=False)
    wall = time.perf_counter() - start
    if not check_inputs(RAW):
        raise RuntimeError(f"the inputs under {RAW} were overwritten by the run; see {log}")
    if proc.returncode != 0:
        raise RuntimeError(f"snakemake {' '.join(cmd[1:])} failed (exit {proc.returncode}); see {log}")
    return wall


def read_benchmarks(run: str) -> dict[str, list[dict[str, float]]]:
    """Per rule, the rows of the ``benchmark:`` TSVs of ``run`` (s, cpu_time, max_rss [MB], …)."""
    import csv

    out: dict[str, list[dict[str, float]]] = {}
    base = ROOT / "benchmarks" / "results" / run
    for path in sorted(base.rglob("*.tsv")):
        rule = path.relative_to(base).parts[0].removesuffix(".tsv")
        with path.open() as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                values = {}
                for key in ("s", "cpu_time", "max_rss"):
                    try:
                        values[key] = float(row[key])
                    except (KeyError, ValueError):
                        values[key] = float("nan")
                values["job"] = path.stem
                out.setdefault(rule, []).append(values)
    return out


def summarise_rules(rows: dict[str, list[dict[str, float]]]) -> dict[str, dict[str, float]]:
    """Per rule: jobs, Σ wall [s], Σ CPU [s], longest job [s], largest peak RSS [MB] (and its job)."""
    out = {}
    for rule, jobs in rows.items():
        biggest = max(jobs, key=lambda j: j["max_rss"])
        out[rule] = {
            "jobs": len(jobs),
            "sum_wall_s": sum(j["s"] for j in jobs),
            "sum_cpu_s": sum(j["cpu_time"] for j in jobs),
            "max_job_wall_s": max(j["s"] for j in jobs),
            "max_rss_mb": biggest["max_rss"],
            "max_rss_job": biggest["job"],
        }
    return out


def _group(summary: dict[str, dict[str, float]], rules: Sequence[str], *, pick=None) -> dict[str, float]:
    """Sum / max of the per-rule figures over ``rules`` (optionally only jobs ``pick`` keeps)."""
    parts = [summary[r] for r in rules if r in summary]
    return {
        "jobs": sum(p["jobs"] for p in parts),
        "sum_wall_s": sum(p["sum_wall_s"] for p in parts),
        "sum_cpu_s": sum(p["sum_cpu_s"] for p in parts),
        "max_rss_mb": max((p["max_rss_mb"] for p in parts), default=float("nan")),
    }


def _tech_figures(rows: dict[str, list[dict[str, float]]], tech: str) -> dict[str, float]:
    """The compute_eligibility job of one technology (every tile): wall, CPU, peak RSS."""
    jobs = [j for j in rows.get("compute_eligibility", []) if j["job"] == tech]
    return {
        "jobs": len(jobs),
        "sum_wall_s": sum(j["s"] for j in jobs),
        "sum_cpu_s": sum(j["cpu_time"] for j in jobs),
        "max_rss_mb": max((j["max_rss"] for j in jobs), default=float("nan")),
    }


def _province_eligible_km2(run: str, tech: str) -> float:
    import pandas as pd

    table = pd.read_csv(ROOT / "results" / run / "eligibility" / f"{tech}_summary.csv", encoding="utf-8-sig")
    return float(table.loc[table["level"] == "province", "eligible_km2"].iloc[0])


def grid_tiles(resolution_m: float) -> list[str]:
    """Tile ids of the province at ``resolution_m`` (as ``common.smk`` lists them)."""
    _siting()
    from siting import grid, region

    spec = grid.GridSpec(resolution_m=resolution_m, tile_size_m=TILE_SIZE_M[resolution_m])
    outline = region.load_admin(140000)["county"].to_crs(spec.crs).union_all()
    return [t.id for t in grid.make_tiles(outline, spec)]


def code_state() -> dict[str, str]:
    """Git commit and a hash of the pipeline's code (Snakefile, workflow/), to spot a change mid-run."""
    import hashlib

    digest = hashlib.sha1()
    for path in sorted([ROOT / "Snakefile", *(ROOT / "workflow").rglob("*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.read_bytes())
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return {"commit": commit.stdout.strip(), "code_sha1": digest.hexdigest()[:12]}


def _age_inputs(run: str) -> None:
    """Date the raw inputs 1 s after ``region.gpkg``: newer than the demo rule input, older than any tile."""
    stamp = (ROOT / "resources" / run / "region.gpkg").stat().st_mtime + 1
    for path in RAW.rglob("*"):
        os.utime(path, (stamp, stamp))


def run_targets(run: str, tiles: Sequence[str] | None) -> list[str]:
    """The province summaries (``compute_eligibility``), or the prepared rasters of ``tiles`` only."""
    if tiles is None:
        return [f"results/{run}/eligibility/{tech}_summary.csv" for tech in ("pv", "wind")]
    groups = ("terrain", "landcover", "vectors")
    return [f"resources/{run}/tiles/{t}/{g}.tif" for t in tiles for g in groups]


def full_run(run: str, resolution_m: float, *, tiles: Sequence[str] | None = None) -> dict[str, Any]:
    """build_region, two dry runs, then prepare + eligibility (the whole province or ``tiles`` only)."""
    for folder in ("resources", "results", "logs", "benchmarks/results"):
        shutil.rmtree(ROOT / folder / run, ignore_errors=True)
    (WORK / f"{run}.yaml").write_text(
        json.dumps(
            {
                "run": {"name": run},
                "grid": {"resolution_m": resolution_m, "tile_size_m": TILE_SIZE_M[resolution_m]},
            }
        )
        + "\n"
    )
    log = WORK / f"{run}.log"
    log.write_text("")
    targets = run_targets(run, tiles)
    print(f"{run}: build_region")
    region_wall = _snakemake(run, [f"resources/{run}/region.gpkg"], log=log)
    _age_inputs(run)
    dry = []
    for _ in range(2):
        out = WORK / f"{run}_dry.txt"
        out.write_text("")
        dry.append(_snakemake(run, run_targets(run, None), options=["-n"], log=out))
    if re.search(r"^(rule )?build_demo_inputs[:\s]+\d*", out.read_text(), flags=re.MULTILINE):
        raise RuntimeError(f"the dry run would rebuild the inputs; see {out}")
    print(f"{run}: dry run {min(dry):.1f} s; run of {len(tiles) if tiles else 'all'} tiles …")
    code_before = code_state()
    wall = _snakemake(run, targets, log=log)
    result = collect_run(run, resolution_m, wall=wall, region_wall=region_wall, dry=dry, tiles=tiles)
    result["code"] = {"before": code_before, "after": code_state()}
    if result["code"]["before"] != result["code"]["after"]:
        print(f"WARNING: the pipeline code changed during the {run} run; its figures mix two versions")
    return result


def collect_run(
    run: str,
    resolution_m: float,
    *,
    wall: float,
    region_wall: float,
    dry: Sequence[float],
    tiles: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Figures of a finished run from its ``benchmark:`` TSVs and outputs."""
    rows = read_benchmarks(run)
    rules = summarise_rules(rows)
    job_sum = sum(r["sum_wall_s"] for name, r in rules.items() if name != "build_region")
    result: dict[str, Any] = {
        "run": run,
        "resolution_m": resolution_m,
        "tiles": len(tiles) if tiles else len(grid_tiles(resolution_m)),
        "tiles_in_province": len(grid_tiles(resolution_m)),
        "sample_tiles": list(tiles) if tiles else None,
        "wall_s": wall,
        "build_region_wall_s": region_wall,
        "dry_run_s": list(dry),
        "rules": rules,
        "eligibility_relevant": _group(rules, ELIGIBILITY_RULES),
        "prepare": _group(rules, ELIGIBILITY_RULES[:3]),
        "pv": _tech_figures(rows, "pv"),
        "snakemake_overhead_s": wall - job_sum / CORES,
    }
    if not tiles:
        result["eligible_km2"] = {t: _province_eligible_km2(run, t) for t in ("pv", "wind")}
    else:  # per-tile rules scale with the number of tiles; compute_eligibility was not run
        scale = result["tiles_in_province"] / result["tiles"]
        per_tile = {r: v["sum_wall_s"] * scale for r, v in rules.items() if r != "build_region"}
        result["extrapolated"] = {
            "scale": scale,
            "sum_wall_s": per_tile,
            "sum_cpu_s": {r: v["sum_cpu_s"] * scale for r, v in rules.items() if r != "build_region"},
            "province_prepare_wall_s": sum(per_tile.values()) / CORES
            + result["snakemake_overhead_s"] * scale,
        }
    first = {k: v for k, v in rules.items() if k.endswith("_eligibility")}
    result["eligibility_stage_runs"] = [{"wall_s": None, "rules": first, "pv": result["pv"]}]
    print(f"{run}: {wall:.0f} s wall, Σ jobs {job_sum:.0f} s")
    return result


def stage_repeats(result: dict[str, Any], n: int) -> None:
    """Re-run the eligibility stage alone (``--forcerun compute_eligibility``) ``n`` times."""
    run = result["run"]
    targets = run_targets(run, result.get("sample_tiles"))
    _age_inputs(run)
    for i in range(n):
        print(f"{run}: eligibility stage again ({i + 1}/{n})")
        wall = _snakemake(
            run, targets, options=["--forcerun", "compute_eligibility"], log=WORK / f"{run}.log"
        )
        rows = read_benchmarks(run)
        elig = summarise_rules({k: v for k, v in rows.items() if k.endswith("_eligibility")})
        result["eligibility_stage_runs"].append(
            {"wall_s": wall, "rules": elig, "pv": _tech_figures(rows, "pv")}
        )


def sample_tiles(resolution_m: float, n: int) -> list[str]:
    """``n`` tiles evenly spaced through the sorted tile list (a mix of border and inner tiles)."""
    tiles = grid_tiles(resolution_m)
    step = len(tiles) / n
    return [tiles[int(i * step)] for i in range(n)]


# --------------------------------------------------------------------------------------------------
# atlite
# --------------------------------------------------------------------------------------------------


def write_vrt(paths: Sequence[Path], out: Path) -> Path:
    """A GDAL VRT mosaic of same-resolution, same-CRS single-band tiles (no GDAL CLI needed)."""
    import rasterio

    infos = []
    for p in paths:
        with rasterio.open(p) as ds:
            infos.append((p, ds.transform, ds.width, ds.height, ds.dtypes[0], ds.nodata, ds.crs))
    res_x, res_y = infos[0][1].a, infos[0][1].e
    west = min(t.c for _, t, *_ in infos)
    north = max(t.f for _, t, *_ in infos)
    east = max(t.c + w * res_x for _, t, w, *_ in infos)
    south = min(t.f + h * res_y for _, t, _, h, *_ in infos)
    width, height = round((east - west) / res_x), round((south - north) / res_y)
    gdal_type = {"uint8": "Byte", "float32": "Float32"}[infos[0][4]]
    nodata = infos[0][5]
    lines = [
        f'<VRTDataset rasterXSize="{width}" rasterYSize="{height}">',
        f"  <SRS>{infos[0][6].to_wkt()}</SRS>",
        f"  <GeoTransform>{west!r}, {res_x!r}, 0, {north!r}, 0, {res_y!r}</GeoTransform>",
        f'  <VRTRasterBand dataType="{gdal_type}" band="1">',
    ]
    if nodata is not None:
        lines.append(f"    <NoDataValue>{nodata}</NoDataValue>")
    for p, t, w, h, *_ in infos:
        x_off, y_off = round((t.c - west) / res_x), round((t.f - north) / res_y)
        lines += [
            "    <SimpleSource>",
            f'      <SourceFilename relativeToVRT="0">{p}</SourceFilename>',
            "      <SourceBand>1</SourceBand>",
            f'      <SrcRect xOff="0" yOff="0" xSize="{w}" ySize="{h}"/>',
            f'      <DstRect xOff="{x_off}" yOff="{y_off}" xSize="{w}" ySize="{h}"/>',
            "    </SimpleSource>",
        ]
    lines += ["  </VRTRasterBand>", "</VRTDataset>"]
    out.write_text("\n".join(lines) + "\n")
    return out


def prepare_atlite_inputs() -> dict[str, str]:
    """VRTs of the DEM and land-cover tiles and the province polygon in the equal-area CRS."""
    _siting()
    from siting import region

    folder = WORK / "atlite"
    folder.mkdir(parents=True, exist_ok=True)
    dem = write_vrt(sorted((RAW / "copdem_glo90").glob("*.tif")), folder / "dem.vrt")
    landcover = write_vrt(sorted((RAW / "worldcover_2021_v200").glob("*.tif")), folder / "landcover.vrt")
    province = region.load_admin(140000)["province"][["geometry"]].to_crs(ALBERS)
    province.to_file(folder / "province.gpkg", driver="GPKG")
    return {
        "dem": str(dem),
        "landcover": str(landcover),
        "province": str(folder / "province.gpkg"),
        "redline": str(RAW / "user" / "ecological_redline.gpkg"),
        "slope": str(folder / "slope_100m.tif"),
    }


def _steeper_than_limit(values: Any) -> Any:
    """atlite ``codes`` callable (not a lambda, as atlite asks): slope above the limit."""
    import numpy as np

    with np.errstate(invalid="ignore"):
        return values > SLOPE_LIMIT_DEG


def atlite_worker(inputs: dict[str, str], *, resolution_m: float, make_slope: bool) -> dict[str, Any]:
    """Inside the atlite venv: the slope raster (once), then ``shape_availability``; times and RSS."""
    import geopandas as gpd
    import numpy as np
    import rasterio
    from rasterio.warp import Resampling, reproject

    t0 = time.perf_counter()
    import atlite
    from atlite.gis import ExclusionContainer, padded_transform_and_shape, shape_availability

    imports_s = time.perf_counter() - t0
    province = gpd.read_file(inputs["province"]).to_crs(ALBERS)
    out: dict[str, Any] = {"atlite_version": atlite.__version__, "imports_s": imports_s}
    if make_slope:
        start = time.perf_counter()
        transform, shape = padded_transform_and_shape(tuple(province.total_bounds), resolution_m)
        dem = np.full(shape, np.nan, dtype="float32")
        with rasterio.open(inputs["dem"]) as src:
            reproject(
                rasterio.band(src, 1),
                dem,
                dst_transform=transform,
                dst_crs=ALBERS,
                dst_nodata=np.nan,
                resampling=Resampling.bilinear,
            )
        gy, gx = np.gradient(dem, resolution_m)  # central differences (Horn's kernel differs slightly)
        slope = np.degrees(np.arctan(np.hypot(gx, gy))).astype("float32")
        profile = {"driver": "GTiff", "height": shape[0], "width": shape[1], "count": 1, "dtype": "float32"}
        profile |= {
            "crs": ALBERS,
            "transform": transform,
            "nodata": np.nan,
            "compress": "deflate",
            "tiled": True,
        }
        with rasterio.open(inputs["slope"], "w", **profile) as dst:
            dst.write(slope, 1)
        out["slope_s"] = time.perf_counter() - start
        out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return out
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    excluder = ExclusionContainer(crs=ALBERS, res=resolution_m)
    excluder.add_raster(inputs["landcover"], codes=[50], buffer=BUFFER_M)
    excluder.add_raster(inputs["slope"], codes=_steeper_than_limit, nodata=np.nan)
    excluder.add_geometry(inputs["redline"])
    eligible, _ = shape_availability(province.geometry, excluder)
    out["shape_availability_s"] = time.perf_counter() - start
    out["eligible_km2"] = float(eligible.sum()) * resolution_m**2 / 1e6
    out["max_rss_before_mb"] = rss_before
    out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def bench_atlite(*, repeats: int, resolution_m: float = 100.0) -> dict[str, Any]:
    """Run the atlite worker ``repeats`` times in the atlite venv; median wall and peak RSS."""
    python = ATLITE_VENV / "bin" / "python"
    if not python.exists():
        raise RuntimeError(
            f"{python} is missing; create it with\n  python3.11 -m venv {ATLITE_VENV}\n"
            f"  {python} -m pip install -r {BENCH / 'requirements-atlite.txt'}"
        )
    inputs = prepare_atlite_inputs()
    (WORK / "atlite" / "inputs.json").write_text(json.dumps(inputs))
    cmd = [
        str(python),
        str(Path(__file__).resolve()),
        "--atlite-worker",
        str(WORK / "atlite" / "inputs.json"),
    ]
    cmd += ["--resolution-m", str(resolution_m)]
    runs = []
    for i in range(repeats + 1):  # the first makes the slope raster (its own process), then atlite
        start = time.perf_counter()
        proc = subprocess.run(
            cmd + (["--make-slope"] if i == 0 else []), cwd=ROOT, capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            raise RuntimeError(f"atlite worker failed:\n{proc.stderr[-3000:]}")
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        res["process_wall_s"] = time.perf_counter() - start
        if i == 0:
            slope = res
            print(f"slope raster for atlite: {res['slope_s']:.1f} s, {res['max_rss_mb']:.0f} MB")
            continue
        runs.append(res)
        print(f"atlite {i}/{repeats}: {res['shape_availability_s']:.1f} s, {res['max_rss_mb']:.0f} MB")
    return {
        "runs": runs,
        "resolution_m": resolution_m,
        "version": runs[0]["atlite_version"],
        "slope_s": slope["slope_s"],
        "slope_max_rss_mb": slope["max_rss_mb"],
        "median_s": statistics.median(r["shape_availability_s"] for r in runs),
        "median_max_rss_mb": statistics.median(r["max_rss_mb"] for r in runs),
        "eligible_km2": runs[-1]["eligible_km2"],
    }


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------


def _row(label: str, jobs: Any, wall: float, cpu: float, rss: float) -> str:
    return f"{label:<38} {jobs!s:>6} {wall:>10.1f} {cpu:>10.1f} {rss:>9.0f}"


def report(result: dict[str, Any]) -> str:
    """The figures as a plain-text table."""
    lines = []
    for key in ("bench100", "bench30"):
        run = result.get(key)
        if not run:
            continue
        if run.get("extrapolated"):
            ex = run["extrapolated"]
            lines.append(
                f"\n{key}: SAMPLE of {run['tiles']} of {run['tiles_in_province']} tiles; province "
                f"extrapolated (×{ex['scale']:.1f}, prepare only): "
                f"{ex['province_prepare_wall_s']:.0f} s on {CORES} cores"
            )
        lines.append(
            f"\n{key}: {run['tiles']} tiles at {run['resolution_m']:g} m — run wall {run['wall_s']:.0f} s on "
            f"{CORES} cores, Snakemake overhead {run['snakemake_overhead_s']:.0f} s, "
            f"dry run {min(run['dry_run_s']):.1f} s"
        )
        lines.append(f"{'rule':<38} {'jobs':>6} {'Σ wall s':>10} {'Σ CPU s':>10} {'max RSS':>9}")
        for rule, r in sorted(run["rules"].items()):
            lines.append(_row(rule, r["jobs"], r["sum_wall_s"], r["sum_cpu_s"], r["max_rss_mb"]))
        g = run["eligibility_relevant"]
        lines.append(
            _row(
                "prepare (3 rules) + compute_eligibility",
                g["jobs"],
                g["sum_wall_s"],
                g["sum_cpu_s"],
                g["max_rss_mb"],
            )
        )
        pv = run["pv"]
        lines.append(
            _row("pv: compute_eligibility", pv["jobs"], pv["sum_wall_s"], pv["sum_cpu_s"], pv["max_rss_mb"])
        )
        stage = [s["wall_s"] for s in run["eligibility_stage_runs"] if s["wall_s"]]
        if stage:
            lines.append(f"eligibility stage alone (pv + wind, 2 cores, incl. Snakemake): {stage} s")
    at = result.get("atlite")
    if at:
        lines.append(
            f"\natlite {at['version']} shape_availability at {at['resolution_m']:g} m: "
            f"median {at['median_s']:.1f} s ({len(at['runs'])} runs), "
            f"peak RSS {at['median_max_rss_mb']:.0f} MB; "
            f"slope raster {at['slope_s']:.1f} s"
        )
    for name, value in result.get("ratios", {}).items():
        lines.append(f"{name:<60} {value:6.2f}")
    return "\n".join(lines)


def ratios(result: dict[str, Any]) -> dict[str, float]:
    """atlite / ours for time (> 1: we are faster) and ours / atlite for memory (< 0.5: target met)."""
    at, run = result.get("atlite"), result.get("bench100")
    if not at or not run:
        return {}
    pv_runs = [s["pv"] for s in run["eligibility_stage_runs"]]
    pv_wall = statistics.median(p["sum_wall_s"] for p in pv_runs)
    pv_rss = max(p["max_rss_mb"] for p in pv_runs)
    pv_cpu = statistics.median(p["sum_cpu_s"] for p in pv_runs)
    prep = run["prepare"]["sum_wall_s"] + pv_wall
    atlite_all = at["median_s"] + at["slope_s"]
    return {
        "time atlite / ours (pv compute_eligibility job wall)": at["median_s"] / pv_wall,
        "time atlite / ours (pv compute_eligibility job CPU)": at["median_s"] / pv_cpu,
        "time atlite+slope / ours (prepare + pv eligibility, Σ job wall)": atlite_all / prep,
        "time atlite+slope / ours (whole run wall, pv+wind, 2 cores)": atlite_all / run["wall_s"],
        "memory ours / atlite (pv compute_eligibility job)": pv_rss / at["median_max_rss_mb"],
    }


def cleanup() -> None:
    """Delete the bench runs' prepared tiles, results and logs (the TSVs stay, gitignored)."""
    for run in ("bench100", "bench30"):
        for folder in ("resources", "results", "logs"):
            shutil.rmtree(ROOT / folder / run, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="eligibility-stage runs at 100 m (median)")
    parser.add_argument("--atlite-repeats", type=int, default=3, help="atlite runs (median)")
    parser.add_argument("--skip-30", action="store_true", help="no 30 m run")
    parser.add_argument("--skip-atlite", action="store_true", help="no atlite run")
    parser.add_argument("--skip-100", action="store_true", help="no 100 m run")
    parser.add_argument("--force-inputs", action="store_true", help="rebuild the cached inputs")
    parser.add_argument("--keep", action="store_true", help="keep resources/results/logs of the bench runs")
    parser.add_argument(
        "--tiles-30", type=int, default=0, help="30 m run on this many evenly spaced tiles only (0 = all)"
    )
    parser.add_argument(
        "--resume", action="store_true", help="skip the stages in benchmarks/work/partial.json"
    )
    parser.add_argument(
        "--tile-size-100",
        type=float,
        default=TILE_SIZE_M[100.0],
        help="tile edge [m] of the 100 m run (default: the real 50 km; 150000: 15 tiles)",
    )
    parser.add_argument("--atlite-worker", metavar="INPUTS_JSON", help=argparse.SUPPRESS)
    parser.add_argument("--resolution-m", type=float, default=100.0, help=argparse.SUPPRESS)
    parser.add_argument("--make-slope", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.atlite_worker:
        inputs = json.loads(Path(args.atlite_worker).read_text())
        out = atlite_worker(inputs, resolution_m=args.resolution_m, make_slope=args.make_slope)
        print(json.dumps(out))
        return

    TILE_SIZE_M[100.0] = args.tile_size_100
    start = time.perf_counter()
    WORK.mkdir(parents=True, exist_ok=True)
    partial = WORK / "partial.json"
    result: dict[str, Any] = json.loads(partial.read_text()) if args.resume and partial.exists() else {}
    result.update(
        {
            "date": dt.date.today().isoformat(),
            "machine": {"cores": os.cpu_count(), "platform": platform.platform()},
            "config": str(CONFIG.relative_to(ROOT)),
        }
    )
    result.setdefault("load_avg", []).append(os.getloadavg())
    result["inputs"] = make_inputs(RAW, force=args.force_inputs)

    def save() -> None:
        result["load_avg"].append(os.getloadavg())
        partial.write_text(json.dumps(result, indent=1, default=str))

    try:
        if not args.skip_100 and "bench100" not in result:
            result["bench100"] = full_run("bench100", 100.0)
            save()
        if not args.skip_100 and len(result["bench100"]["eligibility_stage_runs"]) < args.repeats:
            stage_repeats(
                result["bench100"], args.repeats - len(result["bench100"]["eligibility_stage_runs"])
            )
            save()
        if not args.skip_atlite and "atlite" not in result:
            result["atlite"] = bench_atlite(repeats=args.atlite_repeats)
            save()
        if not args.skip_30 and "bench30" not in result:
            tiles = sample_tiles(30.0, args.tiles_30) if args.tiles_30 else None
            result["bench30"] = full_run("bench30", 30.0, tiles=tiles)
            save()
    finally:
        if not args.keep:
            cleanup()
    result["ratios"] = ratios(result)
    result["script_wall_s"] = time.perf_counter() - start
    out = BENCH / "results" / f"eligibility_{result['date']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, default=str))
    print(report(result))
    print(f"\nwrote {out.relative_to(ROOT)}; whole script {result['script_wall_s'] / 60:.1f} min")


if __name__ == "__main__":
    main()
