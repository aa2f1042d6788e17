"""Prompt stage: text → ScenePlan."""
