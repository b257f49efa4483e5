"""Synthetic people and hand-typed village lists, for demos, tests and benchmarks.

`generate_population` gives a regency's residents as an Arrow table; `make_village_list`
turns a sample of them into the list a village operator would type, with its mistakes.
"""

from lindung.synth.corruptions import CorruptionRates
from lindung.synth.population import DEFAULT_REFERENCE_DATE, generate_population
from lindung.synth.village_list import make_village_list

__all__ = ["DEFAULT_REFERENCE_DATE", "CorruptionRates", "generate_population", "make_village_list"]
