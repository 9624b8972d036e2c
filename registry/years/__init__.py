"""Financial years (boekjaren): closing a year after the accountant's sign-off, reopening it,
and the one check every writer of money or numbers makes before it dates something."""
