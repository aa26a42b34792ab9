"""Tests ferry generated for this project: import, structure, smoke run (and parity)."""
