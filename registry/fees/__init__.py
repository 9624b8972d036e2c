"""Contributions (contributie): the yearly membership fee per inhabitant, rates and fee runs."""
