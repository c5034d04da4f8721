# Prepare: the region, the analysis grid and its tiles, every layer warped onto the grid (per tile).


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


rule prepare_terrain:
    input:
        dem=dem_for_tile,
    output:
        f"{RES}/tiles/{{tile}}/terrain.tif",
    params:
        grid=config["grid"],
        data_basis=DATA_BASIS,
        source=config["data"]["dem"],
    log:
        f"logs/{RUN}/prepare_terrain/{{tile}}.log",
    benchmark:
        f"benchmarks/results/{RUN}/prepare_terrain/{{tile}}.tsv"
    resources:
        mem_mb=1500,
    script:
        "../scripts/prepare_terrain.py"


rule prepare_landcover:
    input:
        landcover=landcover_for_tile,
    output:
        f"{RES}/tiles/{{tile}}/landcover.tif",
    params:
        grid=config["grid"],
        data_basis=DATA_BASIS,
        source=config["data"]["landcover"],
    log:
        f"logs/{RUN}/prepare_landcover/{{tile}}.log",
    benchmark:
        f"benchmarks/results/{RUN}/prepare_landcover/{{tile}}.tsv"
    resources:
        mem_mb=2000,
    script:
        "../scripts/prepare_landcover.py"


rule prepare_climate:
    input:
        **climate_inputs(),
    output:
        f"{RES}/tiles/{{tile}}/climate.tif",
    params:
        grid=config["grid"],
        data_basis=DATA_BASIS,
        members=climate_members(),
    log:
        f"logs/{RUN}/prepare_climate/{{tile}}.log",
    benchmark:
        f"benchmarks/results/{RUN}/prepare_climate/{{tile}}.tsv"
    resources:
        mem_mb=1500,
    script:
        "../scripts/prepare_climate.py"


rule prepare_vectors:
    input:
        unpack(user_layer_files),
        region=rules.build_region.output.region,
    output:
        vectors=f"{RES}/tiles/{{tile}}/vectors.tif",
        distances=f"{RES}/tiles/{{tile}}/distances.tif",
        zones=f"{RES}/tiles/{{tile}}/zones.tif",
    params:
        grid=config["grid"],
        data_basis=DATA_BASIS,
        user_layers=vector_layers(),
        presence_layers=PRESENCE_LAYERS,
        distance_layers=DISTANCE_LAYERS,
    log:
        f"logs/{RUN}/prepare_vectors/{{tile}}.log",
    benchmark:
        f"benchmarks/results/{RUN}/prepare_vectors/{{tile}}.tsv"
    resources:
        mem_mb=1500,
    script:
        "../scripts/prepare_vectors.py"
