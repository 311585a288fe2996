// Pipeline stage: see docs/architecture.md.
