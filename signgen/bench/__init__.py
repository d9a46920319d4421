"""`signgen bench`: the latency of the user's own setup (see `signgen.bench.latency`)."""
