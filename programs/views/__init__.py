# Pages of the therapy, one module per feature (sessions.py, plans.py, ...).
