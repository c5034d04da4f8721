# Prepare: the region, the analysis grid and its tiles, every layer warped onto the grid (per tile).


rule build_region:
    output:
        region=f"{RES}/region.gpkg",
    log:
        f"logs/{RUN}/build_region.log",
    benchmark:
        f"benchmarks/results/{RUN}/build_region.tsv"
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
    params:
        province=config["region"]["province"],
        counties=config["region"]["counties"],
        bases=config["bases"]["items"],
        bases_note=config["bases"]["note"],
        crs=config["grid"]["crs"],
    script:
        "../scripts/build_region.py"


rule build_grid:
    input:
        region=rules.build_region.output.region,
    output:
        tiles=f"{RES}/grid/tiles.gpkg",
        spec=f"{RES}/grid/grid.json",
    log:
        f"logs/{RUN}/build_grid.log",
    benchmark:
        f"benchmarks/results/{RUN}/build_grid.tsv"
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
    params:
        grid=config["grid"],
    script:
        "../scripts/build_grid.py"


rule prepare_terrain:
    input:
        dem=dem_for_tile,
    output:
        f"{RES}/tiles/{{tile}}/terrain.tif",
    log:
        f"logs/{RUN}/prepare_terrain/{{tile}}.log",
    benchmark:
        f"benchmarks/results/{RUN}/prepare_terrain/{{tile}}.tsv"
    conda:
        CONDA_ENV
    resources:
        mem_mb=1500,
    params:
        grid=config["grid"],
        data_basis=DATA_BASIS,
        source=config["data"]["dem"],
    script:
        "../scripts/prepare_terrain.py"


rule prepare_landcover:
    input:
        landcover=landcover_for_tile,
    output:
        f"{RES}/tiles/{{tile}}/landcover.tif",
    log:
        f"logs/{RUN}/prepare_landcover/{{tile}}.log",
    benchmark:
        f"benchmarks/results/{RUN}/prepare_landcover/{{tile}}.tsv"
    conda:
        CONDA_ENV
    resources:
        mem_mb=2000,
    params:
        grid=config["grid"],
        data_basis=DATA_BASIS,
        source=config["data"]["landcover"],
    script:
        "../scripts/prepare_landcover.py"


rule prepare_climate:
    input:
        **climate_inputs(),
    output:
        f"{RES}/tiles/{{tile}}/climate.tif",
    log:
        f"logs/{RUN}/prepare_climate/{{tile}}.log",
    benchmark:
        f"benchmarks/results/{RUN}/prepare_climate/{{tile}}.tsv"
    conda:
        CONDA_ENV
    resources:
        mem_mb=1500,
    params:
        grid=config["grid"],
        data_basis=DATA_BASIS,
        members=climate_members(),
    script:
        "../scripts/prepare_climate.py"


rule prepare_vectors:
    input:
        unpack(presence_layer_files),
        region=rules.build_region.output.region,
    output:
        vectors=f"{RES}/tiles/{{tile}}/vectors.tif",
        zones=f"{RES}/tiles/{{tile}}/zones.tif",
    log:
        f"logs/{RUN}/prepare_vectors/{{tile}}.log",
    benchmark:
        f"benchmarks/results/{RUN}/prepare_vectors/{{tile}}.tsv"
    conda:
        CONDA_ENV
    resources:
        mem_mb=1500,
    params:
        grid=config["grid"],
        data_basis=DATA_BASIS,
        user_layers=vector_layers(),
    script:
        "../scripts/prepare_vectors.py"


rule prepare_distances:
    input:
        unpack(distance_layer_files),
    output:
        f"{RES}/tiles/{{tile}}/distances.tif",
    log:
        f"logs/{RUN}/prepare_distances/{{tile}}.log",
    benchmark:
        f"benchmarks/results/{RUN}/prepare_distances/{{tile}}.tsv"
    conda:
        CONDA_ENV
    resources:
        mem_mb=1500,
    params:
        grid=config["grid"],
        data_basis=DATA_BASIS,
        user_layers=vector_layers(),
    script:
        "../scripts/prepare_distances.py"


rule prepare_soil:
    input:
        raster=raw(_sources.get_source("hwsd2_raster").path),
        db=raw(_sources.get_source("hwsd2_db").path),
    output:
        f"{RES}/tiles/{{tile}}/soil.tif",
    log:
        f"logs/{RUN}/prepare_soil/{{tile}}.log",
    benchmark:
        f"benchmarks/results/{RUN}/prepare_soil/{{tile}}.tsv"
    conda:
        CONDA_ENV
    resources:
        mem_mb=1000,
    params:
        grid=config["grid"],
        data_basis=DATA_BASIS,
    script:
        "../scripts/prepare_soil.py"
