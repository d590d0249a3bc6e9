"""rotactl — customer rotation and attribution for sales floors, over plain ledgers."""

__version__ = "0.1.0"
