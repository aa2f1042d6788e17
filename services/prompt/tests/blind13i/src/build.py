#!/usr/bin/env python3
"""Build blind13i.jsonl from hand-typed records.

Every record is typed by hand below, grouped by voice.  The list is shuffled
with a fixed seed and the ids i001..i130 are given out after the shuffle.
"""
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "blind13i.jsonl")
SEED = 130914

RECORDS = []


def C(text, time, source, material, action, kind, rel=None, every=None, n=1):
    """One sound cue.  No time and no rel -> relative_to 'unspecified'."""
    if time is not None:
        rel = None
    elif rel is None:
        rel = "unspecified"
    return {
        "text": text,
        "time_s": time,
        "relative_to": rel,
        "every_s": every,
        "count": n,
        "source": source,
        "material": material,
        "action": action,
        "kind": kind,
    }


def D(speaker, text):
    return {"speaker": speaker, "text": text}


def R(style, prompt, duration, subject, alternatives, location, characters, cues, dialogue=()):
    untimed = [c["text"] for c in cues if c["time_s"] is None and c["every_s"] is None]
    RECORDS.append({
        "id": None,
        "style": style,
        "prompt": prompt,
        "duration_s": duration,
        "subject": subject,
        "subject_alternatives": list(alternatives),
        "location": location,
        "characters": characters,
        "cues": list(cues),
        "untimed_sounds": untimed,
        "dialogue": list(dialogue),
    })


V = None  # material null (vocalisations, speech, crowd voices)

# ---------------------------------------------------------------- casual
S = "casual"
R(S, "ok so my cat knocks a glass off the counter and it shatters at 3 sec, then she just meows once and stares at the camera lol. 8 sec clip",
  8, "cat", ["kitty"], "counter", 0, [
      C("shatters", 3, "glass", "glass", "break", "drinking glass shatter"),
      C("meows", None, "cat", V, "vocalisation", "single cat meow", rel="event"),
  ])
R(S, "need a vid of a guy mowing his lawn super early, mower starts on the 2nd pull, neighbors dog barks every second after that lmao. sprinklers hissing next door too",
  None, "guy", ["man"], "lawn", 1, [
      C("mower starts", None, "mower", "metal", "motor", "lawn mower pull start"),
      C("dog barks", None, "dog", V, "vocalisation", "neighbour dog barking steadily", every=1),
      C("sprinklers hissing", None, "sprinkler", "water", "liquid", "lawn sprinkler hiss"),
  ])
R(S, "baby in the bath laughing at bubbles, every time one bursts she squeals. at 4 seconds her dad blows a raspberry on her tummy and she shrieks lol",
  None, "baby", [], "bath", 2, [
      C("laughing", None, "baby", V, "vocalisation", "baby laughing in bath"),
      C("bursts", None, "bubble", "water", "pop", "soap bubble burst"),
      C("squeals", None, "baby", V, "vocalisation", "baby squeal", rel="event"),
      C("blows a raspberry", 4, "dad", V, "vocalisation", "raspberry on tummy"),
      C("shrieks", 4, "baby", V, "vocalisation", "baby delighted shriek"),
  ])
R(S, "dude skateboarding down an empty parking garage ramp, wheels rumbling on the concrete, at the bottom he kicks the board up n it clacks. echoes everywhere",
  None, "dude", ["skateboarder", "guy"], "parking garage", 1, [
      C("wheels rumbling", None, "wheel", "stone", "scrape", "skateboard wheels on concrete"),
      C("clacks", None, "board", "wood", "impact", "skateboard kick-up clack", rel="event"),
  ])
R(S, "pls make a clip of my grandpa snoring in his armchair w the tv on, some football game murmuring, then the crowd on tv roars at 6 sec and he snorts awake. 10 sec",
  10, "grandpa", ["grandfather"], "armchair", 1, [
      C("snoring", None, "grandpa", V, "vocalisation", "old man snoring"),
      C("murmuring", None, "tv", V, "speech", "tv football commentary murmur"),
      C("roars", 6, "crowd", V, "crowd", "tv stadium crowd roar"),
      C("snorts", 6, "grandpa", V, "vocalisation", "snort awake"),
  ])
R(S, "can u do a wet street at night, neon sign buzzing, a bus pulls up n the doors hiss open, then it honks twice. no ppl talking just rain hitting the puddles",
  None, "bus", ["sign", "neon sign"], "street", 0, [
      C("sign buzzing", None, "sign", "electronic", "electronic", "neon sign buzz"),
      C("hiss", None, "door", "air", "liquid", "bus door pneumatic hiss"),
      C("honks", None, "bus", "metal", "whistle", "bus horn double honk", rel="event", n=2),
      C("rain", None, "rain", "water", "liquid", "rain on puddles at night"),
  ])
R(S, "my kid practicing recorder for the first time, squeaky awful notes, then our dog howls along at 3 seconds and again at 7 lmaooo",
  None, "kid", ["child"], None, 1, [
      C("recorder", None, "recorder", "plastic", "music", "beginner recorder squeaks"),
      C("dog howls", 3, "dog", V, "vocalisation", "dog howling along to music"),
      C("dog howls", 7, "dog", V, "vocalisation", "dog howling along to music"),
  ])
R(S, "thunderstorm rolling in over the lake. waves slapping the dock, wind chimes going crazy on the boathouse, thunder cracks at 2s n rumbles again at 9s",
  None, "thunderstorm", ["storm", "thunder"], "lake", 0, [
      C("waves slapping", None, "wave", "water", "liquid", "waves slapping dock"),
      C("wind chimes", None, "chime", "metal", "ring", "wind chimes in storm gusts"),
      C("thunder cracks", 2, "thunder", "air", "explosion", "close thunder crack"),
      C("rumbles", 9, "thunder", "air", "explosion", "rolling thunder rumble"),
  ])
R(S, "vid of a vending machine eating my dollar. i put in $1.50, it whirs, clunks, and nothing drops. i kick it at 6s n a can finally thuds down",
  None, "vending machine", ["machine"], None, 1, [
      C("whirs", None, "machine", "metal", "motor", "vending machine whir"),
      C("clunks", None, "machine", "metal", "mechanical", "vending machine clunk"),
      C("kick", 6, "machine", "metal", "impact", "kick on vending machine"),
      C("thuds", 6, "can", "metal", "impact", "soda can dropping into tray"),
  ])
R(S, "corgi zoomies in the backyard, claws skittering on the deck, she knocks over a watering can (clang) and just keeps going. 9 sec",
  9, "corgi", ["dog"], "backyard", 0, [
      C("claws skittering", None, "corgi", "wood", "footsteps", "dog claws on wooden deck"),
      C("clang", None, "can", "metal", "impact", "watering can knocked over", rel="event"),
  ])
R(S, "make me a clip of a barista steaming milk, the wand screams for a sec then she taps the pitcher twice on the counter. cafe busy behind her, ppl chatting, cups clinking",
  None, "barista", [], "cafe", 1, [
      C("screams", None, "wand", "water", "liquid", "steam wand shriek"),
      C("taps", None, "pitcher", "metal", "impact", "milk pitcher tapped on counter", rel="event", n=2),
      C("chatting", None, "people", V, "crowd", "cafe chatter"),
      C("cups clinking", None, "cup", "ceramic", "impact", "cafe cups clinking"),
  ])
R(S, "tiktok style: girl tries to open a jar of pickles, lid wont budge, she bangs it on the counter 3 times then it pops open at 8 seconds. she yells YES and holds it up like a trophy",
  None, "girl", [], "counter", 1, [
      C("bangs", None, "jar", "glass", "impact", "jar banged on counter", n=3),
      C("pops", 8, "lid", "metal", "pop", "jar lid vacuum pop"),
      C("yells YES", None, "girl", V, "speech", "triumphant yell", rel="event"),
  ])
R(S, "a bunch of geese honking at a jogger in the park, he panics n runs, wings flapping everywhere lol",
  None, "geese", ["goose"], "park", 1, [
      C("honking", None, "goose", V, "vocalisation", "angry geese honking"),
      C("wings flapping", None, "goose", "air", "wind", "goose wing flaps"),
  ])
R(S, "ok i want a microwave popcorn clip. first kernel bursts at 5s, then the rest go off like crazy, microwave beeps 3 times at 14 seconds. thats it",
  None, "popcorn", ["kernel", "microwave"], None, 0, [
      C("bursts", 5, "kernel", "wood", "pop", "first popcorn kernel"),
      C("go off", None, "kernel", "wood", "pop", "popcorn popping frenzy", rel="event"),
      C("microwave beeps", 14, "microwave", "electronic", "electronic", "microwave done beeps", n=3),
  ])
R(S, "my uncles band playing in the garage, bass guitar through a tiny amp, drums kick in at 1 sec, then the power cuts out at 11 sec n the amp pops",
  None, "band", ["uncle"], "garage", 0, [
      C("bass guitar", None, "guitar", "electronic", "music", "bass guitar through small amp"),
      C("drums", 1, "drum", "wood", "music", "garage band drums"),
      C("amp pops", 11, "amp", "electronic", "pop", "amp pop on power cut"),
  ])
R(S, "kids at a sleepover pillow fighting, thwump thwump, one falls off the bed at 7 seconds and then they all scream laughing",
  None, "kids", ["kid"], "bed", 0, [
      C("thwump thwump", None, "pillow", "fabric", "impact", "pillow thwumps"),
      C("falls", 7, "kid", "flesh", "impact", "kid falling off bed"),
      C("scream laughing", None, "kid", V, "crowd", "kids screaming with laughter", rel="event"),
  ])
R(S, "guy filling up at a gas station at like 1am, fluorescent lights humming, the pump clicks off, a car with a loud muffler rumbles past on the road",
  None, "guy", ["man"], "gas station", 1, [
      C("lights humming", None, "light", "electronic", "electronic", "gas station fluorescent hum"),
      C("pump clicks", None, "pump", "metal", "mechanical", "fuel nozzle click-off"),
      C("rumbles", None, "muffler", "metal", "motor", "loud muffler pass-by"),
  ])
