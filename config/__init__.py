"""The bottom layer: configuration, the Temporal connection and identifiers. Imports nothing of ours above it."""
