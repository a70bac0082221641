"""Command line: thin typer commands over plain functions."""
