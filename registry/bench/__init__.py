"""``registry bench``: throughput and latency, each printed as a ratio to a baseline measured
in the same run on the same database, because the machines are shared and noisy."""
