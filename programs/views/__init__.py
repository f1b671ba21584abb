# Pages of the therapy, one module per topic (today.py, plans.py, ...).
