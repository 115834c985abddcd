"""A believable demo shop and large synthetic catalogues, for trying Duli and for benchmarks."""
