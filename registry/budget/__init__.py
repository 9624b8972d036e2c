"""The yearly budget (begroting), the quarterly report to the RvC (kwartaalrapportage) and
the statutory calendar."""
