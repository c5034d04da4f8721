"""Rule summarise_eligibility: one table of total, excluded and eligible km² per technology and region."""

import pandas as pd

from siting import io
from siting.logs import script_logging

with script_logging(snakemake) as log:
    tables = [io.read_csv(f) for f in snakemake.input]
    table = pd.concat(tables, ignore_index=True, sort=False)
    io.write_csv(table, snakemake.output[0])
    log.info("%d rows for %s", len(table), sorted(table["technology"].unique()))
