# Eligibility: config-driven exclusion rules per technology and tile, then province-wide assembly.


rule compute_eligibility:
    input:
        **tile_layer_files(),
    output:
        eligible=f"{OUT}/eligibility/tiles/{{tech}}/{{tile}}_eligible.tif",
        excluded_by=f"{OUT}/eligibility/tiles/{{tech}}/{{tile}}_excluded_by.tif",
        summary=f"{OUT}/eligibility/tiles/{{tech}}/{{tile}}_summary.csv",
    log:
        f"logs/{RUN}/compute_eligibility/{{tech}}_{{tile}}.log",
    benchmark:
        f"benchmarks/results/{RUN}/compute_eligibility/{{tech}}_{{tile}}.tsv"
    wildcard_constraints:
        tech="pv|wind",
    conda:
        CONDA_ENV
    resources:
        mem_mb=1500,
    params:
        grid=config["grid"],
        rules=exclusion_rules,
        proxies=config["proxies"],
        n_counties=len(_region["county"]),
        data_basis=DATA_BASIS,
    script:
        "../scripts/compute_eligibility.py"


rule assemble_eligibility:
    input:
        eligible=tech_tile_files(
            f"{OUT}/eligibility/tiles/{{tech}}/{{tile}}_eligible.tif"
        ),
        excluded_by=tech_tile_files(
            f"{OUT}/eligibility/tiles/{{tech}}/{{tile}}_excluded_by.tif"
        ),
        summaries=tech_tile_files(
            f"{OUT}/eligibility/tiles/{{tech}}/{{tile}}_summary.csv"
        ),
        region=rules.build_region.output.region,
    output:
        eligible=f"{OUT}/eligibility/{{tech}}_eligible.tif",
        excluded_by=f"{OUT}/eligibility/{{tech}}_excluded_by.tif",
        summary=f"{OUT}/eligibility/{{tech}}_summary.csv",
        rules=f"{OUT}/eligibility/{{tech}}_rules.csv",
    log:
        f"logs/{RUN}/assemble_eligibility/{{tech}}.log",
    benchmark:
        f"benchmarks/results/{RUN}/assemble_eligibility/{{tech}}.tsv"
    wildcard_constraints:
        tech="pv|wind",
    conda:
        CONDA_ENV
    resources:
        mem_mb=3000,
    params:
        technology="{tech}",
        rules=exclusion_rules,
        data_basis=DATA_BASIS,
    script:
        "../scripts/assemble_eligibility.py"


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
