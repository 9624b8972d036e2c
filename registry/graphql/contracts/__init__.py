"""The contracts register, the budget, the quarterly report and the statutory calendar."""
