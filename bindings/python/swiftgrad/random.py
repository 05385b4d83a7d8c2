"""torch.random: the default generator's seed and state."""
from ._random import fork_rng, get_rng_state, initial_seed, manual_seed, seed, set_rng_state  # noqa: F401
from ._generator import default_generator  # noqa: F401
