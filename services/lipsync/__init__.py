"""Lipsync stage: joins the renders, aligns mouths to speech, assembles the MP4."""