R(S, "the ceiling fan in my dorm wobbling n clicking every rotation, roommate typing on her laptop, rain on the window. cozy vibes, make it 15 sec",
  15, "fan", ["ceiling fan", "roommate"], "dorm", 1, [
      C("clicking", None, "fan", "metal", "mechanical", "wobbly ceiling fan click"),
      C("typing", None, "laptop", "plastic", "mechanical", "laptop keyboard typing"),
      C("rain", None, "rain", "glass", "liquid", "rain on dorm window"),
  ])
R(S, "can i get a video of my friend (17, just got his license) trying to parallel park on our street, parking sensor beeping faster n faster, he bumps the car behind at 5 sec and then we all groan from the back seat",
  None, "friend", ["driver"], "street", 1, [
      C("beeping", None, "sensor", "electronic", "electronic", "parking sensor beeps speeding up"),
      C("bumps", 5, "car", "plastic", "impact", "bumper tap while parking"),
      C("groan", None, "everyone", V, "crowd", "back seat group groan", rel="event"),
  ])

# ---------------------------------------------------------------- screenplay
S = "screenplay"
R(S, "EXT. FISHING PIER - DAWN. Gulls cry overhead. WES (late 60s) casts his line; the reel whizzes at 3 seconds. The old boards creak under him as he leans back. WES: Come on, come on. A splash at 8 seconds as the fish breaks the surface.",
  None, "wes", ["angler", "fisherman"], "FISHING PIER", 1, [
      C("Gulls cry", None, "gull", V, "vocalisation", "gulls crying over pier"),
      C("reel whizzes", 3, "reel", "metal", "mechanical", "fishing reel cast whiz"),
      C("boards creak", None, "board", "wood", "scrape", "pier boards creak", rel="event"),
      C("splash", 8, "fish", "water", "liquid", "fish breaking surface"),
  ], [D("WES", "Come on, come on.")])
R(S, "INT. LAUNDROMAT - 3 AM. Fluorescent tubes buzz. A row of dryers tumble, one with a sneaker inside going thunk, thunk. DEV (20s) slumps on a plastic chair eating noodles. At 5 seconds a dryer buzzer blares. DEV: That's not mine. At 9 seconds the door chime jingles and a stranger walks in.",
  None, "dev", [], "LAUNDROMAT", 2, [
      C("tubes buzz", None, "tube", "electronic", "electronic", "fluorescent tube buzz"),
      C("dryers tumble", None, "dryer", "metal", "motor", "row of dryers tumbling"),
      C("thunk, thunk", None, "sneaker", "rubber", "impact", "sneaker thunking in dryer"),
      C("buzzer blares", 5, "buzzer", "electronic", "electronic", "dryer done buzzer"),
      C("chime jingles", 9, "chime", "metal", "ring", "shop door chime"),
  ], [D("DEV", "That's not mine.")])
R(S, "INT. HOSPITAL BREAK ROOM - NIGHT. NURSE OKAFOR (50s) heats soup; the microwave hums, then dings. Her pager goes off twice. OKAFOR: Of course. She sighs.",
  None, "okafor", ["nurse okafor", "nurse"], "HOSPITAL BREAK ROOM", 1, [
      C("microwave hums", None, "microwave", "electronic", "electronic", "microwave running hum"),
      C("dings", None, "microwave", "electronic", "electronic", "microwave finished ding", rel="event"),
      C("pager goes off", None, "pager", "electronic", "electronic", "hospital pager alert", n=2),
      C("sighs", None, "okafor", V, "vocalisation", "tired sigh", rel="line"),
  ], [D("OKAFOR", "Of course.")])
R(S, "EXT. DESERT HIGHWAY - DAY. A motorcycle roars past the camera at 2 seconds and fades into the heat. Silence. A snake's rattle from the brush at 7 seconds. Far off, a crow caws.",
  None, "motorcycle", ["motorbike"], "DESERT HIGHWAY", 0, [
      C("motorcycle roars", 2, "motorcycle", "metal", "motor", "motorcycle pass-by"),
      C("rattle", 7, "snake", V, "vocalisation", "rattlesnake rattle"),
      C("crow caws", None, "crow", V, "vocalisation", "distant crow caw"),
  ])
R(S, "INT. BAKERY KITCHEN - 4:45 AM. The proofing oven hums. ROSA (60s) pulls trays; a sheet pan clatters to the floor at 4 seconds. Her apprentice TEO (19) jumps. ROSA: Pick it up, it's fine. The timer beeps three times at 10 seconds.",
  None, "rosa", ["baker"], "BAKERY KITCHEN", 2, [
      C("oven hums", None, "oven", "metal", "motor", "proofing oven hum"),
      C("clatters", 4, "pan", "metal", "impact", "sheet pan dropped on floor"),
      C("timer beeps", 10, "timer", "electronic", "electronic", "oven timer triple beep", n=3),
  ], [D("ROSA", "Pick it up, it's fine.")])
R(S, "EXT. SCHOOLYARD - DAY. Kids shriek on the swings. A kickball thumps off the brick wall at 3 seconds. COACH BRANDT (40s) blows her whistle twice at 6 seconds. COACH BRANDT: Line up! The kids groan.",
  None, "kids", ["kid", "coach brandt"], "SCHOOLYARD", 1, [
      C("shriek", None, "kid", V, "crowd", "playground shrieks"),
      C("thumps", 3, "kickball", "rubber", "impact", "kickball off brick wall"),
      C("whistle", 6, "whistle", "metal", "whistle", "coach double whistle", n=2),
      C("groan", None, "kid", V, "crowd", "kids group groan", rel="line"),
  ], [D("COACH BRANDT", "Line up!")])
R(S, "INT. CAR - NIGHT - MOVING. Rain on the windshield, wipers squeaking. MAYA (30s) drives; her brother ELI (teens) sleeps against the window. The turn signal ticks. At 7 seconds her phone buzzes in the cupholder. MAYA (whispering): Don't wake up. Don't wake up. ELI snores.",
  None, "maya", ["eli"], "CAR", 2, [
      C("Rain", None, "rain", "glass", "liquid", "rain on windshield"),
      C("wipers squeaking", None, "wiper", "rubber", "scrape", "windshield wiper squeak"),
      C("signal ticks", None, "signal", "electronic", "electronic", "turn signal tick"),
      C("phone buzzes", 7, "phone", "electronic", "electronic", "phone vibrating in cupholder"),
      C("snores", None, "eli", V, "vocalisation", "teen snoring in car", rel="line"),
  ], [D("MAYA", "Don't wake up. Don't wake up.")])
R(S, "INT. OLD THEATER - STAGE - DAY. Dust in the work light. A stagehand drops a sandbag, THUD, and it echoes through the empty house. Somewhere in the fly loft a pulley squeals. DIRECTOR (O.S.): Again, from the top! A piano starts up, badly out of tune.",
  None, "stagehand", [], "OLD THEATER", 1, [
      C("THUD", None, "sandbag", "fabric", "impact", "sandbag dropped on stage"),
      C("pulley squeals", None, "pulley", "metal", "scrape", "fly loft pulley squeal"),
      C("piano", None, "piano", "wood", "music", "out-of-tune rehearsal piano", rel="line"),
  ], [D("DIRECTOR", "Again, from the top!")])
R(S, "EXT. CITY ROOFTOP - NIGHT. Distant sirens. JUN (20s) and PRIYA (20s) sit on the ledge sharing a beer. A helicopter thuds overhead. PRIYA: Do you ever think about leaving? JUN: Every day. Below, a dog starts barking and won't stop.",
  None, "jun", ["priya"], "CITY ROOFTOP", 2, [
      C("sirens", None, "siren", "electronic", "whistle", "distant city sirens"),
      C("helicopter thuds", None, "helicopter", "metal", "motor", "helicopter rotor overhead"),
      C("barking", None, "dog", V, "vocalisation", "dog barking in the street below", rel="line"),
  ], [D("PRIYA", "Do you ever think about leaving?"), D("JUN", "Every day.")])
R(S, "INT. PAWN SHOP - DAY. A ceiling fan ticks. The door buzzer sounds as LENNY (50s) pushes in with a trumpet case. The OWNER (60s) doesn't look up. LENNY: How much? OWNER: Forty bucks. LENNY drops the case on the counter, a hollow clunk.",
  None, "lenny", ["owner"], "PAWN SHOP", 2, [
      C("fan ticks", None, "fan", "metal", "mechanical", "ceiling fan tick"),
      C("door buzzer", None, "buzzer", "electronic", "electronic", "shop entry buzzer", rel="event"),
      C("clunk", None, "case", "wood", "impact", "trumpet case on counter", rel="line"),
  ], [D("LENNY", "How much?"), D("OWNER", "Forty bucks.")])
R(S, "EXT. BACKYARD - SUMMER EVENING. Crickets. GRANDPA JOE (80s) cranks an old ice cream maker, the crank clicking. Three grandkids wait. KID #1: Is it done? GRANDPA JOE: Not yet. At 9 seconds a firecracker pops next door and everybody flinches.",
  None, "grandpa joe", ["grandpa", "joe"], "BACKYARD", 4, [
      C("Crickets", None, "cricket", V, "vocalisation", "evening crickets"),
      C("crank clicking", None, "crank", "metal", "mechanical", "ice cream maker crank"),
      C("firecracker pops", 9, "firecracker", "air", "explosion", "neighbour firecracker"),
  ], [D("KID #1", "Is it done?"), D("GRANDPA JOE", "Not yet.")])
