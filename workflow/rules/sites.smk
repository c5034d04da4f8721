# Sites and yield: delineate per tile, merge, simulate pvlib / windpowerlib, size, rank, export.


rule delineate_sites:
    input:
        **tile_layer_files(),
        eligible=f"{OUT}/eligibility/tiles/{{tech}}/{{tile}}_eligible.tif",
        scores=rules.compute_scores.output.scores,
        categories=rules.compute_categories.output.categories,
    output:
        f"{OUT}/sites/tiles/{{tech}}/{{tile}}.parquet",
    log:
        f"logs/{RUN}/delineate_sites/{{tech}}_{{tile}}.log",
    benchmark:
        f"benchmarks/results/{RUN}/delineate_sites/{{tech}}_{{tile}}.tsv"
    wildcard_constraints:
        tech="pv|wind",
    conda:
        CONDA_ENV
    resources:
        mem_mb=1500,
    params:
        grid=config["grid"],
        sites=config["sites"],
        split_cell_m=SPLIT_CELL_M,
    script:
        "../scripts/delineate_sites.py"


rule simulate_yield:
    input:
        pieces=tech_tile_files(f"{OUT}/sites/tiles/{{tech}}/{{tile}}.parquet"),
        region=rules.build_region.output.region,
        weather=list(weather_files().values()),
    output:
        sites=f"{OUT}/sites/{{tech}}.parquet",
        profiles=f"{OUT}/profiles/{{tech}}.nc",
        profiles_bases=f"{OUT}/profiles/{{tech}}_bases.nc",
    log:
        f"logs/{RUN}/simulate_yield/{{tech}}.log",
    benchmark:
        f"benchmarks/results/{RUN}/simulate_yield/{{tech}}.tsv"
    wildcard_constraints:
        tech="pv|wind",
    conda:
        CONDA_ENV
    threads: 2
    resources:
        mem_mb=6000,
    params:
        crs=config["grid"]["crs"],
        sites=config["sites"],
        bases=BASE_COUNTIES,
        weather_points=list(weather_files()),
        wind_height_m=config["data"]["wind_height_m"],
        solar=config["solar"],
        wind=config["wind"],
        data_basis=DATA_BASIS,
    script:
        "../scripts/simulate_yield.py"


rule export_sites:
    input:
        sites=expand(f"{OUT}/sites/{{tech}}.parquet", tech=TECHNOLOGIES),
    output:
        gpkg=f"{OUT}/sites/sites.gpkg",
        csv=f"{OUT}/sites/sites.csv",
        parquet=f"{OUT}/sites/sites_geo.parquet",
        targets=f"{OUT}/summary/targets.csv",
        policy=f"{OUT}/summary/policy_check.csv",
        next_gw=f"{OUT}/summary/next_gw.csv",
    log:
        f"logs/{RUN}/export_sites.log",
    benchmark:
        f"benchmarks/results/{RUN}/export_sites.tsv"
    conda:
        CONDA_ENV
    params:
        technologies=TECHNOLOGIES,
        bases=BASE_COUNTIES,
        policy=config["targets"]["policy"],
        next_gw_capacity_gw=config["targets"]["next_gw_capacity_gw"],
        data_basis=DATA_BASIS,
    script:
        "../scripts/export_sites.py"
