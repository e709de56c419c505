"""`make load`: gunicorn on PostgreSQL with large generated data, driven by Locust."""