R(S, "INT. TRAIN CAR - NIGHT. The car rocks and rattles. ANYA (30s) stares out the window. The PA chimes at 3 seconds, then a conductor's voice announces the next stop. Brakes screech at 11 seconds. ANYA grabs the pole.",
  None, "anya", [], "TRAIN CAR", 1, [
      C("rattles", None, "car", "metal", "mechanical", "train car rattle"),
      C("PA chimes", 3, "pa", "electronic", "ring", "train PA chime"),
      C("announces the next stop", None, "conductor", V, "speech", "conductor stop announcement", rel="event"),
      C("Brakes screech", 11, "brake", "metal", "scrape", "train brake screech"),
  ])
R(S, "INT. STUDIO APARTMENT - MORNING. The alarm clock shrills. SAM (20s) slaps it off, groans, and rolls out of bed. The kettle begins to whistle. Upstairs, a neighbor's footsteps thud across the ceiling. SAM: Every single morning.",
  None, "sam", [], "STUDIO APARTMENT", 1, [
      C("clock shrills", None, "clock", "electronic", "electronic", "alarm clock shrill"),
      C("slaps", None, "clock", "plastic", "impact", "alarm clock slapped off", rel="event"),
      C("groans", None, "sam", V, "vocalisation", "morning groan", rel="event"),
      C("whistle", None, "kettle", "metal", "whistle", "stovetop kettle whistle"),
      C("footsteps thud", None, "neighbor", "wood", "footsteps", "upstairs neighbour footsteps"),
  ], [D("SAM", "Every single morning.")])
R(S, "EXT. CONSTRUCTION SITE - MORNING. A backhoe beeps as it reverses. Somewhere a nail gun fires, pop-pop-pop. FOREMAN DIAZ (50s) shouts orders over the noise. A steel beam swings in on a chain and clangs onto the stack. DIAZ: Easy! Easy!",
  None, "backhoe", ["diaz", "foreman"], "CONSTRUCTION SITE", 1, [
      C("beeps", None, "backhoe", "electronic", "electronic", "reversing alarm beep", rel="event"),
      C("pop-pop-pop", None, "gun", "metal", "mechanical", "nail gun bursts"),
      C("shouts orders", None, "diaz", V, "speech", "foreman shouting orders"),
      C("clangs", None, "beam", "metal", "impact", "steel beam landing on stack", rel="event"),
  ], [D("DIAZ", "Easy! Easy!")])
R(S, "INT. TATTOO PARLOR - NIGHT. The tattoo machine buzzes. KAI (30s) grits his teeth while INK (40s) works on his forearm. Punk rock blares from a speaker. KAI: How much longer? INK: Ten minutes. Don't move. KAI sneezes.",
  None, "kai", ["ink", "artist"], "TATTOO PARLOR", 2, [
      C("machine buzzes", None, "machine", "metal", "motor", "tattoo machine buzz"),
      C("Punk rock", None, "speaker", "electronic", "music", "punk rock from speaker"),
      C("sneezes", None, "kai", V, "vocalisation", "sneeze", rel="line"),
  ], [D("KAI", "How much longer?"), D("INK", "Ten minutes. Don't move.")])
R(S, "EXT. SOCCER FIELD - NIGHT. Floodlights hum. Players slide through the mud. The ref's whistle at 2 seconds. BECKA (17) shoots, and the ball hits the crossbar at 5 seconds, CLANG. The small crowd groans.",
  None, "players", ["player", "becka"], "SOCCER FIELD", 1, [
      C("Floodlights hum", None, "floodlight", "electronic", "electronic", "floodlight hum"),
      C("whistle", 2, "whistle", "metal", "whistle", "referee whistle"),
      C("CLANG", 5, "crossbar", "metal", "impact", "ball off crossbar"),
      C("groans", None, "crowd", V, "crowd", "small crowd groan", rel="event"),
  ])
R(S, "INT. ATTIC - DAY. Rain drums on the roof. NORA (12) and her little brother BEN (9) dig through an old trunk. The lid creaks open at 3 seconds. Inside, a wind-up toy monkey. It suddenly clangs its cymbals at 8 seconds. BEN screams. NORA: It's just a toy!",
  None, "nora", ["ben"], "ATTIC", 2, [
      C("Rain drums", None, "rain", "wood", "liquid", "rain on attic roof"),
      C("lid creaks", 3, "lid", "wood", "scrape", "old trunk lid creak"),
      C("clangs", 8, "cymbal", "metal", "music", "wind-up monkey cymbals"),
      C("screams", None, "ben", V, "vocalisation", "kid scream of fright", rel="event"),
  ], [D("NORA", "It's just a toy!")])
R(S, "INT. ALL-NIGHT DINER - LATE. A jukebox plays doo-wop. Grease sizzles on the flat-top. WAITRESS DOT (60s) refills a coffee, the pot clinking on the mug. The order bell dings twice. COOK (O.S.): Order up! DOT: I heard you, Frank.",
  None, "dot", ["waitress dot", "waitress"], "ALL-NIGHT DINER", 1, [
      C("doo-wop", None, "jukebox", "electronic", "music", "jukebox doo-wop"),
      C("Grease sizzles", None, "grease", "water", "liquid", "flat-top grease sizzle"),
      C("clinking", None, "pot", "glass", "impact", "coffee pot clinking on mug"),
      C("bell dings", None, "bell", "metal", "ring", "diner order bell", n=2),
  ], [D("COOK", "Order up!"), D("DOT", "I heard you, Frank.")])

# ---------------------------------------------------------------- ad briefs
S = "ad_brief"
R(S, "15-second pre-roll for Oatlands cereal (ages 4+). Open on a kid pouring cereal, flakes rattling into the bowl. Milk glugs in. First bite at 6 seconds: a huge CRUNCH. VO: Loud mornings start here. End card 'Oatlands. Hear it.'",
  15, "kid", ["child"], None, 1, [
      C("flakes rattling", None, "flake", "wood", "rustle", "cereal pouring into bowl"),
      C("Milk glugs", None, "milk", "water", "liquid", "milk pour glug"),
      C("CRUNCH", 6, "cereal", "wood", "break", "cereal bite crunch"),
  ], [D("VO", "Loud mornings start here.")])
R(S, ":20 video ad for Harlan's Hardware. Slow-mo hammer driving a nail, THOCK at 2 s. A circular saw whines at 5 s, then a drill zips. VO (friendly, older man): Spring projects? We've got you. Super: 'Harlan's. Since 1962.' All tools 20% off through May.",
  20, "hammer", [], None, 0, [
      C("THOCK", 2, "hammer", "metal", "impact", "hammer driving nail"),
      C("saw whines", 5, "saw", "metal", "motor", "circular saw whine"),
      C("drill zips", None, "drill", "metal", "motor", "cordless drill zip", rel="event"),
  ], [D("VO", "Spring projects? We've got you.")])
R(S, "Brand: Tidewell sparkling water. 6-second bumper. Bottle cap twists off with a crisp fizz at 0.5 s. It splashes over ice, the ice cracking. Super: 'Tidewell. Stay crisp.' No VO.",
  6, "cap", ["bottle", "bottle cap"], None, 0, [
      C("fizz", 0.5, "bottle", "water", "liquid", "carbonation release on opening"),
      C("splashes", None, "water", "water", "liquid", "sparkling water pour over ice"),
      C("cracking", None, "ice", "water", "break", "ice cracking under pour"),
  ])
R(S, "Insurance spot, 30 sec. A dad (40s) backs out of the driveway and clips the mailbox, crunch at 4 sec. The neighbor's dog starts barking. Kids in the back seat gasp. Cut to him on the phone, calm. VO: Little oops? Big help. Jingle at the end.",
  30, "dad", ["man", "father"], "driveway", 1, [
      C("crunch", 4, "mailbox", "metal", "impact", "car clipping mailbox"),
      C("barking", None, "dog", V, "vocalisation", "neighbour dog barking", rel="event"),
      C("gasp", None, "kid", V, "crowd", "kids gasp in back seat", rel="event"),
      C("Jingle", None, "jingle", "electronic", "music", "insurance brand jingle", rel="end"),
  ], [D("VO", "Little oops? Big help.")])
R(S, "Concept for Zephyr e-bike (model Z4). A rider glides through the city at dawn, almost silent, just the motor's faint whir and tires on wet asphalt. At 7 seconds she rings her bell twice to pass a jogger. VO (calm, female): Quiet is the new fast. 12s.",
  12, "rider", ["cyclist"], "city", 2, [
      C("whir", None, "motor", "metal", "motor", "e-bike hub motor whir"),
      C("tires", None, "tire", "water", "liquid", "tires on wet asphalt"),
      C("bell", 7, "bell", "metal", "ring", "bike bell", n=2),
  ], [D("VO", "Quiet is the new fast.")])
R(S, "Pet food ad. Golden hour kitchen. A bag of Barkley Bites (new 4 lb size, $12.99) rustles. Two beagles come skidding around the corner at 3s, nails clicking on the tile. They sit. The bowl fills at 6s with a rattle. VO: The sound they wait for.",
  None, "beagles", ["beagle", "dogs"], "kitchen", 0, [
      C("rustles", None, "bag", "plastic", "rustle", "kibble bag rustle"),
      C("skidding", 3, "beagle", "ceramic", "scrape", "dogs skidding on tile"),
      C("nails clicking", 3, "beagle", "ceramic", "footsteps", "dog nails on tile"),
      C("rattle", 6, "bowl", "metal", "impact", "kibble into metal bowl"),
  ], [D("VO", "The sound they wait for.")])
R(S, "Spot for Lumen smart speaker. Dark living room. A woman mumbles the wake word, the speaker chimes, lights fade up and lo-fi beats start. Her cat meows at the speaker. Super: 'Lumen Home 2.' 10 seconds.",
  10, "woman", [], "living room", 1, [
      C("mumbles the wake word", None, "woman", V, "speech", "mumbled wake word"),
      C("speaker chimes", None, "speaker", "electronic", "ring", "smart speaker wake chime", rel="event"),
      C("lo-fi beats", None, "speaker", "electronic", "music", "lo-fi beats from speaker", rel="event"),
      C("cat meows", None, "cat", V, "vocalisation", "cat meowing at speaker"),
  ])
