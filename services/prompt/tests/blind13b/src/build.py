#!/usr/bin/env python3
"""Build the blind13b evaluation corpus (text-to-video prompts with timed sound cues).

All records are written by hand below; this script validates them and writes
/work/blind13b/blind13b.jsonl (ids b001..b130, shuffled across styles with seed 13).
"""
import json
import os
import random
import sys
from collections import Counter

MATERIALS = {"metal", "wood", "glass", "ceramic", "stone", "plastic", "rubber", "paper",
             "fabric", "water", "air", "electronic", "flesh"}
ACTIONS = {"impact", "break", "scrape", "ring", "pop", "whistle", "vocalisation", "explosion",
           "motor", "liquid", "electronic", "mechanical", "music", "crowd", "rustle", "speech",
           "fire", "footsteps", "wind"}
STYLES = {"casual", "screenplay", "ad_brief", "pov", "multi_sentence", "non_native",
          "numbers_in_words"}


def C(text, t, source, material, action, kind, rel=None, every=None, count=1):
    return {"text": text, "time_s": t, "relative_to": rel, "every_s": every, "count": count,
            "source": source, "material": material, "action": action, "kind": kind}


RECS = []


def R(style, prompt, dur, subject, alts, loc, chars, cues=(), untimed=(), dialogue=()):
    RECS.append({"style": style, "prompt": prompt, "duration_s": dur, "subject": subject,
                 "subject_alternatives": list(alts), "location": loc, "characters": chars,
                 "cues": list(cues), "untimed_sounds": list(untimed), "dialogue": list(dialogue)})


# ----------------------------------------------------------------------------- casual
S = "casual"
R(S, "make a vid of a golden retriever in the kitchen knocking a bowl off the counter, bowl smashes on the tiles at 3s lol then he looks super guilty 😂",
  None, "golden retriever", ["dog"], "kitchen", 0,
  [C("bowl smashes on the tiles", 3, "bowl", "ceramic", "break", "bowl smash")])
R(S, "guy on a skateboard at the skatepark, lands a kickflip at like 4 sec and the board slaps the concrete hard, crowd goes wild after. 8 sec",
  8, "guy", ["skater", "skateboarder"], "skatepark", 1,
  [C("the board slaps the concrete", 4, "skateboard", "wood", "impact", "skateboard landing"),
   C("crowd goes wild after", None, "crowd", None, "crowd", "crowd cheer", rel="after the landing")])
R(S, "can u do a goat on a farm fence just screaming at the camera?? like it bleats 3 times, 10s pls",
  10, "goat", [], "farm", 0,
  [C("it bleats 3 times", None, "goat", None, "vocalisation", "goat bleat", rel="unspecified", count=3)])
R(S, "rain tapping on the windows in a cozy cabin, hail starts hammering the tin roof at 0:05 and the cat jumps off the couch. 12 second clip",
  12, "cat", ["hail", "rain"], "cabin", 0,
  [C("hail starts hammering the tin roof", 5, "hail", "metal", "impact", "hail on tin roof")],
  ["rain tapping on the windows"])
R(S, "my grandma at her sewing machine, the needle rattling nonstop, she snips the thread w scissors at the very end and smiles",
  None, "grandma", ["old woman"], None, 1,
  [C("she snips the thread w scissors", None, "scissors", "metal", "mechanical", "scissors snip", rel="end")],
  ["the needle rattling nonstop"])
R(S, "drummer girl at garage band practice, cymbal crash every 2 sec 🥁 make it 10 secs",
  10, "drummer girl", ["drummer", "girl"], "garage", 1,
  [C("cymbal crash every 2 sec", None, "cymbal", "metal", "music", "cymbal crash", every=2)])
R(S, "ok so a barista slams the portafilter on the counter at 2s, then the espresso machine hisses, cafe vibe, people chatting",
  None, "barista", [], "cafe", 1,
  [C("slams the portafilter on the counter", 2, "portafilter", "metal", "impact", "portafilter knock")],
  ["the espresso machine hisses", "people chatting"])
R(S, "pls make a snowball hitting a window at 3 seconds, kid outside laughing, winter night ❄️",
  None, "snowball", ["kid"], None, 1,
  [C("snowball hitting a window", 3, "snowball", "water", "impact", "snowball on window")],
  ["kid outside laughing"])
R(S, "neon arcade, teen going crazy on a pinball machine, flippers clack twice at 2s and then it goes ding ding ding at 6s when he hits jackpot lmao, 8s long",
  8, "teen", ["pinball machine"], "arcade", 1,
  [C("flippers clack twice", 2, "pinball flipper", "plastic", "mechanical", "pinball flipper", count=2),
   C("it goes ding ding ding", 6, "pinball machine", "electronic", "ring", "pinball jackpot chime", count=3)])
R(S, "tiny frog on a lily pad at night croaking, then it jumps in the pond splash. no talking",
  None, "frog", [], "pond", 0, [],
  ["croaking", "jumps in the pond splash"])
R(S, "two bros at a backyard bbq, one cracks open a soda can at 1s and the other yells 'yooo' right after 🍔",
  None, "bros", ["men"], "backyard", 2,
  [C("cracks open a soda can", 1, "soda can", "metal", "pop", "soda can opening"),
   C("yells 'yooo' right after", None, "bro", None, "speech", "shout", rel="after the can opens")],
  [], ["yooo"])
R(S, "make a video of a fax machine in a dusty office printing out a page, screeching at the 2 second mark and beeping at the end, 6s",
  6, "fax machine", [], "office", 0,
  [C("screeching", 2, "fax machine", "electronic", "electronic", "fax screech"),
   C("beeping at the end", 6, "fax machine", "electronic", "electronic", "fax beep", rel="end")])
R(S, "sunset beach, waves crashing, a seagull steals some guys fries and squawks 2x 😭",
  None, "seagull", ["guy"], "beach", 1,
  [C("squawks 2x", None, "seagull", None, "vocalisation", "seagull squawk", rel="unspecified", count=2)],
  ["waves crashing"])
R(S, "lofi vibes, girl studying in her bedroom by the window, mug set down on the desk at 4s, pages turning, rain outside. 10s",
  10, "girl", [], "bedroom", 1,
  [C("mug set down on the desk", 4, "mug", "ceramic", "impact", "mug set down")],
  ["pages turning", "rain outside"])
R(S, "just a slow pan over a misty mountain lake at dawn, no sound at all, totally silent, 8s",
  8, "lake", ["mist"], "mountain lake", 0)
R(S, "bro its my cat knocking my keys off the shelf, keys jingle on the floor and then she meows like nothing happened",
  None, "cat", [], None, 0, [],
  ["keys jingle on the floor", "she meows"])
R(S, "horse and carriage thru old town cobblestones, clip clop the whole time, church bell rings 3 times at 5s",
  None, "horse", ["carriage"], "old town", 0,
  [C("church bell rings 3 times", 5, "church bell", "metal", "ring", "church bell toll", count=3)],
  ["clip clop the whole time"])
R(S, "someone unzips a tent at 2s, campsite morning, birds chirping, then they yawn super loud. 7 sec",
  7, "camper", ["someone"], "campsite", 1,
  [C("unzips a tent", 2, "tent zipper", "plastic", "mechanical", "tent zipper")],
  ["birds chirping", "they yawn super loud"])
