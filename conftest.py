"""Settings for every suite under services/ and tests/."""

from hypothesis import settings

# Property tests draw the same examples on every run (seeded by the test's name): a failure is
# reproducible, and a run never passes or fails by the luck of the draw.
settings.register_profile("cinemesh", derandomize=True, database=None, print_blob=True)
settings.load_profile("cinemesh")
