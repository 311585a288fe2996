// Media stage: see docs/architecture.md.