R(S, "my dude in a hoodie drops a handful of coins on a glass table n they spin n rattle, 5s vid",
  5, "dude", ["man"], None, 1, [],
  ["drops a handful of coins on a glass table", "they spin n rattle"])

# ----------------------------------------------------------------------------- screenplay
S = "screenplay"
R(S, 'EXT. PIER - NIGHT\nFog rolls in. MARA (30s) leans on the railing.\nMARA: "He\'s not coming."\nA foghorn sounds at 4 seconds. JONAH steps out of the dark.\nJONAH: "I said I would."',
  None, "Mara", ["fog"], "pier", 2,
  [C("A foghorn sounds", 4, "foghorn", "air", "whistle", "foghorn")],
  [], ["He's not coming.", "I said I would."])
R(S, 'INT. DINER - DAY\nA WAITRESS pours coffee. At 0:02 a plate smashes behind the counter.\nCOOK (O.S.): "My bad!"\nThe customers laugh. 8 seconds.',
  8, "waitress", [], "diner", 1,
  [C("a plate smashes behind the counter", 2, "plate", "ceramic", "break", "plate smash")],
  ["pours coffee", "The customers laugh"], ["My bad!"])
R(S, 'INT. NEWSROOM - NIGHT (1970s)\nEDITH types furiously on a typewriter. The carriage return bell dings at 3s. She yanks out the page at 5s.\nEDITH: "Run it."',
  None, "Edith", [], "newsroom", 1,
  [C("The carriage return bell dings", 3, "typewriter", "metal", "ring", "typewriter ding"),
   C("She yanks out the page", 5, "paper", "paper", "rustle", "page pulled from typewriter")],
  ["types furiously on a typewriter"], ["Run it."])
R(S, 'EXT. DESERT HIGHWAY - DAY\nA rusty pickup idles. RAY turns the key twice, the engine sputters, then roars to life at the 6 second mark.\nRAY: "Come on, baby."',
  None, "pickup", ["Ray"], "desert highway", 1,
  [C("turns the key twice", None, "ignition key", "metal", "mechanical", "ignition key turn", rel="unspecified", count=2),
   C("roars to life", 6, "engine", "metal", "motor", "engine start roar")],
  ["A rusty pickup idles", "the engine sputters"], ["Come on, baby."])
R(S, "INT. LIGHTHOUSE - NIGHT\nOLD KEEPER strikes a match at 2 seconds and lights the lamp. Gears clatter. At exactly 5 seconds a gull slams into the glass. He doesn't flinch.\n10 SECONDS.",
  10, "old keeper", ["keeper"], "lighthouse", 1,
  [C("strikes a match", 2, "match", "wood", "fire", "match strike"),
   C("a gull slams into the glass", 5, "gull", "glass", "impact", "bird hitting glass")],
  ["Gears clatter"])
R(S, 'INT. APARTMENT - LATE NIGHT\nPRIYA sits up in bed.\nPRIYA: "Did you hear that crash downstairs?"\nDEV (half asleep): "It\'s just the cat."\nSilence. The clock on the nightstand glows 3:14.',
  None, "Priya", ["Dev"], "apartment", 2, [], [],
  ["Did you hear that crash downstairs?", "It's just the cat."])
R(S, "EXT. HARBOUR - DAWN\nFishermen haul nets. A ship's horn blasts twice at 3s. SAL coils a rope, spits.\nSAL: \"Tide's turning.\"\nAnchor chain rattles at the very end. 12 sec.",
  12, "fishermen", ["Sal"], "harbour", 1,
  [C("A ship's horn blasts twice", 3, "ship horn", "air", "whistle", "ship horn", count=2),
   C("Anchor chain rattles at the very end", 12, "anchor chain", "metal", "mechanical", "anchor chain rattle", rel="end")],
  [], ["Tide's turning."])
R(S, 'INT. SUBWAY PLATFORM - NIGHT\nA lone SAXOPHONIST plays. Train brakes screech as it pulls in at 4s. Doors chime twice. He keeps playing.\nPA (V.O.): "Stand clear of the closing doors."',
  None, "saxophonist", ["train"], "subway platform", 1,
  [C("Train brakes screech", 4, "train brakes", "metal", "scrape", "train brake screech"),
   C("Doors chime twice", None, "subway doors", "electronic", "electronic", "door chime", rel="unspecified", count=2)],
  ["SAXOPHONIST plays", "He keeps playing"], ["Stand clear of the closing doors."])
R(S, 'EXT. MEDIEVAL COURTYARD - DAY\nSIR ALDRIC draws his sword — the blade rings as it leaves the scabbard at 1s. The SQUIRE drops a shield at 3s; it clangs on the stones.\nALDRIC: "Again."',
  None, "Sir Aldric", ["Aldric", "knight"], "medieval courtyard", 2,
  [C("the blade rings as it leaves the scabbard", 1, "sword", "metal", "scrape", "sword unsheathed"),
   C("it clangs on the stones", 3, "shield", "metal", "impact", "shield clang")],
  [], ["Again."])
R(S, 'INT. GREENHOUSE - MORNING\nROSA mists the orchids. A sprinkler system kicks on with a hiss at 0:04. Bees hum.\nROSA: "Good morning, girls." 8s.',
  8, "Rosa", [], "greenhouse", 1,
  [C("kicks on with a hiss", 4, "sprinkler", "water", "liquid", "sprinkler hiss")],
  ["Bees hum"], ["Good morning, girls."])
R(S, 'INT. BOXING GYM - NIGHT\nTERRELL works the heavy bag — a jab at 2s, a jab at 3s, a hook at 4s.\nCOACH (O.S.): "Time!"\nA bell rings at 6s.',
  None, "Terrell", ["boxer"], "boxing gym", 1,
  [C("a jab at 2s", 2, "heavy bag", "fabric", "impact", "punch on heavy bag"),
   C("a jab at 3s", 3, "heavy bag", "fabric", "impact", "punch on heavy bag"),
   C("a hook at 4s", 4, "heavy bag", "fabric", "impact", "punch on heavy bag"),
   C("A bell rings", 6, "boxing bell", "metal", "ring", "boxing bell")],
  [], ["Time!"])
R(S, 'EXT. FARMHOUSE PORCH - SUNSET\nGRANDPA rocks in a creaky chair. A screen door bangs at 5 seconds. LILY (8) runs out.\nLILY: "Grandpa, the cow got out again!"\nA cow moos in the distance right after she says it.',
  None, "Grandpa", ["Lily"], "farmhouse porch", 2,
  [C("A screen door bangs", 5, "screen door", "wood", "impact", "screen door bang"),
   C("A cow moos in the distance", None, "cow", None, "vocalisation", "cow moo", rel="after she says it")],
  ["rocks in a creaky chair"], ["Grandpa, the cow got out again!"])
R(S, 'INT. MUSEUM - NIGHT\nA SECURITY GUARD walks past a dinosaur skeleton, flashlight sweeping. No sound but his footsteps. His radio crackles.\nRADIO (V.O.): "Hall B, report."',
  None, "security guard", ["guard"], "museum", 1, [],
  ["his footsteps", "His radio crackles"], ["Hall B, report."])
