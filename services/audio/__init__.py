"""Audio stage: everything the plan says should be heard."""
