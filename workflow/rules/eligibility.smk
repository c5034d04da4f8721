# Eligibility: config-driven exclusion rules, one job per technology over every tile (tile and province rasters).


rule compute_eligibility:
    input:
        unpack(eligibility_inputs),
        region=rules.build_region.output.region,
    output:
        tile_eligible=tile_files(
            f"{OUT}/eligibility/tiles/{{tech}}/{{tile}}_eligible.tif"
        ),
        tile_excluded_by=tile_files(
            f"{OUT}/eligibility/tiles/{{tech}}/{{tile}}_excluded_by.tif"
        ),
        eligible=f"{OUT}/eligibility/{{tech}}_eligible.tif",
        excluded_by=f"{OUT}/eligibility/{{tech}}_excluded_by.tif",
        summary=f"{OUT}/eligibility/{{tech}}_summary.csv",
        rules=f"{OUT}/eligibility/{{tech}}_rules.csv",
    log:
        f"logs/{RUN}/compute_eligibility/{{tech}}.log",
    benchmark:
        f"benchmarks/results/{RUN}/compute_eligibility/{{tech}}.tsv"
    wildcard_constraints:
        tech="pv|wind",
    conda:
        CONDA_ENV
    threads: 4
    resources:
        mem_mb=2000,
    params:
        technology="{tech}",
        grid=config["grid"],
        tiles=TILES,
        groups=eligibility_groups,
        rules=exclusion_rules,
        proxies=config["proxies"],
        n_counties=len(_region["county"]),
        data_basis=DATA_BASIS,
    script:
        "../scripts/compute_eligibility.py"


rule summarise_eligibility:
    input:
        expand(f"{OUT}/eligibility/{{tech}}_summary.csv", tech=TECHNOLOGIES),
    output:
        f"{OUT}/eligibility/summary.csv",
    log:
        f"logs/{RUN}/summarise_eligibility.log",
    benchmark:
        f"benchmarks/results/{RUN}/summarise_eligibility.tsv"
    conda:
        CONDA_ENV
    script:
        "../scripts/summarise_eligibility.py"
