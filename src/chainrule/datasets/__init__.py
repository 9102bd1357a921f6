"""Datasets generated in code (no download): the course's planar "flower"."""

from chainrule.datasets.planar import flower

__all__ = ["flower"]
