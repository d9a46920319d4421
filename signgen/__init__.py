"""signgen: real-time sign-language video generation with latent flow matching (RPFM)."""

__version__ = "0.1.0"
