"""Identity stage: cameos and `@mention` resolution."""