R(S, "Brief: 45s anthem for Ridgeline Boots. Montage of boots crunching through snow, splashing across a creek, a campfire crackling, a tent zipper at dusk. VO (warm, weathered): Built for the long way round. Music: sparse acoustic guitar throughout.",
  45, "boots", ["boot", "hiker"], None, 0, [
      C("crunching", None, "boot", "water", "footsteps", "boots crunching snow"),
      C("splashing", None, "boot", "water", "liquid", "boots splashing through creek"),
      C("campfire crackling", None, "campfire", "wood", "fire", "campfire crackle"),
      C("zipper", None, "zipper", "plastic", "mechanical", "tent zipper"),
      C("acoustic guitar", None, "guitar", "wood", "music", "sparse acoustic guitar bed"),
  ], [D("VO", "Built for the long way round.")])
R(S, "Local gym opening promo, 20 sec. A barbell drops on the rubber floor at 1 s, BOOM. Coach barks 'one more!' at a lifter. Treadmills whir. A kettlebell clanks at 8 s. VO: Iron Hollow Gym, now open on 5th Ave. First month $1.",
  20, "barbell", ["coach"], "gym", 2, [
      C("BOOM", 1, "barbell", "rubber", "impact", "barbell drop on rubber floor"),
      C("Treadmills whir", None, "treadmill", "metal", "motor", "treadmill belt whir"),
      C("kettlebell clanks", 8, "kettlebell", "metal", "impact", "kettlebell clank"),
  ], [D("coach", "one more!"), D("VO", "Iron Hollow Gym, now open on 5th Ave. First month $1.")])
R(S, "Spec ad for AuraPods X2 noise-cancelling headphones. Open on a traveler in a chaotic airport: boarding announcements blaring, a suitcase rattling past, a guy yelling into his speakerphone. When she slips the headphones on, everything cuts to silence except soft piano. Super: 'Your quiet, anywhere.'",
  None, "traveler", ["woman"], "airport", 1, [
      C("boarding announcements", None, "pa", V, "speech", "airport boarding announcement"),
      C("suitcase rattling", None, "suitcase", "plastic", "scrape", "rolling suitcase rattle"),
      C("yelling into his speakerphone", None, "guy", V, "speech", "man yelling on speakerphone"),
      C("piano", None, "headphone", "electronic", "music", "soft piano in headphones", rel="event"),
  ])
R(S, "Fast food: 'The Double Stack' ($5.49, limited time). 8s. Sizzle of patties on the grill from frame one. Cheese melts, the bun drops on top. Paper wrapper crinkles at 5 s. Soda glugs over ice at 6.5 s. VO: Stack up.",
  8, "patties", ["patty"], None, 0, [
      C("Sizzle", 0, "patty", "water", "liquid", "burger patty sizzle"),
      C("wrapper crinkles", 5, "wrapper", "paper", "rustle", "burger wrapper crinkle"),
      C("Soda glugs", 6.5, "soda", "water", "liquid", "soda pour over ice"),
  ], [D("VO", "Stack up.")])
R(S, "Bank app ad. A young couple at the kitchen table doing their budget, calculator clicking, pen scratching. Her phone pings, transfer received, and they high five. VO: Money, made calmer. Show the app, 'NestBank', on screen.",
  None, "couple", [], "kitchen table", 2, [
      C("calculator clicking", None, "calculator", "plastic", "mechanical", "calculator keys"),
      C("pen scratching", None, "pen", "paper", "scrape", "pen scratching on paper"),
      C("phone pings", None, "phone", "electronic", "electronic", "banking notification ping"),
      C("high five", None, "couple", "flesh", "impact", "couple high five", rel="event"),
  ], [D("VO", "Money, made calmer.")])
R(S, "Hotel brand film, 60 seconds, for Casa Almendra in Oaxaca. Morning: church bells ring at 3 seconds. A donkey brays, a gardener rakes the courtyard gravel. Afternoon: a fountain trickling. Night: a guitarist plays son jarocho by candlelight. The guests start clapping along at 48 seconds. No VO, only natural sound.",
  60, "bells", ["bell", "church bells"], "Casa Almendra", 2, [
      C("church bells", 3, "bell", "metal", "ring", "morning church bells"),
      C("donkey brays", None, "donkey", V, "vocalisation", "donkey bray"),
      C("rakes", None, "rake", "stone", "scrape", "raking courtyard gravel"),
      C("fountain trickling", None, "fountain", "water", "liquid", "courtyard fountain trickle"),
      C("son jarocho", None, "guitar", "wood", "music", "son jarocho guitar"),
      C("clapping", 48, "guest", "flesh", "crowd", "guests clapping along"),
  ])
R(S, "Toy commercial: RoboRex dinosaur (ages 5-8, $39). A kid presses its nose and RoboRex ROARS at 2 s, then it stomps across the carpet, servos whining. The kid shrieks with delight. Jingle starts at 11 s. 15 sec.",
  15, "kid", ["child"], None, 1, [
      C("ROARS", 2, "dinosaur", "electronic", "electronic", "toy dinosaur roar"),
      C("stomps", None, "dinosaur", "fabric", "footsteps", "toy stomping on carpet", rel="event"),
      C("servos whining", None, "servo", "plastic", "motor", "toy servo whine", rel="event"),
      C("shrieks", None, "kid", V, "vocalisation", "child delighted shriek", rel="event"),
      C("Jingle", 11, "jingle", "electronic", "music", "toy ad jingle"),
  ])
R(S, "Brief for Koru Tea, 30s, ASMR feel. A woman alone in a sunroom. The kettle rumbles toward a boil. It clicks off at 5s. Water pours over loose leaves. Spoon clinks the cup twice at 14s. She exhales at 20s. VO whisper at the end: Breathe in.",
  30, "woman", ["kettle"], "sunroom", 1, [
      C("kettle rumbles", None, "kettle", "water", "liquid", "kettle heating rumble"),
      C("clicks", 5, "kettle", "plastic", "mechanical", "kettle switch click-off"),
      C("Water pours", None, "water", "water", "liquid", "pour over tea leaves"),
      C("Spoon clinks", 14, "spoon", "ceramic", "impact", "spoon on teacup", n=2),
      C("exhales", 20, "woman", V, "vocalisation", "slow exhale"),
  ], [D("VO", "Breathe in.")])
R(S, "Car commercial, the new Volta GT6. The engine starts with a deep burble. It drives a coastal road, wind rushing past. Gravel crunches as it pulls into the overlook. The driver's door thunks shut. VO: Feel everything. Starting at $42,900.",
  None, "car", ["engine", "volta gt6"], "road", 0, [
      C("engine starts", None, "engine", "metal", "motor", "sports car engine start"),
      C("wind rushing", None, "wind", "air", "wind", "wind rushing past car"),
      C("Gravel crunches", None, "gravel", "stone", "scrape", "tires on gravel", rel="event"),
      C("thunks", None, "door", "metal", "impact", "car door shut"),
  ], [D("VO", "Feel everything. Starting at $42,900.")])
R(S, "PSA, 20 sec. A mom, dad and teen eat dinner in the dining room while a smoke alarm with a dying battery chirps every 5 seconds. Nobody notices. Forks scrape plates. At the end, a fire truck siren. VO: Test it monthly. Super: 'Chirp = change.'",
  20, "mom", ["dad", "teen", "family"], "dining room", 3, [
      C("chirps", None, "alarm", "electronic", "electronic", "smoke alarm low battery chirp", every=5),
      C("Forks scrape", None, "fork", "ceramic", "scrape", "forks scraping plates"),
      C("siren", None, "siren", "electronic", "whistle", "fire truck siren", rel="end"),
  ], [D("VO", "Test it monthly.")])
R(S, "Music streaming app, 6s bumper. A teen on her bed taps play at 1s, bass drop at 2s, crowd roar at 4s, logo sting at 5.5s. Super: 'Play it loud.'",
  6, "teen", ["girl"], "bed", 1, [
      C("taps", 1, "phone", "glass", "impact", "screen tap"),
      C("bass drop", 2, "phone", "electronic", "music", "bass drop"),
      C("crowd roar", 4, "crowd", V, "crowd", "festival crowd roar in track"),
      C("logo sting", 5.5, "logo", "electronic", "music", "app logo sting"),
  ])
R(S, "Agency brief, Crisp & Co. kettle chips, :15. A guy on a park bench rips open a bag at 1s. Chip crunch at 3s and 3.5s, LOUD. The woman next to him slowly turns and stares. Super: 'Too good to share quietly.'",
  15, "guy", ["man"], "park", 2, [
      C("rips", 1, "bag", "plastic", "break", "chip bag ripped open"),
      C("Chip crunch", 3, "chip", "wood", "break", "loud kettle chip crunch"),
      C("Chip crunch", 3.5, "chip", "wood", "break", "loud kettle chip crunch"),
  ])

# ---------------------------------------------------------------- pov
S = "pov"
R(S, "pov: you're a goalkeeper in a penalty shootout, crowd chanting your name, the striker's boots thud on the grass as he runs up, ball smacks into your gloves at 4s. the whole stadium erupts. 8s",
  8, "goalkeeper", ["keeper", "viewer", "you"], "stadium", 2, [
      C("chanting", None, "crowd", V, "crowd", "stadium chant"),
      C("boots thud", None, "boot", "wood", "footsteps", "striker run-up on grass", rel="event"),
      C("smacks", 4, "glove", "rubber", "impact", "ball into keeper gloves"),
      C("erupts", None, "crowd", V, "crowd", "stadium eruption", rel="event"),
  ])
R(S, "pov: you're a cat on the windowsill watching a fly. it buzzes against the glass, you chatter at it, then a car horn blares outside and you bolt",
  None, "cat", ["viewer", "you"], "windowsill", 0, [
      C("buzzes", None, "fly", V, "vocalisation", "fly buzzing on window"),
      C("chatter", None, "you", V, "vocalisation", "cat chattering at fly"),
      C("horn blares", None, "horn", "metal", "whistle", "car horn outside", rel="event"),
  ])
