// Formats stage: see docs/architecture.md.
