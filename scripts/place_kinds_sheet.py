"""One labelled frame per place kind, in a grid, to look at (docs/place_kinds_new.png).

    .venv/bin/python scripts/place_kinds_sheet.py OUT.png [--height 360] [--only KIND ...]

Each prompt runs through the planner and the embedded renderer (no mesh, no audio) as a real request does;
the label gives the kind the prompt was meant to show and, when it differs, the kind it resolved to.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import math

import numpy as np
import torch
from PIL import Image, ImageDraw

# kind -> one short prompt that names it (the kinds added by the place-breadth work)
PROMPTS: dict[str, str] = {
    "attic": "INT. DUSTY ATTIC - DAY (3 SEC) A girl opens an old suitcase.",
    "basement": "INT. BASEMENT - NIGHT (3 SEC) A man walks down the stairs with a flashlight.",
    "bathroom": "INT. BATHROOM - MORNING (3 SEC) A woman brushes her teeth at the sink.",
    "bedroom": "INT. BEDROOM - NIGHT (3 SEC) A boy reads a book in bed.",
    "hallway": "INT. HOTEL HALLWAY - NIGHT (3 SEC) A woman walks toward the camera.",
    "nursery": "INT. NURSERY - DAY (3 SEC) A toddler stacks blocks on the rug.",
    "job site": "EXT. JOB SITE - DAY (3 SEC) A carpenter nails down the plywood deck.",
    "factory": "EXT. FACTORY - DUSK (3 SEC) A worker walks out of the gates.",
    "factory floor": "INT. AUTO PLANT - DAY (3 SEC) Robot arms weld a car on the assembly line.",
    "warehouse": "INT. WAREHOUSE - DAY (3 SEC) A worker carries a box between the racks.",
    "forge": "INT. BLACKSMITH'S FORGE - DAY (3 SEC) A smith hammers a glowing blade.",
    "quarry": "EXT. MARBLE QUARRY - NOON (3 SEC) A worker climbs the stone steps.",
    "mine": "INT. COAL MINE - DAY (3 SEC) A miner pushes a cart along the rails.",
    "laboratory": "INT. SCIENCE LABORATORY - DAY (3 SEC) A scientist looks into a microscope.",
    "hospital": "INT. HOSPITAL ROOM - NIGHT (3 SEC) A nurse checks on a patient.",
    "boxing gym": "INT. BOXING GYM - DAY (3 SEC) A boxer shadowboxes in the ring.",
    "gym": "INT. GYM - MORNING (3 SEC) A woman lifts a barbell.",
    "dojo": "INT. KARATE DOJO - DAY (3 SEC) Two students bow to each other.",
    "classroom": "INT. CLASSROOM - DAY (3 SEC) A teacher writes on the blackboard.",
    "stage": "INT. THEATRE STAGE - NIGHT (3 SEC) A singer bows to the audience.",
    "nightclub": "INT. NIGHTCLUB - NIGHT (3 SEC) People dance under the lights.",
    "basketball court": "INT. BASKETBALL COURT - DAY (3 SEC) A player shoots a free throw.",
    "swimming pool": "EXT. SWIMMING POOL - DAY (3 SEC) A man dives into the water.",
    "ice rink": "EXT. ICE RINK - DAY (3 SEC) A skater spins on the ice.",
    "football pitch": "EXT. FOOTBALL PITCH - DAY (3 SEC) A striker kicks the ball into the goal.",
    "racetrack": "EXT. RACETRACK - DAY (3 SEC) A race car speeds past the grandstand.",
    "ski slope": "EXT. SKI SLOPE - DAY (3 SEC) A skier carves down the piste.",
    "airport": "INT. AIRPORT TERMINAL - DAY (3 SEC) A traveller waits at the gate.",
    "train carriage": "INT. TRAIN CARRIAGE - DAY (3 SEC) A woman looks out of the window.",
    "gas station": "EXT. GAS STATION - NIGHT (3 SEC) A man fills up his car.",
    "tunnel": "INT. ROAD TUNNEL - DAY (3 SEC) A car drives toward the exit.",
    "canal": "EXT. AMSTERDAM CANAL - DAY (3 SEC) A cyclist rides along the water.",
    "rice terraces": "A farmer walks along the rice terraces on a misty morning. 3 seconds.",
    "orchard": "EXT. APPLE ORCHARD - DAY (3 SEC) A girl picks an apple.",
    "lavender field": "EXT. LAVENDER FIELD - SUNSET (3 SEC) A woman walks between the rows.",
    "swamp": "EXT. SWAMP - DUSK (3 SEC) An alligator glides through the water.",
    "fjord": "EXT. NORWEGIAN FJORD - DAY (3 SEC) A boat sails between the cliffs.",
    "canyon": "EXT. CANYON - DAY (3 SEC) A hiker looks up at the red walls.",
    "red rock desert": "EXT. MONUMENT VALLEY - DAY (3 SEC) A rider crosses the red desert.",
    "volcano": "EXT. VOLCANO - NIGHT (3 SEC) A hiker watches from the lava field.",
    "waterfall": "EXT. WATERFALL - DAY (3 SEC) A swimmer stands in the plunge pool.",
    "cave": "INT. CAVE - DAY (3 SEC) An explorer walks toward the cave mouth.",
    "tundra": "EXT. ARCTIC TUNDRA - DAY (3 SEC) A reindeer grazes.",
    "underwater": "EXT. CORAL REEF - DAY (3 SEC) A diver swims past the coral.",
    "black sand beach": "EXT. BLACK SAND BEACH - DAY (3 SEC) A woman walks along the shore.",
    "old town": "EXT. COBBLESTONE STREET - DAY (3 SEC) A woman walks past the old houses.",
    "graveyard": "EXT. GRAVEYARD - NIGHT (3 SEC) A man lays flowers on a grave.",
    "castle": "EXT. CASTLE - DAY (3 SEC) A knight rides through the gate.",
    "mosque": "EXT. MOSQUE COURTYARD - SUNSET (3 SEC) A man walks across the courtyard.",
    "ruins": "EXT. ANCIENT RUINS - DAY (3 SEC) A tourist walks between the columns.",
    "barn": "INT. BARN - DAY (3 SEC) A farmer lifts a hay bale.",
    "supermarket": "INT. SUPERMARKET - DAY (3 SEC) A man pushes a cart down the aisle.",
    "museum": "INT. ART GALLERY - DAY (3 SEC) A woman studies a painting.",
    "shop": "INT. TOY SHOP - DAY (3 SEC) A shopkeeper waits behind the counter.",
    "ballroom": "INT. BALLROOM - NIGHT (3 SEC) A couple waltzes across the floor.",
    "deck": "EXT. DECK - DAY (3 SEC) A sailor coils a rope on deck.",
}
RATES = {"plus": 16, "pro": 40}


def frame(kind: str, prompt: str, height: int) -> tuple[str, str, np.ndarray]:
    torch.set_num_threads(2)
    from cinemesh.prompt.planner import plan
    from cinemesh.runtime import projections
    from cinemesh.v1 import common_pb2
    from cinemesh.video import places, render

    scene_plan = plan(common_pb2.GenerationSpec(prompt=prompt, seed=7), "pro", 7, RATES)
    shot = scene_plan.shots[0]
    phrase, words = projections.place_phrase(scene_plan, shot), projections.seen_prompt(scene_plan, shot.scene_index)
    found = places.resolve(phrase, words)
    scene_plan.format.height, scene_plan.format.width = height, height * 16 // 9
    batch = next(iter(render.frames(scene_plan, on_device=torch.device("cpu"))))[1].numpy()
    return kind, "" if found is None else found.name, batch[len(batch) // 2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--columns", type=int, default=4)
    args = parser.parse_args()
    chosen = {k: v for k, v in PROMPTS.items() if not args.only or k in args.only}
    with concurrent.futures.ProcessPoolExecutor(8) as pool:
        done = list(pool.map(frame, chosen, chosen.values(), [args.height] * len(chosen)))
    tw = 480
    th = done[0][2].shape[0] * tw // done[0][2].shape[1]
    cols = min(args.columns, len(done))
    sheet = Image.new("RGB", (cols * tw, math.ceil(len(done) / cols) * (th + 18)), "black")
    draw = ImageDraw.Draw(sheet)
    for k, (kind, found, image) in enumerate(done):
        x, y = (k % cols) * tw, (k // cols) * (th + 18)
        sheet.paste(Image.fromarray(image).resize((tw, th)), (x, y + 18))
        label = kind if found == kind else f"{kind} (drawn as {found or 'none'})"
        draw.text((x + 4, y + 3), label, fill="white" if found == kind else "red")
    sheet.save(args.out)


if __name__ == "__main__":
    main()
