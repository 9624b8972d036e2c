"""Contribution reports for auditors: every euro per member and year, reconciled."""
