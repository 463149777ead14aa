"""Tests that build and run the generated image on a real Docker engine (marker: docker)."""
