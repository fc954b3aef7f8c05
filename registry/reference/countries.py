"""The countries whose state support for NGOs the registry records, by ISO 3166-1 code. What
the registry knows of each (its one time zone, its forms of state support, its legal unit of
account, its regions) is keyed by these codes, and a test holds every such table to them."""

from typing import Final

HOME_COUNTRIES: Final = frozenset({"UZ", "KZ"})
