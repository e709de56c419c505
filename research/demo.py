from .demo_coding import seed_coding
from .demo_data import seed_data
from .demo_evidence import seed_evidence


def seed(demo):
    """Research demo data: the codebook, waves and data, then qualitative coding."""
    # Codebook, waves and values (research/demo_data.py).
    seed_data(demo)
    # Themes, materials and coded passages (research/demo_coding.py).
    seed_coding(demo)
    # Knowledge sources, goals and measures, factors, a blind second coding (issue 18).
    seed_evidence(demo)