R(S, 'INT. KITCHEN - MORNING\nNOAH and ELLA argue over toast. The toaster pops at 3s. Both freeze.\nELLA: "Mine."\nNOAH: "Mine."\nThe kettle clicks off at the very end. 9 seconds.',
  9, "Noah", ["Ella", "toaster"], "kitchen", 2,
  [C("The toaster pops", 3, "toaster", "metal", "pop", "toaster pop"),
   C("The kettle clicks off at the very end", 9, "kettle", "plastic", "mechanical", "kettle click", rel="end")],
  [], ["Mine.", "Mine."])
R(S, 'EXT. SKI SLOPE - DAY\nBRODIE carves hard, snow spraying. At 2.5s he catches an edge and tumbles — a heavy thud into the snow. His FRIENDS laugh off-camera.\nBRODIE: "I\'m good! I\'m good!"',
  None, "Brodie", ["skier"], "ski slope", 1,
  [C("a heavy thud into the snow", 2.5, "skier", "flesh", "impact", "body fall in snow")],
  ["snow spraying", "His FRIENDS laugh off-camera"], ["I'm good! I'm good!"])
R(S, 'INT. CASINO - NIGHT\nVIVIAN pulls the slot machine lever. Reels spin. At 0:06 jackpot — bells and coins pour into the tray.\nVIVIAN: "Finally." 10s',
  10, "Vivian", ["slot machine"], "casino", 1,
  [C("bells", 6, "slot machine", "electronic", "ring", "slot machine jackpot bells"),
   C("coins pour into the tray", 6, "coins", "metal", "impact", "coins pouring")],
  ["pulls the slot machine lever", "Reels spin"], ["Finally."])
R(S, 'EXT. AIRFIELD - DUSK\nA vintage biplane sputters to a start. MECHANIC (60s) wipes his hands. The propeller catches and roars.\nMECHANIC: "She\'s still got it."',
  None, "biplane", ["mechanic"], "airfield", 1, [],
  ["sputters to a start", "The propeller catches and roars"], ["She's still got it."])
R(S, 'INT. LIBRARY - DAY\nA STUDENT tiptoes between shelves. She pulls a book; the whole row slides and crashes to the floor at 4 seconds.\nLIBRARIAN: "Shhh!" 7 seconds.',
  7, "student", [], "library", 2,
  [C("the whole row slides and crashes to the floor", 4, "books", "paper", "impact", "books falling")],
  [], ["Shhh!"])

# ----------------------------------------------------------------------------- ad_brief
S = "ad_brief"
R(S, "15s spot for a sparkling water brand. Product hero shot: can on ice, condensation dripping. Can cracks open at 2s with a crisp hiss, ice cubes clink into a glass at 5s. End card with logo, upbeat synth music.",
  15, "can", ["sparkling water"], None, 0,
  [C("Can cracks open at 2s with a crisp hiss", 2, "can", "metal", "pop", "can crack open"),
   C("ice cubes clink into a glass", 5, "ice cubes", "glass", "impact", "ice cubes clinking")],
  ["upbeat synth music"])
R(S, '30-second ad, luxury watch. Macro on the movement, ticking loud and clean. At 0:12 the crown clicks into place. Voiceover at the end: "Time, mastered." No music.',
  30, "watch", ["watch movement"], None, 0,
  [C("the crown clicks into place", 12, "watch crown", "metal", "mechanical", "watch crown click"),
   C("Voiceover at the end", 30, "narrator", None, "speech", "voiceover", rel="end")],
  ["ticking loud and clean"], ["Time, mastered."])
R(S, 'Brief: 10s social cut for a hiking boot. Boot stomps into a mud puddle at 1s — big squelch. Then crunch on gravel, hard cut to product on a rock. Tagline VO: "Go further."',
  10, "boot", ["hiker"], None, 0,
  [C("Boot stomps into a mud puddle at 1s — big squelch", 1, "boot", "water", "liquid", "mud squelch")],
  ["crunch on gravel"], ["Go further."])
R(S, "Spot for a new bubble wrap mailer (6 sec). Hand squeezes the wrap, three pops at 2 seconds, then a satisfying run of pops. Super: 'Protect what matters.'",
  6, "hand", ["bubble wrap"], None, 1,
  [C("three pops", 2, "bubble wrap", "plastic", "pop", "bubble wrap pop", count=3)],
  ["a satisfying run of pops"])
R(S, 'Campaign: coffee roaster. 20s. Open on beans pouring into a grinder, the grinder whirs at 3s. Barista taps the portafilter twice at 8 seconds. Steam wand screams at 12s. Customer takes a sip, says "Oh wow." Warm acoustic guitar bed.',
  20, "beans", ["grinder", "barista"], None, 2,
  [C("the grinder whirs", 3, "grinder", "metal", "motor", "coffee grinder"),
   C("taps the portafilter twice", 8, "portafilter", "metal", "impact", "portafilter tap", count=2),
   C("Steam wand screams", 12, "steam wand", "water", "liquid", "milk steaming")],
  ["beans pouring into a grinder", "Warm acoustic guitar bed"], ["Oh wow."])
R(S, "Car commercial, 15s. Night city, rain-slick streets. Door closes with a solid thunk at 1 second, engine purrs to life at 3 seconds, turn signal ticking. Tires hiss on wet asphalt as it pulls away. End on logo at 13s, no VO.",
  15, "car", [], "city", 0,
  [C("Door closes with a solid thunk", 1, "car door", "metal", "impact", "car door thunk"),
   C("engine purrs to life", 3, "engine", "metal", "motor", "engine start")],
  ["turn signal ticking", "Tires hiss on wet asphalt"])
R(S, "Toy brand, 12s. Kids build a tower of wooden blocks on the living room floor, it topples at the 8 second mark with a clatter, kids shriek with laughter. Jingle over end card.",
  12, "kids", ["blocks", "tower"], "living room", 0,
  [C("it topples at the 8 second mark with a clatter", 8, "wooden blocks", "wood", "impact", "blocks toppling")],
  ["kids shriek with laughter", "Jingle over end card"])
R(S, "Pet food :06 bumper. Bowl set down on the floor at 1s, kibble rattles in, a dog's tags jingle as he runs in at 3s, then happy crunching. Tag: 'Dinner's served.'",
  6, "bowl", ["dog", "owner"], None, 0,
  [C("Bowl set down on the floor", 1, "bowl", "metal", "impact", "bowl set down"),
   C("a dog's tags jingle", 3, "dog tags", "metal", "ring", "dog tag jingle")],
  ["kibble rattles in", "happy crunching"])
R(S, "Spot for noise-cancelling headphones. 10 seconds. Open on a chaotic subway car — screeching wheels, chatter, someone's phone blaring music. At 0:04 she puts the headphones on and everything cuts to silence except a soft piano. End on product.",
  10, "woman", ["commuter", "headphones"], "subway car", 1,
  [C("a soft piano", 4, "piano", "wood", "music", "soft piano")],
  ["screeching wheels", "chatter", "someone's phone blaring music"])
R(S, "Brief: 8s hero for a chef's knife. Tomato on a board, one clean slice at 2 seconds, then rapid chopping on the cutting board. Knife set down with a clink at the end. Minimal, ASMR feel.",
  8, "knife", ["tomato"], None, 0,
  [C("one clean slice", 2, "knife", "metal", "scrape", "knife slicing"),
   C("Knife set down with a clink at the end", 8, "knife", "metal", "impact", "knife set down", rel="end")],
  ["rapid chopping on the cutting board"])
