"""Views for phases, split by topic. URL names are stable: other apps link to them."""
