"""cinemesh: prompt → MP4 with synchronized audio, as a mesh of stages."""
