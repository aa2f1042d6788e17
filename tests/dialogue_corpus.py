"""Ten prompts with dialogue (one or two speakers) and sound cues: the lipsync corpus test and the
sync accuracy benchmark both run them."""

FRAME_MS = 1000 / 24
PROMPTS = [
    'Medium shot of a fisherman on a beach at sunset. He says "The tide is turning." A glass shatters at 3 s.',
    'A woman in a photo studio says "Hold still, this is the last one." A door slams at 3.5 s.',
    'Medium shot of an old man and a young woman in a kitchen. He says "Dinner is ready." She replies "Coming!"',
    'Medium shot of @Ana in a neon-lit street at night. @Ana whispers "We are not alone." Thunder at 3 s.',
    'A chef in a restaurant kitchen shouts "Service, please!" A splash at 3.5 s. Handheld.',
    'Medium shot of a girl and her grandfather on a pier. She asks "Will the boats come back?" '
    'He says "They always do."',
    'A detective in an office at night says "Somebody was here before us." A gunshot at 3.2 s. Film noir.',
    'Medium shot of a nurse in a hospital room. She says "You can go home tomorrow." A door slams at 3 s.',
    'A hiker on snowy mountains at dawn says "Almost at the top now." An explosion at 3.4 s, far away.',
    'Medium shot of a boy and a woman in a field. The boy says "Look at the kite!" She says "Hold on tight."',
]
LINES = 13  # spoken lines across the corpus
VISIBLE_EFFECTS = 7  # cues the video stage draws (shatter, door ×2, lightning, splash, flash ×2)
