"""The version of kampala, the single source of truth for packaging."""

__all__ = ["__version__"]

__version__ = "0.1.0.dev0"
