"""plantledger: an analytics warehouse for manufacturing execution data."""

__version__ = "0.1.0"
