"""Scripts that print numbers. Run each from the repository root: `python -m benchmarks.<name>`."""
