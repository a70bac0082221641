"""Reports: one finding model, many outputs."""
