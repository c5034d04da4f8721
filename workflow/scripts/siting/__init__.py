"""Siting pipeline for renewables and carbon sinks in Shanxi.

The importable, tested logic behind the Snakemake rules. Modules are small and by topic;
pure functions take arrays / DataFrames and numbers, only I/O modules touch paths.
"""

__version__ = "0.1.0"