R(S, 'Insurance ad, 20s, light comedy. Dad on a ladder cleaning gutters, ladder wobbles, he falls into the hedge with a crunch at 6 seconds. Mom (off-screen): "Told you!" Then VO: "Accidents happen."',
  20, "dad", ["father"], None, 1,
  [C("falls into the hedge with a crunch", 6, "dad", "flesh", "impact", "fall into hedge")],
  [], ["Told you!", "Accidents happen."])
R(S, "Launch video, smartphone. 12s. Phone spins on black, a camera shutter click at 3s, a notification ping at 6s, wireless charging chime at 9s. Clean electronic score.",
  12, "phone", ["smartphone"], None, 0,
  [C("a camera shutter click", 3, "phone", "electronic", "electronic", "camera shutter"),
   C("a notification ping", 6, "phone", "electronic", "electronic", "notification ping"),
   C("wireless charging chime", 9, "phone", "electronic", "electronic", "charging chime")],
  ["Clean electronic score"])
R(S, "Beer commercial :15 — friends around a campfire at a lake, fire crackling, bottle caps pop off at 4s, they clink bottles at 7s and cheer. Tagline VO at the very end.",
  15, "friends", [], "lake", 0,
  [C("bottle caps pop off", 4, "bottle caps", "metal", "pop", "bottle cap pop"),
   C("they clink bottles", 7, "bottles", "glass", "impact", "bottles clinking"),
   C("cheer", 7, "friends", None, "crowd", "group cheer"),
   C("Tagline VO at the very end", 15, "narrator", None, "speech", "voiceover", rel="end")],
  ["fire crackling"])
R(S, "Silent cinemagraph for a perfume brand, 6s loop: bottle on marble, a single petal falls, no audio at all.",
  6, "bottle", ["petal"], None, 0)
R(S, 'Brief for a streaming service promo, 10s: Family on a couch, remote click at 1 second, TV static hiss, then the intro theme swells at 5s. Kid says "Again!" at 9s.',
  10, "family", ["kid"], None, 1,
  [C("remote click", 1, "remote", "plastic", "mechanical", "remote click"),
   C("the intro theme swells", 5, "tv", "electronic", "music", "theme music"),
   C('Kid says "Again!"', 9, "kid", None, "speech", "child speech")],
  ["TV static hiss"], ["Again!"])
R(S, "Sportswear, 15 sec. Basketball court at night, player dribbling, each bounce echoing. Swish at the 10 second mark, sneakers squeak at 11, crowd roars at the end.",
  15, "player", ["basketball player"], "basketball court", 1,
  [C("Swish", 10, "basketball net", "fabric", "rustle", "net swish"),
   C("sneakers squeak", 11, "sneakers", "rubber", "scrape", "sneaker squeak"),
   C("crowd roars at the end", 15, "crowd", None, "crowd", "crowd roar", rel="end")],
  ["each bounce echoing"])
R(S, "Stationery brand, 8s ASMR: fountain pen scratching on thick paper, page torn out of the notebook at 5s, folded, envelope sealed. Lo-fi beat underneath.",
  8, "fountain pen", ["hand"], None, 0,
  [C("page torn out of the notebook", 5, "paper", "paper", "break", "paper tearing")],
  ["fountain pen scratching on thick paper", "Lo-fi beat underneath"])
R(S, 'Home security camera ad, 10s. Porch at night, raccoon knocks over a trash can at 3s, the camera beeps twice and a spotlight clicks on, raccoon freezes. VO: "We see everything."',
  10, "raccoon", [], "porch", 0,
  [C("knocks over a trash can", 3, "trash can", "metal", "impact", "trash can knocked over"),
   C("the camera beeps twice", None, "camera", "electronic", "electronic", "security camera beep", rel="unspecified", count=2)],
  ["a spotlight clicks on"], ["We see everything."])

# ----------------------------------------------------------------------------- pov
S = "pov"
R(S, "pov: you're a bike messenger weaving through downtown traffic, a taxi honks at 2s, you ring your bell twice at 4s, 8s clip",
  8, "bike messenger", ["messenger", "cyclist"], "downtown", 1,
  [C("a taxi honks", 2, "taxi", "electronic", "electronic", "car horn"),
   C("you ring your bell twice", 4, "bicycle bell", "metal", "ring", "bicycle bell", count=2)])
R(S, "POV: you're a cat sitting on a windowsill watching pigeons, you chirp at them at 3 seconds, a pigeon coos back",
  None, "cat", [], None, 0,
  [C("you chirp at them", 3, "cat", None, "vocalisation", "cat chirp")],
  ["a pigeon coos back"])
R(S, "pov you're the goalie in a penalty shootout, stadium screaming, whistle blows at 3s, the ball smacks the crossbar at 5s and everyone gasps. 10 sec",
  10, "goalie", ["goalkeeper"], "stadium", 1,
  [C("whistle blows", 3, "whistle", "air", "whistle", "referee whistle"),
   C("the ball smacks the crossbar", 5, "ball", "metal", "impact", "ball hitting crossbar"),
   C("everyone gasps", 5, "crowd", None, "crowd", "crowd gasp")],
  ["stadium screaming"])
R(S, "pov: you're a barista at 6am, the milk frother screams, someone drops a ceramic mug at the 5 second mark, whole cafe goes quiet",
  None, "barista", [], "cafe", 2,
  [C("drops a ceramic mug", 5, "mug", "ceramic", "break", "mug breaking")],
  ["the milk frother screams"])
R(S, 'pov: ur a skier on a chairlift, wind howling, the lift jolts and creaks at 4s, your buddy next to you says "we\'re gonna die" lol',
  None, "skier", [], "chairlift", 2,
  [C("the lift jolts and creaks", 4, "chairlift", "metal", "mechanical", "chairlift creak")],
  ["wind howling"], ["we're gonna die"])
R(S, "pov: you're a lighthouse keeper climbing the spiral stairs, footsteps echoing on iron, the big lamp motor hums to life at the 7 second mark, 10s",
  10, "lighthouse keeper", ["keeper"], "lighthouse", 1,
  [C("the big lamp motor hums to life", 7, "lamp motor", "electronic", "motor", "motor hum")],
  ["footsteps echoing on iron"])
R(S, "pov: you're a kid on the last day of school, the bell rings at 0:02 and the whole class cheers, backpacks zipping",
  None, "kid", ["student"], "school", 1,
  [C("the bell rings", 2, "school bell", "metal", "ring", "school bell"),
   C("the whole class cheers", 2, "class", None, "crowd", "class cheer")],
  ["backpacks zipping"])
R(S, "pov you are a fish in a tank at a sushi restaurant, muffled chatter, someone taps the glass three times at 3s 😳",
  None, "fish", [], "sushi restaurant", 1,
  [C("someone taps the glass three times", 3, "tank glass", "glass", "impact", "tapping on glass", count=3)],
  ["muffled chatter"])
R(S, "POV: You're a mechanic under a car in a garage, impact wrench rattles at 2s, a wrench drops on the concrete at 5s, radio playing classic rock. 8 seconds",
  8, "mechanic", [], "garage", 1,
  [C("impact wrench rattles", 2, "impact wrench", "metal", "motor", "impact wrench"),
   C("a wrench drops on the concrete", 5, "wrench", "metal", "impact", "wrench dropping")],
  ["radio playing classic rock"])
