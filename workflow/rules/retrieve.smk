# Retrieve: the public sources (downloaded, verified, cached), or - in a demo run - synthetic inputs
# built offline in exactly the same file names and formats.


if DEMO:

    rule build_demo_inputs:
        input:
            region=f"{RES}/region.gpkg",
        output:
            demo_outputs(),
        log:
            f"logs/{RUN}/build_demo_inputs.log",
        benchmark:
            f"benchmarks/results/{RUN}/build_demo_inputs.tsv"
        conda:
            CONDA_ENV
        resources:
            mem_mb=3000,
        params:
            raw_dir=demo_raw_dir,
            bounds=REGION_BOUNDS,
            year=config["data"]["weather_year"],
            weather_spacing_deg=config["data"]["weather_spacing_deg"],
            gwa_height_m=config["data"]["wind_height_m"],
            dem=config["data"]["dem"],
            landcover=config["data"]["landcover"],
        script:
            "../scripts/build_demo_inputs.py"

else:

    rule retrieve_source:
        output:
            f"{RAW}/{{path}}",
        log:
            f"logs/retrieve/{{path}}.log",
        benchmark:
            f"benchmarks/results/retrieve/{{path}}.tsv"
        wildcard_constraints:
            path=download_pattern(),
        conda:
            CONDA_ENV
        resources:
            http=1,
        params:
            source=download_source,
            url=download_url,
            bounds=REGION_BOUNDS,
            window=GWA_WINDOW,
            offline=config["data"]["offline"],
            download=config["download"],
        message:
            "Download {params.url}"
        script:
            "../scripts/retrieve_source.py"
