# Prepare: the region, the analysis grid and its tiles, every layer warped onto the grid.


rule build_region:
    output:
        region=f"{RES}/region.gpkg",
    params:
        province=config["region"]["province"],
        counties=config["region"]["counties"],
        bases=config["bases"]["items"],
        bases_note=config["bases"]["note"],
        crs=config["grid"]["crs"],
    log:
        f"logs/{RUN}/build_region.log",
    benchmark:
        f"benchmarks/results/{RUN}/build_region.tsv"
    resources:
        mem_mb=1000,
    script:
        "../scripts/build_region.py"


rule build_grid:
    input:
        region=rules.build_region.output.region,
    output:
        tiles=f"{RES}/grid/tiles.gpkg",
        spec=f"{RES}/grid/grid.json",
    params:
        grid=config["grid"],
    log:
        f"logs/{RUN}/build_grid.log",
    benchmark:
        f"benchmarks/results/{RUN}/build_grid.tsv"
    resources:
        mem_mb=1000,
    script:
        "../scripts/build_grid.py"