R(S, "pov: you're a ghost in an old house and you make the rocking chair creak every 3 seconds, 12 sec, spooky",
  12, "ghost", [], "old house", 1,
  [C("make the rocking chair creak every 3 seconds", None, "rocking chair", "wood", "scrape", "chair creak", every=3)])
R(S, "pov: you're a dog at the park and your owner throws the squeaky toy, it squeaks when you bite it at 4s, other dogs barking",
  None, "dog", ["owner"], "park", 1,
  [C("it squeaks when you bite it", 4, "squeaky toy", "rubber", "whistle", "squeaky toy")],
  ["other dogs barking"])
R(S, "pov: you're a drummer on stage and the crowd is chanting, you click the sticks four times at the start, then the band kicks in loud",
  None, "drummer", [], "stage", 1,
  [C("you click the sticks four times at the start", 0, "drumsticks", "wood", "impact", "stick count-in", rel="start", count=4)],
  ["the crowd is chanting", "the band kicks in loud"])
R(S, 'POV: you\'re a shopper in a supermarket and a pyramid of cans collapses 3 seconds in, then a staff member over the PA: "Cleanup on aisle five."',
  None, "shopper", [], "supermarket", 1,
  [C("a pyramid of cans collapses", 3, "cans", "metal", "impact", "cans collapsing")],
  [], ["Cleanup on aisle five."])
R(S, "pov: you're a beekeeper opening a hive, bees buzzing all around, smoker puffing, you pull out a frame and the buzz gets louder",
  None, "beekeeper", [], None, 1, [],
  ["bees buzzing all around", "smoker puffing", "the buzz gets louder"])
R(S, 'pov: you\'re in the back of a taxi in mumbai, horns nonstop, driver\'s bobblehead rattling, driver says "five minutes, sir" at 4 sec',
  None, "passenger", ["taxi", "driver"], "mumbai", 2,
  [C('driver says "five minutes, sir"', 4, "driver", None, "speech", "driver speech")],
  ["horns nonstop", "bobblehead rattling"], ["five minutes, sir"])
R(S, "pov: you're a diver descending next to a reef, bubbles from your regulator, whale song at 6s, 10s long",
  10, "diver", [], "reef", 1,
  [C("whale song", 6, "whale", None, "vocalisation", "whale song")],
  ["bubbles from your regulator"])
R(S, "pov: you're a roommate sneaking a midnight snack, fridge humming, a can falls out and rolls across the tiles",
  None, "roommate", [], None, 1, [],
  ["fridge humming", "a can falls out and rolls across the tiles"])
R(S, "pov: you're a knight in armor walking into the great hall, armor clanking, the doors boom shut behind you at the 4 second mark, the king claps slowly twice",
  None, "knight", ["king"], "great hall", 2,
  [C("the doors boom shut behind you", 4, "doors", "wood", "impact", "heavy door slam"),
   C("the king claps slowly twice", None, "king", "flesh", "impact", "slow clap", rel="unspecified", count=2)],
  ["armor clanking"])
R(S, "pov: you're a photographer at a fashion show, camera shutters firing nonstop, at 0:05 a model trips and her heel snaps",
  None, "photographer", ["model"], "fashion show", 2,
  [C("her heel snaps", 5, "heel", "plastic", "break", "heel snapping")],
  ["camera shutters firing nonstop"])

# ----------------------------------------------------------------------------- multi_sentence
S = "multi_sentence"
R(S, "A fox creeps across a snowy field at dusk. It stops and listens. At 4 seconds it pounces into the snow with a soft crunch. The clip ends with it lifting its head, a mouse in its jaws. Make it 8 seconds.",
  8, "fox", [], "snowy field", 0,
  [C("it pounces into the snow with a soft crunch", 4, "fox", "water", "impact", "snow crunch")])
R(S, "An old man sits at a chess table in a park. Pigeons wander near his feet. He slams the clock button at 3 seconds. A child across from him gasps. The leaves rustle in the wind.",
  None, "old man", [], "park", 2,
  [C("He slams the clock button", 3, "chess clock", "plastic", "mechanical", "chess clock slam")],
  ["A child across from him gasps", "The leaves rustle in the wind"])
R(S, "The kitchen is dark except for the microwave light. A bag of popcorn spins and starts popping. The microwave beeps three times at 10 seconds. A teenager shuffles in wearing slippers. 12 second video.",
  12, "popcorn", ["microwave", "teenager"], "kitchen", 1,
  [C("The microwave beeps three times", 10, "microwave", "electronic", "electronic", "microwave beep", count=3)],
  ["starts popping"])
R(S, "A dragonfly skims the surface of a pond. A trout jumps and splashes halfway through. Frogs croak from the reeds. The clip is 10 seconds long.",
  10, "dragonfly", [], "pond", 0,
  [C("A trout jumps and splashes", 5, "trout", "water", "liquid", "fish splash", rel="halfway")],
  ["Frogs croak from the reeds"])
R(S, "A construction worker eats lunch on a steel beam high above the city. Wind whips his jacket. At 0:03 he drops his thermos and it clangs off the beams below. He stares down. Nobody says anything.",
  None, "construction worker", ["worker"], "city", 1,
  [C("it clangs off the beams below", 3, "thermos", "metal", "impact", "thermos falling")],
  ["Wind whips his jacket"])
R(S, "A single paper lantern drifts over a dark lake. Its reflection shimmers. There is no sound, not even wind. The camera slowly tilts up to the stars.",
  None, "paper lantern", ["lantern"], "lake", 0)
R(S, "Two sisters bake cookies in a farmhouse kitchen. One cracks an egg at 2 seconds. The other laughs when flour puffs everywhere. The oven timer dings at the very end. Ten seconds.",
  10, "sisters", [], "farmhouse kitchen", 2,
  [C("cracks an egg", 2, "egg", "ceramic", "break", "egg cracking"),
   C("The oven timer dings at the very end", 10, "oven timer", "metal", "ring", "oven timer ding", rel="end")],
  ["The other laughs"])
R(S, "A train pulls into a rural station in the rain. The conductor steps off and blows his whistle twice. Passengers hurry under umbrellas. An umbrella snaps open right as the train doors close.",
  None, "train", ["conductor"], "rural station", 1,
  [C("blows his whistle twice", None, "whistle", "air", "whistle", "conductor whistle", rel="unspecified", count=2),
   C("An umbrella snaps open", None, "umbrella", "fabric", "pop", "umbrella opening", rel="as the train doors close")])
R(S, "A woodworker planes a board in a sunlit workshop. Curls of wood fall to the floor. At 5 seconds he blows the dust off. A radio plays softly in the corner. Around 8 seconds long.",
  8, "woodworker", [], "workshop", 1,
  [C("he blows the dust off", 5, "woodworker", "air", "wind", "blowing dust")],
  ["planes a board", "A radio plays softly in the corner"])
R(S, "Hail pounds a greenhouse. Inside, a gardener covers seedlings with a tarp. A pane cracks at the 6 second mark. She ducks. A wind chime by the door jangles at 9 seconds.",
  None, "hail", ["gardener"], "greenhouse", 1,
  [C("A pane cracks", 6, "pane", "glass", "break", "glass pane cracking"),
   C("A wind chime by the door jangles", 9, "wind chime", "metal", "ring", "wind chime")],
  ["Hail pounds a greenhouse"])
