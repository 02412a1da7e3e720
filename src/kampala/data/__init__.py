"""Example data shipped with kampala (see the README in each folder)."""
