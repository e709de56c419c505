"""Views for research, split by topic. URL names are stable: other apps link to them."""