R(S, "A teenage girl practices violin in her bedroom. She hits a sour note at 3 seconds and winces. Her little brother pokes his head in and bangs on the door twice. She starts again, slower.",
  None, "teenage girl", ["girl"], "bedroom", 2,
  [C("She hits a sour note", 3, "violin", "wood", "music", "violin sour note"),
   C("bangs on the door twice", None, "door", "wood", "impact", "door banging", rel="unspecified", count=2)],
  ["practices violin"])
R(S, "An elephant sprays water over its back at a river crossing. The herd moves slowly behind it. The matriarch trumpets. Birds scatter from the trees.",
  None, "elephant", ["herd"], "river crossing", 0, [],
  ["sprays water over its back", "The matriarch trumpets", "Birds scatter from the trees"])
R(S, "A blacksmith pulls a glowing blade from the forge. He hammers it on the anvil, four strikes starting at 2 seconds. Then he plunges it into a water bucket with a violent hiss. The clip lasts 9 seconds.",
  9, "blacksmith", [], "forge", 1,
  [C("four strikes starting at 2 seconds", 2, "anvil", "metal", "impact", "anvil strike", count=4)],
  ["plunges it into a water bucket with a violent hiss"])
R(S, "A vending machine hums in an empty hospital corridor at night. Someone feeds it coins. A can thunks down into the tray. The fluorescent lights buzz.",
  None, "vending machine", ["someone"], "hospital corridor", 1, [],
  ["A vending machine hums", "Someone feeds it coins", "A can thunks down into the tray", "The fluorescent lights buzz"])
R(S, "Three friends sit on a dock at the lake, feet in the water. One tells a joke and they all burst out laughing at 3 seconds. A loon calls across the water. The sun sets behind the pines.",
  None, "friends", [], "lake", 3,
  [C("they all burst out laughing", 3, "friends", None, "vocalisation", "group laughter")],
  ["A loon calls across the water"])
R(S, "A rooster stands on a fence post on a farm at sunrise. At the 2 second mark it crows. A farmhouse door creaks open. A sleepy farmer yells at it to shut up.",
  None, "rooster", ["farmer"], "farm", 1,
  [C("it crows", 2, "rooster", None, "vocalisation", "rooster crow")],
  ["A farmhouse door creaks open", "A sleepy farmer yells"])
R(S, "A surfer paddles out at a rocky point. A big wave breaks behind him with a roar at 6 seconds. He duck-dives under it. Seagulls circle overhead. Twelve seconds total.",
  12, "surfer", [], "rocky point", 1,
  [C("A big wave breaks behind him with a roar", 6, "wave", "water", "liquid", "wave crash")])
R(S, "A magician in a smoky club pulls a dove from his hat. The audience applauds. Near the end, he snaps his fingers and the dove vanishes in a puff.",
  None, "magician", ["dove"], "club", 1,
  [C("he snaps his fingers", None, "magician", "flesh", "impact", "finger snap", rel="near the end")],
  ["The audience applauds"])
R(S, "Morning in a Parisian bakery. The baker pulls a tray of baguettes from the oven. The crusts crackle as they cool. At 5 seconds a bell above the door jingles and a customer walks in. 'Bonjour!' she says.",
  None, "baker", [], "bakery", 2,
  [C("a bell above the door jingles", 5, "door bell", "metal", "ring", "shop door bell")],
  ["The crusts crackle as they cool"], ["Bonjour!"])

# ----------------------------------------------------------------------------- non_native
S = "non_native"
R(S, "Please make video where one old woman is feeding the chickens in the yard, and in 3 second the turkey is making gobble gobble very loud. Duration is 8 second.",
  8, "old woman", ["turkey"], "yard", 1,
  [C("the turkey is making gobble gobble very loud", 3, "turkey", None, "vocalisation", "turkey gobble")])
R(S, "I want a video of man who is typing on old computer in office, suddenly the printer start to print with noise and he is very surprise. Not need music.",
  None, "man", [], "office", 1, [],
  ["typing on old computer", "the printer start to print with noise"])
R(S, "Video of the motorcycle go on the mountain road, when it make turn at 5 seconds the engine is very loud roar, after this silence. 10 second please",
  10, "motorcycle", ["rider"], "mountain road", 0,
  [C("the engine is very loud roar", 5, "motorcycle", "metal", "motor", "motorcycle roar")])
R(S, "Make a clip: inside the church, the big bell is ringing 3 time at 2 second, and the people is going out from the door. Is morning of Sunday.",
  None, "bell", ["people"], "church", 0,
  [C("the big bell is ringing 3 time", 2, "church bell", "metal", "ring", "church bell toll", count=3)])
R(S, "A girl she is open the window and the wind is entering strong, the papers on the desk is flying. At the 6 second the vase fall and break. Total 9 seconds.",
  9, "girl", [], None, 1,
  [C("the vase fall and break", 6, "vase", "ceramic", "break", "vase breaking")],
  ["the wind is entering strong", "the papers on the desk is flying"])
R(S, "I need video of a chef in restaurant kitchen, he is put the steak on the hot pan and is make sizzle sound at 1 second, then he say 'perfect' with italian accent.",
  None, "chef", [], "restaurant kitchen", 1,
  [C("is make sizzle sound", 1, "steak", "water", "liquid", "steak sizzle")],
  [], ["perfect"])
R(S, "Video with a small boy in the snow, he throw the snowball to his father and hit him on the face at 3 seconds, the father is laughing. Please not long, 6 seconds enough.",
  6, "boy", ["father"], None, 2,
  [C("hit him on the face", 3, "snowball", "water", "impact", "snowball hit")],
  ["the father is laughing"])
R(S, "Two old friends is sitting in the cafe and talking. One say: 'Do you remember the explosion in the factory?' and other one say 'Yes, very loud.' They drink the tea. Camera is slow.",
  None, "friends", ["old friends"], "cafe", 2, [], [],
  ["Do you remember the explosion in the factory?", "Yes, very loud."])
R(S, "Make please a video in the harbor, the ship is giving horn two times in the start and the seagulls is crying. After the ship is going away slowly. 15 second.",
  15, "ship", [], "harbor", 0,
  [C("the ship is giving horn two times in the start", 0, "ship horn", "air", "whistle", "ship horn", rel="start", count=2)],
  ["the seagulls is crying"])
R(S, "A cowboy in the desert, he is take out his gun and shoot at the can, the can is flying at 4 second with the sound 'ping'. Also wind sound and the horse is behind.",
  None, "cowboy", [], "desert", 1,
  [C("with the sound 'ping'", 4, "can", "metal", "ring", "bullet ping on can")],
  ["shoot at the can", "wind sound"])
R(S, "I want see the kids on the playground, the swing is making squeak every two seconds, and one kid fall from the slide at the end but he is ok. Length 10 seconds.",
  10, "kids", ["swing"], "playground", 1,
  [C("the swing is making squeak every two seconds", None, "swing", "metal", "scrape", "swing squeak", every=2),
   C("one kid fall from the slide at the end", 10, "kid", "flesh", "impact", "body fall", rel="end")])
R(S, "Please generate: a woman in the laundry room, the washing machine is shaking very strong and at 5 seconds is making loud BANG, she is scare and drop the basket.",
  None, "woman", ["washing machine"], "laundry room", 1,
  [C("is making loud BANG", 5, "washing machine", "metal", "impact", "washing machine bang")],
  ["the washing machine is shaking very strong"])
