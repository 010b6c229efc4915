"""The interactive teaching app (Mesa SolaraViz): `areasim app`."""