R(S, "pov: you're a crossing guard at the crosswalk at 8am, kids chattering, you blow your whistle once at 2 sec and hold up the sign, a truck's air brakes hiss at 5 sec",
  None, "crossing guard", ["guard", "viewer", "you"], "crosswalk", 1, [
      C("chattering", None, "kid", V, "crowd", "kids chattering on way to school"),
      C("whistle", 2, "whistle", "metal", "whistle", "crossing guard whistle"),
      C("brakes hiss", 5, "brake", "air", "liquid", "truck air brake hiss"),
  ])
R(S, "POV: you are the DJ at a wedding, bass thumping, you hit the air horn three times at 6 seconds. the whole dance floor screams back",
  None, "dj", ["viewer", "you"], "dance floor", 1, [
      C("bass thumping", None, "speaker", "electronic", "music", "dance music bass"),
      C("air horn", 6, "horn", "electronic", "whistle", "DJ air horn sample", n=3),
      C("screams", None, "crowd", V, "crowd", "dance floor screams", rel="event"),
  ])
R(S, "pov: ur a bee flying into a flower in someone's garden, loud buzzing the whole time. a kid yells 'BEE!' at 3 seconds, then his hand whooshes past you",
  None, "bee", ["viewer", "you"], "garden", 1, [
      C("buzzing", None, "you", V, "vocalisation", "bee buzz close up"),
      C("whooshes", None, "hand", "air", "wind", "hand swat whoosh", rel="event"),
  ], [D("kid", "BEE!")])
R(S, "pov: you're a mail carrier and every dog on the block loses it. a chihuahua yapping behind a fence, a big one barking at 1s, 3s and 5s, the mailbox lid squeaks when you open it",
  None, "mail carrier", ["carrier", "viewer", "you"], "block", 1, [
      C("yapping", None, "chihuahua", V, "vocalisation", "chihuahua yapping"),
      C("barking", 1, "dog", V, "vocalisation", "big dog barking"),
      C("barking", 3, "dog", V, "vocalisation", "big dog barking"),
      C("barking", 5, "dog", V, "vocalisation", "big dog barking"),
      C("lid squeaks", None, "lid", "metal", "scrape", "mailbox lid squeak", rel="event"),
  ])
R(S, "pov: you're a librarian and someone's phone goes off in the quiet room. ringtone blasting at 3 sec. you shush them twice. pages rustling, the old radiator clanks",
  None, "librarian", ["viewer", "you"], "room", 1, [
      C("ringtone", 3, "phone", "electronic", "ring", "ringtone in library"),
      C("shush", None, "you", V, "vocalisation", "librarian shush", rel="event", n=2),
      C("pages rustling", None, "page", "paper", "rustle", "pages rustling"),
      C("radiator clanks", None, "radiator", "metal", "impact", "radiator clank"),
  ])
R(S, "POV: you are a kayaker paddling through a mangrove tunnel, paddle dripping, birds calling, then a gator splashes behind you at 7 seconds. 10 seconds",
  10, "kayaker", ["viewer", "you"], "mangrove tunnel", 1, [
      C("paddle dripping", None, "paddle", "water", "liquid", "kayak paddle drips"),
      C("birds calling", None, "bird", V, "vocalisation", "mangrove birds calling"),
      C("gator splashes", 7, "gator", "water", "liquid", "alligator splash behind"),
  ])
R(S, "pov: you work nights in a toll booth ($3.50 toll). trucks rumbling through, a driver's coins clink into your palm, an old radio playing mariachi low in the booth",
  None, "viewer", ["you", "toll collector", "worker"], "toll booth", 2, [
      C("trucks rumbling", None, "truck", "metal", "motor", "trucks rumbling through toll"),
      C("coins clink", None, "coin", "metal", "impact", "coins into palm"),
      C("mariachi", None, "radio", "electronic", "music", "mariachi on old radio"),
  ])
R(S, "pov: you're a seal on a rock in the harbor and a tour boat chugs past. you bark at it twice, its horn toots back, tourists laughing, waves smashing on the rocks",
  None, "seal", ["viewer", "you"], "harbor", 0, [
      C("chugs", None, "boat", "metal", "motor", "tour boat engine chug"),
      C("bark", None, "you", V, "vocalisation", "seal bark", n=2),
      C("horn toots", None, "horn", "metal", "whistle", "tour boat horn toot", rel="event"),
      C("tourists laughing", None, "tourist", V, "crowd", "tourists laughing on boat"),
      C("waves smashing", None, "wave", "water", "liquid", "waves smashing on rocks"),
  ])
R(S, "pov: ur in the back of a classroom during a test, clock ticking, someone clicking their pen nonstop, then ur stomach growls at 6 sec n everyone hears",
  None, "viewer", ["you", "student"], "classroom", 2, [
      C("clock ticking", None, "clock", "plastic", "mechanical", "classroom wall clock tick"),
      C("clicking", None, "pen", "plastic", "mechanical", "pen clicking"),
      C("stomach growls", 6, "stomach", V, "vocalisation", "stomach growl"),
  ])
R(S, "pov: you're a firefighter sliding down the pole at the station, the alarm blaring, your boots hit the concrete, the engine roaring to life",
  None, "firefighter", ["viewer", "you"], "station", 1, [
      C("alarm blaring", None, "alarm", "electronic", "electronic", "fire station alarm"),
      C("boots hit", None, "boot", "stone", "impact", "boots landing on concrete"),
      C("engine roaring", None, "engine", "metal", "motor", "fire engine roaring to life"),
  ])
R(S, "pov: you're a sheepdog working the flock on a hillside, sheep bleating, the farmer whistles at 3s and again at 8s. you bark once and they all turn",
  None, "sheepdog", ["dog", "viewer", "you"], "hillside", 1, [
      C("sheep bleating", None, "sheep", V, "vocalisation", "sheep bleating"),
      C("whistles", 3, "farmer", "air", "whistle", "shepherd whistle command"),
      C("whistles", 8, "farmer", "air", "whistle", "shepherd whistle command"),
      C("bark", None, "you", V, "vocalisation", "sheepdog single bark", rel="event"),
  ])
R(S, "pov: you're the bride walking down the aisle, organ music swelling, someone's baby fussing in the back row, your heels tapping on the stone floor, your dad sniffling next to you",
  None, "bride", ["viewer", "you"], "aisle", 2, [
      C("organ music", None, "organ", "wood", "music", "wedding organ"),
      C("baby fussing", None, "baby", V, "vocalisation", "baby fussing in church"),
      C("heels tapping", None, "heel", "stone", "footsteps", "heels on stone floor"),
      C("dad sniffling", None, "dad", V, "vocalisation", "dad sniffling"),
  ])
R(S, "pov: you're a ghost in an old house. floorboards creak under nothing, a door slowly squeals open at 5 seconds. the family dog whines at you. 9 sec",
  9, "ghost", ["viewer", "you"], "house", 1, [
      C("floorboards creak", None, "floorboard", "wood", "scrape", "floorboards creaking"),
      C("squeals", 5, "door", "metal", "scrape", "door hinge squeal"),
      C("dog whines", None, "dog", V, "vocalisation", "dog whining at ghost"),
  ])
R(S, "pov: ur a pizza guy on a scooter in Naples, engine buzzing, u honk at a cab that cuts u off and the driver shouts something in italian",
  None, "pizza guy", ["viewer", "you", "delivery guy"], "Naples", 2, [
      C("engine buzzing", None, "engine", "metal", "motor", "scooter engine buzz"),
      C("honk", None, "scooter", "metal", "whistle", "scooter horn honk"),
      C("shouts something in italian", None, "driver", V, "speech", "cab driver shouting", rel="event"),
  ])
R(S, "pov: you're on a rollercoaster going up the first hill, chain clanking, then everyone screaming on the drop at 8 seconds, your friend cackling next to you",
  None, "viewer", ["you", "rider"], "rollercoaster", 2, [
      C("chain clanking", None, "chain", "metal", "mechanical", "coaster lift chain"),
      C("screaming", 8, "everyone", V, "crowd", "riders screaming on drop"),
      C("cackling", 8, "friend", V, "vocalisation", "friend cackling"),
  ])
R(S, "pov: you're turning 7 and the whole family sings happy birthday, you blow out the candles at 9 seconds. everybody claps and cheers and someone toots a party horn. 12 seconds",
  12, "viewer", ["you", "birthday kid", "kid"], None, 1, [
      C("sings happy birthday", None, "family", V, "crowd", "family singing happy birthday"),
      C("blow out the candles", 9, "you", "air", "wind", "blowing out candles"),
      C("claps", None, "everyone", "flesh", "crowd", "family applause", rel="event"),
      C("cheers", None, "everyone", V, "crowd", "family cheers", rel="event"),
      C("party horn", None, "horn", "paper", "whistle", "party horn toot", rel="event"),
  ])

# ---------------------------------------------------------------- multi-sentence
S = "multi_sentence"
R(S, "An old keeper climbs the spiral iron staircase of a lighthouse at night. His boots ring on every step. At the top he winds the clockwork that turns the lamp, and it ticks loudly. Outside, waves crash against the rocks far below and the wind howls around the glass.",
  None, "keeper", ["lighthouse keeper"], "lighthouse", 1, [
      C("boots ring", None, "boot", "metal", "footsteps", "boots on iron stairs"),
      C("ticks", None, "clockwork", "metal", "mechanical", "lighthouse clockwork tick", rel="event"),
      C("waves crash", None, "wave", "water", "liquid", "waves crashing on rocks below"),
      C("wind howls", None, "wind", "air", "wind", "wind howling around lantern"),
  ])
