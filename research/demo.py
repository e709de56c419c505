from .demo_coding import seed_coding


def seed(demo):
    """Research demo data: the codebook, waves and data (to come), then qualitative coding."""
    # Themes, materials and coded passages (research/demo_coding.py).
    seed_coding(demo)
