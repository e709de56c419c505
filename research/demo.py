from .demo_coding import seed_coding
from .demo_data import seed_data


def seed(demo):
    """Research demo data: the codebook, waves and data, then qualitative coding."""
    # Codebook, waves and values (research/demo_data.py).
    seed_data(demo)
    # Themes, materials and coded passages (research/demo_coding.py).
    seed_coding(demo)
