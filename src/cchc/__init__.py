"""cchc: administrative reform (CCHC) and e-government platform."""

__version__ = "0.1.0"