R(S, "A street in Hanoi at rush hour. Hundreds of motorbikes stream past, their horns beeping constantly. A woman sells bánh mì from a cart, splitting baguettes with a cleaver, thwack, thwack. At 6 seconds a cyclo driver rings his bell twice.",
  None, "motorbikes", ["motorbike", "woman"], "street", 2, [
      C("horns beeping", None, "horn", "metal", "whistle", "motorbike horns"),
      C("thwack, thwack", None, "cleaver", "wood", "impact", "cleaver splitting baguettes"),
      C("bell", 6, "bell", "metal", "ring", "cyclo bell", n=2),
  ])
R(S, "Close-up of a pot of tomato sauce simmering on the stove in a small kitchen. It bubbles and pops, spattering the tile behind it. A wooden spoon scrapes the bottom of the pot. The clip should be about eight seconds, with a knock at the back door at five seconds.",
  8, "sauce", ["pot", "tomato sauce"], "kitchen", 0, [
      C("bubbles", None, "sauce", "water", "liquid", "sauce bubbling"),
      C("pops", None, "sauce", "water", "pop", "thick sauce bubble pop"),
      C("spoon scrapes", None, "spoon", "wood", "scrape", "wooden spoon on pot bottom"),
      C("knock", 5, "door", "wood", "impact", "back door knock"),
  ])
R(S, "An elderly man feeds pigeons in a town square. The birds coo and flutter around his feet. A church bell strikes the hour at 3 seconds, and the whole flock takes off at once with a loud clatter of wings. He laughs.",
  None, "man", ["elderly man"], "town square", 1, [
      C("coo", None, "pigeon", V, "vocalisation", "pigeons cooing"),
      C("flutter", None, "pigeon", "air", "wind", "pigeons fluttering"),
      C("bell strikes", 3, "bell", "metal", "ring", "church bell striking hour"),
      C("clatter of wings", 3, "pigeon", "air", "wind", "flock takeoff wing clatter"),
      C("laughs", None, "man", V, "vocalisation", "old man laughing", rel="event"),
  ])
R(S, "A little girl builds a tower of wooden blocks on the living room rug. She places the last block very carefully. At seven seconds the tower wobbles and crashes down. Her little brother bursts out laughing.",
  None, "girl", ["little girl"], "living room", 2, [
      C("crashes", 7, "tower", "wood", "impact", "block tower collapse"),
      C("bursts out laughing", None, "brother", V, "vocalisation", "toddler burst of laughter", rel="event"),
  ])
R(S, "Morning in a rice paddy in Bali. Frogs croak loudly from the water. A farmer wades through the mud, splashing with each step, and a line of ducks follows him, quacking. Somewhere a gamelan is playing faintly.",
  None, "farmer", ["frogs"], "rice paddy", 1, [
      C("Frogs croak", None, "frog", V, "vocalisation", "paddy frogs croaking"),
      C("splashing", None, "farmer", "water", "liquid", "wading splashes"),
      C("quacking", None, "duck", V, "vocalisation", "ducks quacking in line"),
      C("gamelan", None, "gamelan", "metal", "music", "distant gamelan"),
  ])
R(S, "Two players rally on a grass court. The ball pops off the racket strings with every shot. One of them grunts on a hard forehand at 4 seconds. The umpire calls the score, and polite applause follows.",
  None, "players", ["player"], "court", 3, [
      C("pops", None, "ball", "rubber", "impact", "tennis ball off strings"),
      C("grunts", 4, "player", V, "vocalisation", "tennis forehand grunt"),
      C("calls the score", None, "umpire", V, "speech", "umpire calling score"),
      C("applause", None, "crowd", "flesh", "crowd", "polite tennis applause", rel="event"),
  ])
R(S, "The video shows a freight train crossing a bridge over a river. Its wheels clack over the rail joints in a steady rhythm, about once every second. The horn sounds long and low at 10 seconds. The clip lasts twelve seconds.",
  12, "train", ["freight train"], "bridge", 0, [
      C("wheels clack", None, "wheel", "metal", "impact", "rail joint clack", every=1),
      C("horn sounds", 10, "horn", "metal", "whistle", "freight train horn"),
  ])
R(S, "A woman is repotting plants on a sunny balcony. She taps a clay pot to loosen the soil, then snips dead leaves with small scissors. A bee drones around her head. From the next balcony, a neighbor's radio plays jazz.",
  None, "woman", [], "balcony", 1, [
      C("taps", None, "pot", "ceramic", "impact", "clay pot tap"),
      C("snips", None, "scissors", "metal", "mechanical", "scissor snip", rel="event"),
      C("bee drones", None, "bee", V, "vocalisation", "bee droning"),
      C("jazz", None, "radio", "electronic", "music", "neighbour radio jazz"),
  ])
R(S, "An old steam locomotive pulls into a small station. Steam hisses from the pistons, and the conductor calls 'All aboard!' The whistle blows at 9 seconds. Passengers chatter on the platform.",
  None, "locomotive", ["train", "steam locomotive"], "station", 1, [
      C("Steam hisses", None, "piston", "water", "liquid", "locomotive steam hiss"),
      C("whistle blows", 9, "whistle", "metal", "whistle", "steam whistle"),
      C("Passengers chatter", None, "passenger", V, "crowd", "platform chatter"),
  ], [D("conductor", "All aboard!")])
R(S, "Inside a car wash, seen from the driver's seat. Water jets hammer the windshield. Huge brushes slap against the doors and roof. At the very end a blower roars as the car rolls out.",
  None, "jets", ["water jets", "brushes"], "car wash", 0, [
      C("jets hammer", None, "jet", "water", "liquid", "car wash water jets"),
      C("brushes slap", None, "brush", "fabric", "impact", "car wash brushes slapping"),
      C("blower roars", None, "blower", "air", "wind", "car wash dryer blower", rel="end"),
  ])
R(S, "A potter throws a bowl on a wheel in her studio. The wheel hums steadily and the wet clay squelches between her fingers. At 6 seconds her phone rings on the shelf, and she ignores it. The video runs for ten seconds.",
  10, "potter", [], "studio", 1, [
      C("wheel hums", None, "wheel", "metal", "motor", "potter's wheel motor hum"),
      C("clay squelches", None, "clay", "water", "liquid", "wet clay squelch"),
      C("phone rings", 6, "phone", "electronic", "ring", "phone ringing on shelf"),
  ])
R(S, "A group of monks chant in a stone temple. Their low voices echo off the walls. One of them strikes a large gong once, and its hum lingers long after. Incense smoke curls upward.",
  None, "monks", ["monk"], "temple", 1, [
      C("chant", None, "monk", V, "crowd", "monks chanting"),
      C("gong", None, "gong", "metal", "music", "temple gong strike"),
  ])
R(S, "Heavy snow falls on a cabin in the woods. Inside, a fire crackles in the wood stove and a cat sleeps on a quilt. At 4 seconds a clump of snow slides off the roof and lands outside with a heavy whump. The cat's ear twitches.",
  None, "fire", ["cat", "snow"], "cabin", 0, [
      C("fire crackles", None, "fire", "wood", "fire", "wood stove fire crackle"),
      C("whump", 4, "snow", "water", "impact", "snow clump falling off roof"),
  ])
R(S, "Two teenagers race their bikes down a dirt trail in the woods. Gravel sprays and their freewheels tick as they coast. One hits a root at 5 seconds and yells as he goes over the handlebars. His friend skids to a stop, laughing.",
  None, "teenagers", ["teenager", "teens"], "trail", 2, [
      C("Gravel sprays", None, "gravel", "stone", "scrape", "gravel spraying from tires"),
      C("freewheels tick", None, "freewheel", "metal", "mechanical", "bike freewheel ticking", rel="event"),
      C("yells", 5, "teenager", V, "vocalisation", "crash yell"),
      C("skids", None, "bike", "stone", "scrape", "bike skid on dirt", rel="event"),
      C("laughing", None, "friend", V, "vocalisation", "friend laughing at crash", rel="event"),
  ])
R(S, "A canoe glides across a misty lake at dawn. The paddles dip and drip. A loon calls across the water at 3 seconds, and a second loon answers. The woman in the bow whispers to her son to listen.",
  None, "woman", ["canoe", "son"], "lake", 2, [
      C("drip", None, "paddle", "water", "liquid", "canoe paddle drips"),
      C("loon calls", 3, "loon", V, "vocalisation", "loon call across lake"),
      C("loon answers", None, "loon", V, "vocalisation", "answering loon", rel="event"),
      C("whispers to her son", None, "woman", V, "speech", "mother whispering"),
  ])
R(S, "It is a hot afternoon at a public pool. Kids cannonball into the deep end, and each splash is enormous. The snack bar radio plays pop hits. Someone bounces on the diving board, and it thunks and rattles. A mother calls to her son to get out of the water.",
  None, "kids", ["kid"], "pool", 2, [
      C("splash", None, "kid", "water", "liquid", "cannonball splash"),
      C("pop hits", None, "radio", "electronic", "music", "snack bar radio pop"),
      C("thunks", None, "board", "wood", "impact", "diving board thunk", rel="event"),
      C("rattles", None, "board", "metal", "mechanical", "diving board rattle", rel="event"),
      C("calls to her son", None, "mother", V, "speech", "mother calling son out of pool"),
  ])
R(S, "A carpenter marks a board with a pencil and feeds it through a table saw. The saw screams through the wood at 5 seconds. Sawdust flies everywhere. He blows the dust off the blade, and the cut piece drops to the floor with a clatter.",
  None, "carpenter", [], None, 1, [
      C("saw screams", 5, "saw", "metal", "motor", "table saw cutting"),
      C("blows", None, "carpenter", "air", "wind", "blowing sawdust off blade"),
      C("clatter", None, "piece", "wood", "impact", "offcut clattering to floor", rel="event"),
  ])