R(S, "video of the crowd in stadium of football, when is the goal at 7 seconds all the people is jumping and screaming, and the drums is playing. 12s",
  12, "crowd", [], "stadium", 0,
  [C("all the people is jumping and screaming", 7, "crowd", None, "crowd", "goal celebration roar")],
  ["the drums is playing"])
R(S, "There is a old clock shop, many clocks is ticking, and at exactly 6 seconds all the cuckoo clocks is coming out and make cuckoo. The shopkeeper is smile.",
  None, "clocks", ["cuckoo clocks", "shopkeeper"], "clock shop", 1,
  [C("all the cuckoo clocks is coming out and make cuckoo", 6, "cuckoo clocks", "wood", "whistle", "cuckoo clock call")],
  ["many clocks is ticking"])
R(S, "Make a video of my grandfather village: donkey is walk with the water, and the donkey make loud sound two times, kids is running behind. Not need talking.",
  None, "donkey", [], "village", 0,
  [C("the donkey make loud sound two times", None, "donkey", None, "vocalisation", "donkey bray", rel="unspecified", count=2)])
R(S, "A man is fishing on the lake in the small boat, at 4 seconds the fish is taking the bait and the fishing reel make zzzz sound very fast. He is happy. 8 seconds video.",
  8, "man", ["fisherman"], "lake", 1,
  [C("the fishing reel make zzzz sound very fast", 4, "fishing reel", "metal", "mechanical", "fishing reel spin")])
R(S, "A girl in the library is reading, very quiet, nobody is talk. Only the camera is moving slow from left to right. No sound please.",
  None, "girl", [], "library", 1)
R(S, "Office people in the meeting, the boss is hit the table with hand at 2 second and say 'This is not acceptable!' and everybody is quiet. after, somebody phone is vibrate.",
  None, "boss", ["office people"], "office", 1,
  [C("hit the table with hand", 2, "boss", "flesh", "impact", "hand slam on table"),
   C("say 'This is not acceptable!'", 2, "boss", None, "speech", "angry shout")],
  ["somebody phone is vibrate"], ["This is not acceptable!"])
R(S, "The cat is walking on the piano keys in living room and make funny music at 3 seconds, the dog is barking two times after that. 7 second",
  7, "cat", [], "living room", 0,
  [C("make funny music", 3, "piano", "wood", "music", "piano keys stepped on"),
   C("the dog is barking two times after that", None, "dog", None, "vocalisation", "dog bark", rel="after the piano", count=2)])

# ----------------------------------------------------------------------------- numbers_in_words
S = "numbers_in_words"
R(S, "A golden retriever puppy in a living room chews a slipper. At two and a half seconds a doorbell chimes, and the puppy barks three times. The clip is eight seconds long.",
  8, "puppy", ["golden retriever"], "living room", 0,
  [C("a doorbell chimes", 2.5, "doorbell", "electronic", "ring", "doorbell chime"),
   C("the puppy barks three times", 2.5, "puppy", None, "vocalisation", "puppy bark", count=3)])
R(S, "Footsteps creak down a dark hallway starting at one second. Someone knocks three times on a wooden door at four seconds. A long pause. Then the lock clicks. Ten seconds total.",
  10, "someone", ["visitor", "door"], "hallway", 1,
  [C("Footsteps creak down a dark hallway starting at one second", 1, "footsteps", "wood", "footsteps", "footsteps on floorboards"),
   C("knocks three times on a wooden door", 4, "door", "wood", "impact", "door knock", count=3)],
  ["the lock clicks"])
R(S, "Twelve second video. A lumberjack splits logs with an axe, one swing every three seconds, each split with a sharp crack. At eleven seconds he wipes his brow and sighs.",
  12, "lumberjack", [], None, 1,
  [C("one swing every three seconds", None, "axe", "wood", "break", "axe splitting log", every=3),
   C("he wipes his brow and sighs", 11, "lumberjack", None, "vocalisation", "sigh")])
R(S, "At zero point five seconds a champagne cork pops on a rooftop terrace, then the two of them toast, glasses clinking at exactly three seconds. Make it six seconds.",
  6, "champagne cork", ["couple", "champagne bottle"], "rooftop terrace", 2,
  [C("a champagne cork pops", 0.5, "champagne cork", "wood", "pop", "champagne cork pop"),
   C("glasses clinking", 3, "glasses", "glass", "ring", "glasses toast clink")])
R(S, "A typist in a nineteen-fifties office. The typewriter bell dings at one second, again at four seconds, and a third time at seven seconds. Nine seconds long.",
  9, "typist", [], "office", 1,
  [C("The typewriter bell dings at one second", 1, "typewriter", "metal", "ring", "typewriter ding"),
   C("again at four seconds", 4, "typewriter", "metal", "ring", "typewriter ding"),
   C("a third time at seven seconds", 7, "typewriter", "metal", "ring", "typewriter ding")])
R(S, "Two kids play ping pong in a garage. The ball bounces back and forth, then at five seconds one of them smashes it and it pings off a metal shelf. Fifteen seconds.",
  15, "kids", [], "garage", 2,
  [C("it pings off a metal shelf", 5, "ball", "plastic", "impact", "ping pong ball hit")],
  ["The ball bounces back and forth"])
R(S, "A heron stands in a marsh at dawn. Frogs chorus. At the six second mark it spears a fish with a splash. Then it takes off, wings beating twice.",
  None, "heron", [], "marsh", 0,
  [C("it spears a fish with a splash", 6, "heron", "water", "liquid", "water splash"),
   C("wings beating twice", None, "heron", "air", "wind", "wing flaps", rel="unspecified", count=2)],
  ["Frogs chorus"])
R(S, "Four seconds in, a bowling ball hits the pins and all ten go down with a crash. The bowler spins around and high-fives his friend. Eight seconds.",
  8, "bowling ball", ["bowler"], None, 2,
  [C("a bowling ball hits the pins", 4, "bowling pins", "wood", "impact", "bowling strike")],
  ["high-fives his friend"])
R(S, "A grandfather clock in a quiet hallway strikes twelve. Start at one second, one chime every second, so the clip is thirteen seconds.",
  13, "grandfather clock", ["clock"], "hallway", 0,
  [C("strikes twelve", 1, "grandfather clock", "metal", "ring", "grandfather clock chime", every=1, count=12)])
R(S, "At exactly three seconds a skateboarder ollies off a ledge and lands with a loud clack on the plaza. Twenty seconds of street footage, traffic in the background.",
  20, "skateboarder", [], "plaza", 1,
  [C("lands with a loud clack", 3, "skateboard", "wood", "impact", "skateboard landing")],
  ["traffic in the background"])
R(S, "A kid blows out the candles on a birthday cake at one second. Everyone claps. At four seconds, three balloons pop one after another. Seven seconds long.",
  7, "kid", [], None, 1,
  [C("blows out the candles", 1, "kid", "air", "wind", "blowing out candles"),
   C("three balloons pop one after another", 4, "balloons", "rubber", "pop", "balloon pop", count=3)],
  ["Everyone claps"])
