"""Rule retrieve_source: download one file of a public source, verified, atomic and cached."""

from siting.fetch import fetch
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p = snakemake.params
    log.info("%s: %s -> %s", p.source, p.url, snakemake.output[0])
    fetch(
        p.source,
        p.url,
        snakemake.output[0],
        offline=p.offline,
        bounds_wgs84=p.bounds,
        window_wgs84=p.window,
        timeout_s=(p.download["connect_timeout_s"], p.download["read_timeout_s"]),
        retries=p.download["retries"],
    )