R(S, "Rain drips from the eaves of a temple garden in Kyoto. A bamboo water fountain slowly fills and knocks against a stone every five seconds. Koi splash in the pond. The clip is fifteen seconds long.",
  15, "rain", ["fountain"], "garden", 0, [
      C("drips", None, "rain", "water", "liquid", "rain dripping from eaves"),
      C("knocks", None, "fountain", "wood", "impact", "shishi-odoshi knock", every=5),
      C("Koi splash", None, "koi", "water", "liquid", "koi splashing in pond"),
  ])

# ---------------------------------------------------------------- non-native
S = "non_native"
R(S, "Please make the video where my grandfather is cutting wood with axe in the village, every hit make big sound, and the dog is barking to him. In 5 second the log is breaking in two.",
  None, "grandfather", ["grandpa"], "village", 1, [
      C("hit", None, "axe", "wood", "impact", "axe chop into log"),
      C("barking", None, "dog", V, "vocalisation", "dog barking at woodcutter"),
      C("breaking", 5, "log", "wood", "break", "log splitting in two"),
  ])
R(S, "I want video: one cat and one dog is fighting for the sofa. The cat is making hiss at 2 second and the dog is barking two times. After, both is sleeping together, very cute.",
  None, "cat", ["dog"], "sofa", 0, [
      C("hiss", 2, "cat", V, "vocalisation", "cat hiss"),
      C("barking", 2, "dog", V, "vocalisation", "dog double bark", n=2),
  ])
R(S, "Make for me a video of market in Marrakech, many people is talking, a man is playing the flute for the snake, motorcycle is passing very loud at 4 seconds. Length 10 second.",
  10, "man", ["people", "snake charmer"], "market", 1, [
      C("talking", None, "people", V, "crowd", "market crowd talking"),
      C("flute", None, "flute", "wood", "music", "snake charmer flute"),
      C("motorcycle", 4, "motorcycle", "metal", "motor", "motorcycle through market"),
  ])
R(S, "Video of the rain forest in morning time, there is many birds singing, the monkeys are screaming on the trees, and when big drop of water fall on the leaf it make tok sound.",
  None, "birds", ["bird", "monkeys"], "rain forest", 0, [
      C("birds singing", None, "bird", V, "vocalisation", "rainforest dawn birdsong"),
      C("screaming", None, "monkey", V, "vocalisation", "monkeys screaming in trees"),
      C("tok", None, "drop", "water", "liquid", "water drop on leaf", rel="event"),
  ])
R(S, "Make video: my son is playing drum in his room, very loud, and the neighbor is knocking the wall three times. My son stop and then he is laughing.",
  None, "son", ["boy"], "room", 1, [
      C("drum", None, "drum", "wood", "music", "kid drumming loud"),
      C("knocking", None, "wall", "stone", "impact", "neighbour knocking on wall", n=3),
      C("laughing", None, "son", V, "vocalisation", "son laughing", rel="event"),
  ])
R(S, "Please, the old tram is coming in the stop in Kraków, bell of tram ring two time at 3 second, then the doors is opening with sound psss, people go inside talking polish language.",
  None, "tram", [], "stop", 0, [
      C("bell", 3, "bell", "metal", "ring", "tram bell", n=2),
      C("psss", None, "door", "air", "liquid", "tram door hiss", rel="event"),
      C("talking", None, "people", V, "crowd", "passengers talking polish"),
  ])
R(S, "I need short clip for my cooking channel: the onion is cutting on the board, knife make tak tak tak, then I put in hot oil and it is sizzling very strong. Total 8 second.",
  8, "knife", ["onion", "cook"], None, 1, [
      C("tak tak tak", None, "knife", "wood", "impact", "knife chopping onion on board"),
      C("sizzling", None, "oil", "water", "liquid", "onion in hot oil", rel="event"),
  ])
R(S, "Video of the wedding in my country Nigeria, the talking drum is playing, the guests is dancing and clapping hands, women doing ululation at 3 second and 6 second.",
  None, "drum", ["talking drum", "guests"], "Nigeria", 0, [
      C("talking drum", None, "drum", "wood", "music", "talking drum"),
      C("clapping hands", None, "guest", "flesh", "crowd", "wedding guests clapping"),
      C("ululation", 3, "woman", V, "crowd", "women ululating"),
      C("ululation", 6, "woman", V, "crowd", "women ululating"),
  ])
R(S, "Please create: a old man is fixing watch in small shop, many clocks is ticking on the wall, at 3 o'clock all of them ring together, but in video make this happen at 5 seconds. He look up and smile.",
  None, "man", ["old man", "watchmaker"], "shop", 1, [
      C("ticking", None, "clock", "wood", "mechanical", "wall clocks ticking"),
      C("ring", 5, "clock", "metal", "ring", "clocks chiming together"),
  ])
R(S, "Make one video how the big waves is crashing on the beach at night, the wind is very strong and far away a fisherman boat engine. No music please.",
  None, "waves", ["wave"], "beach", 0, [
      C("crashing", None, "wave", "water", "liquid", "night waves crashing"),
      C("wind", None, "wind", "air", "wind", "strong beach wind"),
      C("engine", None, "engine", "metal", "motor", "distant fishing boat engine"),
  ])
R(S, "I want a video of children playing football in the street in Brazil, the ball is hitting the garage door at 3 second BANG. Later one child shout goal and a old lady is shouting from window at 9 second.",
  None, "children", ["child", "kids"], "street", 2, [
      C("BANG", 3, "door", "metal", "impact", "ball hitting garage door"),
      C("shout goal", 9, "child", V, "speech", "kid shouting goal"),
      C("shouting", 9, "lady", V, "speech", "old lady scolding from window"),
  ])
R(S, "Could you make video where is a small bird in the cage singing beautiful, then the cat come and the bird is very scared, flapping his wings in cage, the cage is shaking and make metal noise.",
  None, "bird", ["cat"], "cage", 0, [
      C("singing", None, "bird", V, "vocalisation", "caged songbird singing"),
      C("flapping", None, "bird", "air", "wind", "panicked wing flapping", rel="event"),
      C("metal noise", None, "cage", "metal", "mechanical", "rattling birdcage", rel="event"),
  ])
R(S, "A video for my shop, we sell ceramic plates (price 200 rupees). Show the potter putting plates on the shelf, they make click click sound, and at 6 second one plate fall and is breaking. Everybody say ohhh.",
  None, "potter", [], "shop", 1, [
      C("click click", None, "plate", "ceramic", "impact", "plates stacking on shelf"),
      C("breaking", 6, "plate", "ceramic", "break", "ceramic plate breaking"),
      C("say ohhh", None, "everyone", V, "crowd", "group ohhh", rel="event"),
  ])
R(S, "Make video: horse cart on the village road in Romania, the horse is walking clip clop, the wheels making squeak squeak, farmer is singing old song. Please the video long 12 seconds.",
  12, "horse", ["cart"], "road", 1, [
      C("clip clop", None, "horse", "stone", "footsteps", "horse hooves on road"),
      C("squeak squeak", None, "wheel", "wood", "scrape", "cart wheel squeak"),
      C("singing", None, "farmer", V, "vocalisation", "farmer singing folk song"),
  ])
R(S, "I like video where the baby is sleeping and the father try to be quiet, but he step on the toy duck at 4 seconds and it make squeak, baby wake up and crying.",
  None, "father", ["dad", "baby"], None, 2, [
      C("squeak", 4, "duck", "rubber", "scrape", "rubber duck squeak"),
      C("crying", None, "baby", V, "vocalisation", "baby waking crying", rel="event"),
  ])
R(S, "Video of the factory in night time, the machines is pressing metal with BOOM every 2 seconds, the workers wear helmets, one alarm is sounding at 10 seconds. 12 second total.",
  12, "machines", ["machine", "workers"], "factory", 0, [
      C("BOOM", None, "machine", "metal", "impact", "stamping press boom", every=2),
      C("alarm", 10, "alarm", "electronic", "electronic", "factory alarm"),
  ])
R(S, "Please generate: a man opening champagne in the garden at his daughter wedding, the cork go pop at 2 second. Then everybody is cheering and glasses clinking.",
  None, "man", ["father"], "garden", 1, [
      C("pop", 2, "cork", "wood", "pop", "champagne cork pop"),
      C("cheering", None, "everyone", V, "crowd", "wedding guests cheering", rel="event"),
      C("glasses clinking", None, "glass", "glass", "impact", "champagne glasses toast", rel="event"),
  ])
R(S, "Make a video of snow mountain, the skier going down very fast, sound of the skis scratching on the ice, when he jump and land there is big thump, wind blowing all the time.",
  None, "skier", [], "mountain", 1, [
      C("skis scratching", None, "ski", "water", "scrape", "skis scraping ice"),
      C("thump", None, "ski", "water", "impact", "ski jump landing thump", rel="event"),
      C("wind blowing", None, "wind", "air", "wind", "mountain wind"),
  ])
R(S, "I want a video of the classroom in Japan, the teacher write on blackboard with chalk, tik tik sound, when a paper airplane flying the students is laughing. Bell of school ring at the end.",
  None, "teacher", [], "classroom", 1, [
      C("tik tik", None, "chalk", "stone", "impact", "chalk tapping blackboard"),
      C("laughing", None, "student", V, "crowd", "class laughing", rel="event"),
      C("Bell", None, "bell", "metal", "ring", "school bell", rel="end"),
  ])

# ---------------------------------------------------------------- numbers in words
S = "numbers_in_words"
R(S, "A twelve-second clip of a dog waiting at the door. At two seconds keys jingle outside, at four seconds the lock clicks, and the dog starts whining. At six seconds the door opens and the dog barks twice.",
  12, "dog", [], None, 0, [
      C("keys jingle", 2, "key", "metal", "impact", "keys jingling outside door"),
      C("lock clicks", 4, "lock", "metal", "mechanical", "door lock click"),
      C("whining", 4, "dog", V, "vocalisation", "dog excited whine"),
      C("barks", 6, "dog", V, "vocalisation", "dog greeting barks", n=2),
  ])
