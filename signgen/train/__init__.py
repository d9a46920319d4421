"""Training (only the CLI imports this package): autoencoder first, then the flow.

`signgen.train.config` holds the training recipes (their defaults are the only ones);
`signgen.train.autoencoder` and `signgen.train.flow` train each stage.
"""
