def seed(demo):
    """Nothing yet for this app's part of the demo."""
