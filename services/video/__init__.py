"""Video stage: frames for every shot of the cast plan."""
