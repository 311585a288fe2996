// Models stage: see docs/architecture.md.