R(S, "A hot air balloon launch over a field at dawn. The burner roars in long bursts. A crewman shouts to let go of the ropes, and the wicker basket creaks as it lifts off. Total length about eleven seconds.",
  11, "balloon", ["burner", "hot air balloon"], "field", 1, [
      C("burner roars", None, "burner", "air", "fire", "balloon burner roar"),
      C("shouts to let go of the ropes", None, "crewman", V, "speech", "crew launch shout"),
      C("basket creaks", None, "basket", "wood", "scrape", "wicker basket creak", rel="event"),
  ])
R(S, "Three kids on a trampoline, springs squeaking. They bounce in sync and yell one, two, three! at five seconds, then do a seat drop together and land with a big whump. Eight seconds long.",
  8, "kids", ["kid"], "trampoline", 3, [
      C("springs squeaking", None, "spring", "metal", "scrape", "trampoline springs squeak"),
      C("yell one, two, three!", 5, "kid", V, "speech", "kids counting yell"),
      C("whump", None, "trampoline", "fabric", "impact", "trampoline seat drop landing", rel="event"),
  ])
R(S, "A ten-second shot of an old typewriter in a newsroom that looks like nineteen seventy-two. Keys clack fast, the bell dings at four seconds, and the carriage slams back. A phone rings twice at eight seconds.",
  10, "typewriter", ["keys"], "newsroom", 0, [
      C("Keys clack", None, "key", "metal", "mechanical", "typewriter keys clacking"),
      C("bell dings", 4, "bell", "metal", "ring", "typewriter margin bell"),
      C("carriage slams", 4, "carriage", "metal", "impact", "carriage return slam"),
      C("phone rings", 8, "phone", "electronic", "ring", "newsroom desk phone ring", n=2),
  ])
R(S, "Twenty-second clip. A rooster on a fence post crows at one second. Then a farm truck rattles up the dirt drive, and the two farm dogs bark. At fifteen seconds the farmer whistles them over.",
  20, "rooster", [], None, 1, [
      C("crows", 1, "rooster", V, "vocalisation", "rooster crow at dawn"),
      C("truck rattles", None, "truck", "metal", "mechanical", "old farm truck rattle", rel="event"),
      C("bark", None, "dog", V, "vocalisation", "farm dogs barking", rel="event"),
      C("whistles", 15, "farmer", "air", "whistle", "farmer whistling dogs over"),
  ])
R(S, "Fifteen seconds. A woman in her thirties jogs across a wooden footbridge, her sneakers drumming on the planks. Her smartwatch buzzes twice and she slows down to check it, breathing hard. A duck quacks from the water below.",
  15, "woman", ["jogger"], "footbridge", 1, [
      C("sneakers drumming", None, "sneaker", "wood", "footsteps", "sneakers on footbridge planks"),
      C("smartwatch buzzes", None, "smartwatch", "electronic", "electronic", "smartwatch double buzz", n=2),
      C("breathing hard", None, "woman", V, "vocalisation", "jogger breathing hard", rel="event"),
      C("duck quacks", None, "duck", V, "vocalisation", "duck quack below bridge"),
  ])
R(S, "A barbershop quartet harmonizes on a street corner for a few tourists. The bass singer hits a low note that rumbles, and all four snap their fingers in time. One tourist drops a five dollar bill and two quarters into the hat, and the coins clink.",
  None, "quartet", ["singers", "barbershop quartet"], "street corner", 5, [
      C("harmonizes", None, "quartet", V, "vocalisation", "barbershop harmony"),
      C("low note", None, "singer", V, "vocalisation", "bass singer low note"),
      C("snap their fingers", None, "singer", "flesh", "impact", "finger snaps in time"),
      C("coins clink", None, "coin", "metal", "impact", "coins dropped into hat", rel="event"),
  ])
R(S, "Eight seconds, slow motion. A water balloon hits a kid's back at three seconds with a wet SPLAT. His friends scream and scatter. A sprinkler ticks away in the background.",
  8, "balloon", ["water balloon", "kid"], None, 1, [
      C("SPLAT", 3, "balloon", "water", "liquid", "water balloon splat"),
      C("scream", None, "friend", V, "crowd", "friends screaming and scattering", rel="event"),
      C("sprinkler ticks", None, "sprinkler", "plastic", "mechanical", "impact sprinkler ticking"),
  ])
R(S, "Thirty seconds total. A one-man band plays on the boardwalk: the kick drum on his back thumps with every step and a harmonica wails. Cymbals crash at ten seconds and again at twenty. Seagulls squawk overhead.",
  30, "band", ["one-man band", "musician"], "boardwalk", 1, [
      C("thumps", None, "drum", "wood", "music", "one-man band kick drum"),
      C("harmonica wails", None, "harmonica", "metal", "music", "harmonica wail"),
      C("Cymbals crash", 10, "cymbal", "metal", "music", "one-man band cymbal crash"),
      C("Cymbals crash", 20, "cymbal", "metal", "music", "one-man band cymbal crash"),
      C("Seagulls squawk", None, "seagull", V, "vocalisation", "seagulls squawking"),
  ])
R(S, "A six-second loop: a frog sits on a lily pad, croaks once at two seconds, then leaps into the pond with a plop.",
  6, "frog", [], "pond", 0, [
      C("croaks", 2, "frog", V, "vocalisation", "single frog croak"),
      C("plop", None, "frog", "water", "liquid", "frog plop into pond", rel="event"),
  ])
R(S, "Eleven seconds. An auctioneer in a livestock barn rattles off bids at top speed. At four seconds someone in the crowd shouts out two hundred, and at nine seconds the gavel bangs three times. Cattle low in the pens.",
  11, "auctioneer", [], "barn", 1, [
      C("rattles off bids", None, "auctioneer", V, "speech", "auctioneer bid chant"),
      C("shouts out two hundred", 4, "someone", V, "speech", "bidder shouting a bid"),
      C("gavel bangs", 9, "gavel", "wood", "impact", "gavel triple bang", n=3),
      C("Cattle low", None, "cattle", V, "vocalisation", "cattle lowing in pens"),
  ])
R(S, "Seven seconds, macro shot of a dewy spider web. When a fly blunders into the web it buzzes frantically. The spider scuttles over. Starting at four seconds a cricket chirps every half second.",
  7, "fly", ["spider"], None, 0, [
      C("buzzes", None, "fly", V, "vocalisation", "trapped fly buzzing", rel="event"),
      C("cricket chirps", 4, "cricket", V, "vocalisation", "cricket chirping", every=0.5),
  ])
R(S, "Fourteen seconds. Two sumo wrestlers slap their thighs and stamp. At three seconds they charge and collide with a heavy smack. The crowd roars. At ten seconds one is shoved out and falls off the ring edge with a thud.",
  14, "wrestlers", ["wrestler", "sumo wrestlers"], "ring", 2, [
      C("slap", None, "wrestler", "flesh", "impact", "sumo thigh slap"),
      C("stamp", None, "wrestler", "stone", "footsteps", "sumo stamp on clay"),
      C("smack", 3, "wrestler", "flesh", "impact", "sumo collision"),
      C("crowd roars", None, "crowd", V, "crowd", "sumo crowd roar", rel="event"),
      C("thud", 10, "wrestler", "flesh", "impact", "wrestler falling off ring"),
  ])
R(S, "A twenty-second clip. A boy about nine years old practices violin in his bedroom, sawing through the same scale over and over. His sister pokes her head in and yells at him to stop. He sighs and keeps going.",
  20, "boy", [], "bedroom", 2, [
      C("violin", None, "violin", "wood", "music", "beginner violin scales"),
      C("yells at him to stop", None, "sister", V, "speech", "sister yelling at violin practice"),
      C("sighs", None, "boy", V, "vocalisation", "boy sighing", rel="event"),
  ])
R(S, "Ten seconds. A wrecking ball slams into an old brick building at four seconds with a deep boom. Bricks rain down with a long rumble. A site horn blasts twice at eight.",
  10, "wrecking ball", ["ball"], "building", 0, [
      C("boom", 4, "ball", "stone", "impact", "wrecking ball impact"),
      C("rumble", None, "brick", "stone", "impact", "bricks tumbling down", rel="event"),
      C("horn blasts", 8, "horn", "metal", "whistle", "site air horn blasts", n=2),
  ])
R(S, "Thirteen seconds. A street vendor in Bangkok grills pork skewers over charcoal, the coals crackling as she fans them with a paddle. At six seconds fat drips onto the coals and they sizzle loudly. A customer counts out eighty baht.",
  13, "vendor", ["street vendor"], "Bangkok", 2, [
      C("coals crackling", None, "coal", "wood", "fire", "charcoal crackling when fanned", rel="event"),
      C("sizzle", 6, "fat", "water", "liquid", "fat dripping on hot coals"),
  ])
R(S, "Nine seconds. A street magician taps his top hat three times with a wand, then a dove flaps out. The small crowd gasps, then applauds.",
  9, "magician", [], None, 1, [
      C("taps", None, "hat", "fabric", "impact", "wand taps on top hat", n=3),
      C("flaps", None, "dove", "air", "wind", "dove wings flapping", rel="event"),
      C("gasps", None, "crowd", V, "crowd", "street crowd gasp", rel="event"),
      C("applauds", None, "crowd", "flesh", "crowd", "street crowd applause", rel="event"),
  ])
R(S, "Five seconds only. A toaster pops at one second and two slices jump out. At three the dog under the table startles and barks once.",
  5, "toaster", ["dog"], None, 0, [
      C("toaster pops", 1, "toaster", "metal", "mechanical", "toaster pop-up"),
      C("barks", 3, "dog", V, "vocalisation", "startled dog single bark"),
  ])


def main():
    recs = list(RECORDS)
    random.Random(SEED).shuffle(recs)
    with open(OUT, "w", encoding="utf-8") as f:
        for i, r in enumerate(recs, 1):
            r["id"] = "i%03d" % i
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print("wrote %d records to %s" % (len(recs), OUT))


if __name__ == "__main__":
    main()
