// Stream stage: see docs/architecture.md.
