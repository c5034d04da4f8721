# Siting pipeline for renewables and carbon sinks in Shanxi: the table of contents.
#
#   snakemake --cores 8                                   the real study (config/config.yaml)
#   snakemake --cores 2 --configfile config/demo.yaml     the offline demo on synthetic inputs
#
# Stages: retrieve -> prepare -> eligibility -> scoring -> yield -> sites -> sinks -> report.
# See README.md and ../shared/DESIGN.md.


configfile: f"{workflow.basedir}/config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/retrieve.smk"
include: "workflow/rules/prepare.smk"
include: "workflow/rules/eligibility.smk"
include: "workflow/rules/scoring.smk"
include: "workflow/rules/sites.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        f"{RES}/region.gpkg",
        f"{RES}/grid/tiles.gpkg",
        f"{OUT}/eligibility/summary.csv",
        f"{OUT}/summary/categories.csv",
        f"{OUT}/summary/scores.csv",
        f"{OUT}/summary/sensitivity.csv",
        f"{OUT}/maps/overview.html",
        f"{OUT}/sites/sites.gpkg",
        f"{OUT}/report.html",
        expand(f"{OUT}/profiles/{{tech}}.nc", tech=TECHNOLOGIES),
        # every raw file of the region's bounds (35 DEM and 9 WorldCover tiles for Shanxi), even those
        # no tile happens to need, so `snakemake -n` lists every download
        raw_inputs(),
