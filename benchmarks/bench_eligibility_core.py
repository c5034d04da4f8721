"""Time the array core of the eligibility and terrain stages on one synthetic tile.

Run from the repository root::

    .venv/bin/python benchmarks/bench_eligibility_core.py [--size 2000] [--repeat 3]

Prints the best wall time of each step [s] over ``--repeat`` runs; no files are written.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy import ndimage

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workflow" / "scripts"))

from siting.eligibility import (
    ExclusionRule,
    apply_rules,
    rule_mask,
    summarise_exclusions,
)
from siting.terrain import aspect_deg, ruggedness_tri_m, slope_deg


def _synthetic_tile(size: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    dem = ndimage.gaussian_filter(rng.normal(0, 400, (size, size)), 20).astype(np.float32)
    dem = dem * 40 + 1200
    dem[:5, :5] = np.nan
    landcover = rng.choice(np.array([1, 2, 3, 4, 5, 6, 7, 8, 9], dtype=np.uint8), size=(size, size))
    roads = (rng.random((size, size)) > 0.999).astype(np.uint8)
    protected = np.zeros((size, size), dtype=np.uint8)
    protected[size // 4 : size // 2, size // 3 : size // 2] = 1
    zones = np.arange(size)[:, None] // (size // 4) * 4 + np.arange(size)[None, :] // (size // 4)
    return {
        "dem_m": dem,
        "slope_deg": slope_deg(dem, resolution_m=100.0),
        "landcover": landcover,
        "roads": roads,
        "protected": protected,
        "zones": zones.astype(np.int32),
    }


def _best(func, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000, help="tile edge [cells]")
    parser.add_argument("--repeat", type=int, default=3, help="runs per step (best is shown)")
    parser.add_argument("--resolution-m", type=float, default=100.0, help="cell size [m]")
    args = parser.parse_args()

    layers = _synthetic_tile(args.size)
    rules = [
        ExclusionRule("steep", "slope_deg", above=25.0),
        ExclusionRule("water", "landcover", classes=(5, 6)),
        ExclusionRule("urban", "landcover", classes=(8,), buffer_m=200.0),
        ExclusionRule("roads", "roads", features=True, buffer_m=500.0),
        ExclusionRule("protected", "protected", features=True, buffer_m=1000.0),
        ExclusionRule("high", "dem_m", between=(2500.0, 9000.0)),
    ]
    res = args.resolution_m
    n = args.size
    print(f"tile {n}×{n} cells at {res:g} m, {len(rules)} rules")
    for name, func in [
        ("slope_deg", lambda: slope_deg(layers["dem_m"], resolution_m=res)),
        ("aspect_deg", lambda: aspect_deg(layers["dem_m"], resolution_m=res)),
        ("ruggedness_tri_m", lambda: ruggedness_tri_m(layers["dem_m"])),
    ]:
        print(f"  {name:<32} {_best(func, args.repeat)[0]:7.3f} s")
    for rule in rules:
        seconds, _ = _best(
            lambda rule=rule: rule_mask(layers[rule.layer], rule, resolution_m=res), args.repeat
        )
        print(f"  rule_mask {rule.name:<22} {seconds:7.3f} s")
    seconds, (eligible, excluded_by) = _best(
        lambda: apply_rules(layers, rules, resolution_m=res), args.repeat
    )
    print(f"  {'apply_rules (all 6)':<32} {seconds:7.3f} s   eligible {eligible.mean():.1%}")
    seconds, _ = _best(
        lambda: summarise_exclusions(
            excluded_by,
            eligible,
            layers["zones"],
            zone_ids=list(range(16)),
            rule_names=[r.name for r in rules],
            cell_area_km2=res * res / 1e6,
        ),
        args.repeat,
    )
    print(f"  {'summarise_exclusions (16 zones)':<32} {seconds:7.3f} s")


if __name__ == "__main__":
    main()
