"""What may not be rendered, by category: patterns read from data/policy.yaml.

Kept apart from the vocabulary (lexicon.py) so the policy can be reviewed and changed on its own;
safety.py applies it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_DATA: dict[str, Any] = yaml.safe_load(Path(__file__).with_name("data").joinpath("policy.yaml").read_text())

SEXUAL: str = _DATA["SEXUAL"]
MINORS: str = _DATA["MINORS"]
VIOLENCE_GORE: str = _DATA["VIOLENCE_GORE"]
SELF_HARM: str = _DATA["SELF_HARM"]
HATE: str = _DATA["HATE"]
COPYRIGHTED: str = _DATA["COPYRIGHTED"]
PUBLIC_FIGURES: str = _DATA["PUBLIC_FIGURES"]
