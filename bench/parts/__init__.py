"""The parts of the benchmark, one module each: `measure(R)` stores its figures in R (results.json),
`summary(R, s)` returns its section of summary.md."""
