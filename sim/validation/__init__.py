"""Validation: the historical replay 2005-2024 against observed Dutch patterns, and crisis behaviour."""
