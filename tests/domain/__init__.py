"""Tests of the pure domain layer (no database, no app)."""
