"""Rule build_demo_inputs: SYNTHETIC inputs over the real region, in the real file names and formats."""

from pathlib import Path

from siting import demo, io
from siting.errors import InputError
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p = snakemake.params
    province = io.read_gpkg_layer(snakemake.input.region, "province")
    log.warning("building SYNTHETIC demo inputs under %s (labelled DATA_BASIS=demo-synthetic)", p.raw_dir)
    written = demo.build_demo_inputs(
        Path(p.raw_dir),
        region_wgs84=province.geometry.iloc[0],
        bounds=tuple(p.bounds),
        year=p.year,
        dem_source=p.dem,
        landcover_source=p.landcover,
        gwa_height_m=p.gwa_height_m,
        weather_spacing_deg=p.weather_spacing_deg,
    )
    missing = sorted(set(map(str, snakemake.output)) - {str(w) for w in written})
    if missing:
        raise InputError(
            f"the demo generator did not write {len(missing)} expected file(s), e.g. {missing[:3]}"
        )
    log.info("wrote %d files", len(written))