R(S, "Half a minute of a rainforest at night. Cicadas drone. At the fifteen second mark a howler monkey roars, and at twenty-two seconds a branch snaps somewhere close.",
  30, "cicadas", ["howler monkey"], "rainforest", 0,
  [C("a howler monkey roars", 15, "howler monkey", None, "vocalisation", "howler monkey roar"),
   C("a branch snaps", 22, "branch", "wood", "break", "branch snapping")],
  ["Cicadas drone"])
R(S, "A hockey player winds up and slaps the puck at two seconds, and it rings off the post at two point eight seconds. The crowd groans. Six-second clip.",
  6, "hockey player", [], None, 1,
  [C("slaps the puck", 2, "hockey stick", "wood", "impact", "slapshot"),
   C("it rings off the post", 2.8, "goal post", "metal", "ring", "puck off post")],
  ["The crowd groans"])
R(S, "A sheepdog herds a flock down a hillside. The farmer whistles twice at one second, the dog drops flat, and at five seconds the sheep start bleating all at once. Ten seconds.",
  10, "sheepdog", ["flock"], "hillside", 1,
  [C("The farmer whistles twice", 1, "farmer", "air", "whistle", "shepherd whistle", count=2),
   C("the sheep start bleating all at once", 5, "sheep", None, "vocalisation", "sheep bleating")])
R(S, "Five seconds of a boxer skipping rope in an empty gym, the rope slapping the floor twice a second. At four seconds his phone buzzes on the bench.",
  5, "boxer", [], "gym", 1,
  [C("the rope slapping the floor twice a second", None, "jump rope", "plastic", "impact", "jump rope slap", every=0.5),
   C("his phone buzzes on the bench", 4, "phone", "electronic", "electronic", "phone vibrating")])
R(S, 'Twelve-second clip of a submarine control room, red lights, the crew silent. The sonar pings once every four seconds. At ten seconds the captain says, "Dive."',
  12, "captain", ["sonar", "crew"], "submarine control room", 1,
  [C("The sonar pings once every four seconds", None, "sonar", "electronic", "electronic", "sonar ping", every=4),
   C('the captain says, "Dive."', 10, "captain", None, "speech", "command")],
  [], ["Dive."])
R(S, "Two women play dominoes on a porch in Havana. For the first nine seconds they just think, then at nine seconds exactly one of them slaps down the last domino with a crack. Then they both laugh. Eleven seconds.",
  11, "women", [], "porch", 2,
  [C("slaps down the last domino with a crack", 9, "domino", "plastic", "impact", "domino slap")],
  ["they both laugh"])
R(S, "A row of wind-up toy soldiers marches across a wooden floor, clicking. At three seconds the first one falls over, at four seconds the second one, and at five the third. A music box plays throughout.",
  None, "toy soldiers", ["soldiers"], None, 0,
  [C("the first one falls over", 3, "toy soldier", "metal", "impact", "toy falling over"),
   C("the second one", 4, "toy soldier", "metal", "impact", "toy falling over"),
   C("the third", 5, "toy soldier", "metal", "impact", "toy falling over")],
  ["clicking", "A music box plays throughout"])


# ----------------------------------------------------------------------------- checks
def check(recs):
    errs = []
    for i, r in enumerate(recs):
        p = r["prompt"]
        tag = f"[{r.get('id', i)} {r['style']}] {p[:40]!r}"
        if r["style"] not in STYLES:
            errs.append(f"{tag}: bad style")
        subj = r["subject"]
        if not subj or len(subj.split()) > 2 or subj.lower() in {"you", "camera"}:
            errs.append(f"{tag}: bad subject {subj!r}")
        dur = r["duration_s"]
        limit = dur if dur is not None else 15
        last_t = -1
        for c in r["cues"]:
            if list(c.keys()) != ["text", "time_s", "relative_to", "every_s", "count", "source",
                                  "material", "action", "kind"]:
                errs.append(f"{tag}: cue field order")
            if c["text"] not in p:
                errs.append(f"{tag}: cue text not in prompt: {c['text']!r}")
            if c["material"] is not None and c["material"] not in MATERIALS:
                errs.append(f"{tag}: bad material {c['material']}")
            if c["action"] not in ACTIONS:
                errs.append(f"{tag}: bad action {c['action']}")
            if c["material"] is None and c["action"] not in ("vocalisation", "speech", "crowd"):
                errs.append(f"{tag}: null material for non-vocal {c['kind']}")
            t = c["time_s"]
            if t is not None:
                if not (0 <= t <= limit):
                    errs.append(f"{tag}: time {t} out of range 0..{limit}")
                if t < last_t:
                    errs.append(f"{tag}: cues not in time order")
                last_t = t
            elif c["relative_to"] is None and c["every_s"] is None:
                errs.append(f"{tag}: cue without time, relation or period: {c['text']!r}")
            if not isinstance(c["count"], int) or c["count"] < 1:
                errs.append(f"{tag}: bad count")
            if not c["source"] or len(c["source"].split()) > 2:
                errs.append(f"{tag}: bad source {c['source']!r}")
        for u in r["untimed_sounds"]:
            if u not in p:
                errs.append(f"{tag}: untimed not in prompt: {u!r}")
        for d in r["dialogue"]:
            if d not in p:
                errs.append(f"{tag}: dialogue not in prompt: {d!r}")
        if dur is not None and not (0 < dur <= 60):
            errs.append(f"{tag}: odd duration {dur}")
        if not isinstance(r["characters"], int) or r["characters"] < 0:
            errs.append(f"{tag}: bad characters")
    ids = [r["id"] for r in recs]
    if len(ids) != len(set(ids)):
        errs.append("duplicate ids")
    prompts = [r["prompt"] for r in recs]
    if len(prompts) != len(set(prompts)):
        errs.append("duplicate prompts")
    return errs


def main():
    recs = [dict(r) for r in RECS]
    random.Random(13).shuffle(recs)
    out = []
    for i, r in enumerate(recs, 1):
        o = {"id": f"b{i:03d}"}
        o.update(r)
        out.append(o)
    errs = check(out)
    if errs:
        print("\n".join(errs))
        sys.exit(1)
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(os.path.dirname(here), "blind13b.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for o in out:
            f.write(json.dumps(o, ensure_ascii=False) + "\n")
    # stats
    styles = Counter(o["style"] for o in out)
    cues = [c for o in out for c in o["cues"]]
    timed = [c for c in cues if c["time_s"] is not None]
    kinds = {c["kind"] for c in cues}
    stated = sum(1 for o in out if any(
        c["time_s"] is not None or c["every_s"] is not None
        or c["relative_to"] not in (None, "unspecified") for c in o["cues"]))
    anycue = sum(1 for o in out if o["cues"])
    silent = sum(1 for o in out if not o["cues"] and not o["untimed_sounds"] and not o["dialogue"])
    print(f"wrote {len(out)} records to {path}")
    print("styles:", dict(sorted(styles.items())))
    print(f"cues: {len(cues)}  with numeric time_s: {len(timed)}  distinct kinds: {len(kinds)}")
    print(f"prompts with a cue at a stated time/relation/period: {stated}  with any cue: {anycue}  silent: {silent}")
    print("durations stated:", sum(1 for o in out if o["duration_s"] is not None))
    print("with dialogue:", sum(1 for o in out if o["dialogue"]))
    print("actions:", dict(Counter(c["action"] for c in cues)))
    print("materials:", dict(Counter(c["material"] for c in cues)))


if __name__ == "__main__":
    main()
