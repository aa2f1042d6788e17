"""The prompt stage's vocabulary: phrases people write → plan values.

Each table maps a regular expression (matched case-insensitively on word
boundaries) to a proto enum value. Order matters only where noted; overlapping
matches are resolved by the extractor (longest match wins).
"""

from __future__ import annotations

from cinemesh.v1 import plan_pb2 as p

SHOT_SIZES: list[tuple[str, int]] = [
    (
        r"extreme(?:ly)?[ -]wide(?:[ -]angle)?(?: shot)?|extreme long shot|establishing shot|ultra[ -]wide",
        p.SHOT_SIZE_EXTREME_WIDE,
    ),
    (r"wide(?:[ -]angle)?[ -]shot|wide[ -]angle|long shot|wide view|wide frame|wide,", p.SHOT_SIZE_WIDE),
    (r"full[ -]body(?: shot)?|full[ -]length(?: shot)?|full shot|head[ -]to[ -]toe", p.SHOT_SIZE_FULL),
    (r"medium[ -]wide(?: shot)?|medium shot|mid[ -]shot|waist[ -]up|waist[ -]high|cowboy shot", p.SHOT_SIZE_MEDIUM),
    (r"medium close[ -]?up|chest[ -]up|head[ -]and[ -]shoulders|mcu", p.SHOT_SIZE_MEDIUM_CLOSE_UP),
    (r"close[ -]?ups?|tight shot|tight on|closeup", p.SHOT_SIZE_CLOSE_UP),
    (r"extreme close[ -]?up|extreme closeup|macro(?: shot| lens)?|ecu", p.SHOT_SIZE_EXTREME_CLOSE_UP),
]

CAMERA_MOVEMENTS: list[tuple[str, int]] = [
    (
        r"static(?: shot| camera| frame| wide| close-up)?|locked[ -]off|on a tripod|tripod shot|fixed camera|"
        r"still camera|camera (?:stays|remains|holds) (?:still|static|steady)",
        p.CAMERA_MOVEMENT_STATIC,
    ),
    (
        r"(?:slow |whip |quick )?pan(?:s|ning|ned)?(?: (?:left|right|across|over|along|up|down))?|panoramic sweep",
        p.CAMERA_MOVEMENT_PAN,
    ),
    (r"tilt(?:s|ing|ed)?(?: (?:up|down))?", p.CAMERA_MOVEMENT_TILT),
    (
        r"tracking(?: shot)?|camera (?:tracks|follows|trails)|follow(?:s|ing)? (?:him|her|them|closely|behind)|"
        r"follow[ -](?:cam|shot)|trucking shot|steadicam follows?|tracks (?:him|her|them|alongside)",
        p.CAMERA_MOVEMENT_TRACKING,
    ),
    (
        r"dolly(?:ing)?[ -]in|dollies in|push(?:es|ing)?[ -]in(?:to|wards?)?|zoom(?:s|ing)?[ -]in|slow zoom|"
        r"(?:slowly )?moves? (?:in )?closer|moves in on|creeps? (?:in )?toward|pushes toward",
        p.CAMERA_MOVEMENT_DOLLY_IN,
    ),
    (
        r"dolly(?:ing)?[ -]out|dollies out|pull(?:s|ing)?[ -](?:back|out|away)|zoom(?:s|ing)?[ -]out|"
        r"(?:slowly )?moves? away|backs? away from|retreats? from",
        p.CAMERA_MOVEMENT_DOLLY_OUT,
    ),
    (
        r"crane(?: shot| up| down|s up|s down)?|jib(?: shot)?|rises? (?:up )?above|rising shot|boom up",
        p.CAMERA_MOVEMENT_CRANE,
    ),
    (
        r"drone(?: shot| footage| view)?|aerial(?: shot| view| footage)?|bird'?s[ -]eye(?: view)?|fly[ -]?over|"
        r"flying over|from high above|overhead shot|top[ -]down",
        p.CAMERA_MOVEMENT_AERIAL,
    ),
    (
        r"hand[ -]?held(?: camera| shot)?|shaky(?: cam| camera)?|found[ -]footage|camera shakes",
        p.CAMERA_MOVEMENT_HANDHELD,
    ),
    (
        r"(?:slow |camera |an |the )orbit(?:s|ing|al)?(?: shot| camera| around \w+)?|orbit(?:al)? shot|"
        r"camera (?:\w+ )?orbits?|"
        r"orbit(?:s|ing)? (?:around )?(?:him|her|them|the subject)|circles? around|circling(?: around)?|"
        r"360[ -]degree|arc shot|"
        r"camera circles|spins around (?:him|her|them)",
        p.CAMERA_MOVEMENT_ORBIT,
    ),
]

LOCATIONS: list[tuple[str, int]] = [
    (
        r"neon[ -](?:soaked|drenched|washed|lit|bathed) (?:city|street|alley|district|metropolis|downtown|avenue)s?",
        p.LOCATION_NEON_CITY,
    ),
    (
        r"lounge|(?:roller |ice |skating )?rink|(?:jazz |night|comedy |dance |strip )?club|nightclub|counter|"
        r"inside|recliner|armchair|sofa|couch|bed ?covers|under (?:the|her|his|their) (?:bed|covers|blankets?)|"
        r"windowsill|(?<!flat )\bflat\b(?! tire| cap| white| light| lighting)|exhibition hall|hall|catwalk|runway|"
        r"ramen (?:place|bar|shop)|booth|closet|cramped \w+|stage",
        p.LOCATION_INTERIOR,
    ),
    (r"rain ?forests|forests|woods", p.LOCATION_FOREST),
    (r"deserts", p.LOCATION_DESERT),
    (r"piazza|souk|medina|high street|main street|crossroads", p.LOCATION_CITY_STREET),
    (
        r"underwater|under the sea|under water|beneath the (?:waves|surface)|coral reef|sea ?bed|ocean floor|"
        r"sea floor|kelp forest",
        p.LOCATION_UNDERWATER,
    ),
    (
        r"outer space|in space|deep space|space station|zero[ -]gravity|(?:earth|planet)'?s? orbit|in orbit|"
        r"asteroid(?: belt)?|nebula|galaxy|spaceship|spacecraft|starship|space walk|spacewalk|lunar surface|"
        r"surface of the moon|moon'?s surface|mars surface|surface of mars",
        p.LOCATION_SPACE,
    ),
    (
        r"(?:photo|recording|film|music|dance|art|tv|television|podcast|yoga|pottery|photography) studio|"
        r"studio(?! ghibli| lighting| lights| light| quality)|sound ?stage|vocal booth|recording booth|"
        r"seamless (?:white|grey|gray|black) backdrop|backdrop",
        p.LOCATION_STUDIO,
    ),
    (
        r"cyberpunk(?: city| street| alley)?|neon[ -]lit (?:street|alley|city|district|market|avenue)s?|"
        r"neon (?:city|street|alley|district)s?|blade runner",
        p.LOCATION_NEON_CITY,
    ),
    (
        r"hallway|corridor|kitchen|bedroom|living room|(?:home |corner |small )?office|(?<!chocolate )(?<!candy )"
        r"(?<!granola )(?<!energy )(?<!protein )(?<!soap )\bbar\b(?! of)|pub|tavern|caf[eé](?! terrace)|coffee shop|"
        r"restaurant|diner|library|classroom|church|cathedral|chapel|apartment|attic|basement|cellar|garage|"
        r"warehouse|museum|hospital|elevator|stairwell|staircase|bathroom|lobby|hotel room|train carriage|"
        r"subway car|cabin|indoors|inside (?:a|the|an|his|her|their) \w+|living-room|dining room|ballroom|"
        r"theater|theatre|concert hall|gym|gymnasium|laboratory|\blab\b|factory|workshop|bakery|barbershop|"
        r"salon|shop|store|supermarket|mall|arena|auditorium|hangar|cockpit|car interior|prison cell|"
        r"throne room|dungeon|greenhouse|locker room|server room|newsroom|bookstore|boutique|laundromat|"
        r"nursery|study|den|loft|room|cave|cavern",
        p.LOCATION_INTERIOR,
    ),
    (r"forest|woods|woodland|jungle|rain ?forest|grove|redwoods?|pine trees|birch trees|clearing", p.LOCATION_FOREST),
    (
        r"beach|shore(?:line)?|seaside|coast(?:line|al)?|ocean|(?<!under the )\bsea\b|harbou?r|pier|dock|"
        r"marina|lake(?:side| shore)?|bay|lighthouse|surf(?:ers?|ing)?|boardwalk|waterfront|jetty|tide pools?",
        p.LOCATION_BEACH,
    ),
    (r"desert|sand dunes?|dunes|sahara|canyon|mesa|badlands|salt flats?|oasis", p.LOCATION_DESERT),
    (
        r"mountains?|mountain ?top|peaks?|summit|alpine|alps|himalayas?|ridge(?:line)?|glacier|valley|"
        r"snowy slopes?|ski slope|cliff(?:side|top|s)?|volcano|fjord",
        p.LOCATION_MOUNTAINS,
    ),
    (
        r"street|city|downtown|market(?:place)?|bazaar|plaza|town square|square|sidewalk|alley(?:way)?|"
        r"crosswalk|avenue|boulevard|intersection|rooftop|skyline|subway station|train station|platform|"
        r"metropolis|town|village|neighbou?rhood|food stalls?|street food|caf[eé] terrace|bus stop|parking lot|"
        r"skyscrapers?|traffic|harajuku|times square|shibuya",
        p.LOCATION_CITY_STREET,
    ),
    (
        r"field|meadow|farm(?:land)?|countryside|prairie|pasture|wheat|grassland|vineyard|orchard|park|"
        r"rolling hills|hillside|hills|savann?ah|garden|backyard|lawn|sunflowers|lavender|tulips|ranch|barn",
        p.LOCATION_FIELD,
    ),
]

TIMES_OF_DAY: list[tuple[str, int]] = [
    (r"dawn|sunrise|daybreak|first light|early morning|crack of dawn|sun rises|sun rising", p.TIME_OF_DAY_DAWN),
    (
        r"morning|midday|noon|afternoon|daytime|broad daylight|sunny day|during the day|mid-?day|lunch ?time|"
        r"bright day|in the day",
        p.TIME_OF_DAY_DAY,
    ),
    (r"sunset|golden hour|sundown|setting sun|sun sets|sun setting|late afternoon sun", p.TIME_OF_DAY_SUNSET),
    (r"dusk|twilight|blue hour|evening|nightfall", p.TIME_OF_DAY_DUSK),
    (
        r"night(?:time)?|midnight|after dark|moonlit|moonlight|starry sky|starlit|under the stars|tonight|"
        r"late at night|nocturnal|night sky",
        p.TIME_OF_DAY_NIGHT,
    ),
]

WEATHERS: list[tuple[str, int]] = [
    (r"clear (?:blue )?sky|clear skies|cloudless|sunny|clear day|bright sunshine|blue skies?", p.WEATHER_CLEAR),
    (
        r"rain(?:s|ing|y|drops?|fall|soaked|-soaked| falls| pours)?|drizzle|drizzling|downpour|pouring rain|"
        r"wet (?:streets?|pavement|asphalt)|puddles|monsoon|showers",
        p.WEATHER_RAIN,
    ),
    (r"snow(?:s|ing|y|fall|flakes|storm|-covered| covered)?|blizzard|flurries|sleet", p.WEATHER_SNOW),
    (r"fog(?:gy)?|fog-?bound|mist(?:y)?|haze|hazy|smog", p.WEATHER_FOG),
    (r"thunder ?storm|storm(?:y)?|lightning|tempest|hurricane|gale", p.WEATHER_STORM),
]

LIGHTINGS: list[tuple[str, int]] = [
    (r"neon[ -](?:soaked|drenched|washed|bathed)", p.LIGHTING_NEON),
    (r"lit by (?:a )?(?:single |lone |flickering )?candles?|a single candle|candle", p.LIGHTING_CANDLELIGHT),
    (r"natural light(?:ing)?|daylight|sunlight|sunlit|sun-drenched|soft window light|window light", p.LIGHTING_NATURAL),
    (
        r"golden[ -]hour(?: light(?:ing)?)?|golden light|warm golden|golden glow|low sun|warm sunset light",
        p.LIGHTING_GOLDEN_HOUR,
    ),
    (r"overcast|gr[ae]y (?:light|sky|skies|day)|cloudy|diffused? light|flat light|cloud cover", p.LIGHTING_OVERCAST),
    (
        r"moonlight|moonlit|lit by (?:street ?lamps|streetlights)|street ?lights?|lamplight|dim(?:ly)? lit|"
        r"darkness|low[ -]key lighting",
        p.LIGHTING_NIGHT,
    ),
    (r"neon(?:[ -]lit| lights?| signs?| glow| glowing| reflections)?|rgb lights", p.LIGHTING_NEON),
    (
        r"studio light(?:s|ing)?|softbox(?:es)?|three[ -]point lighting|key light|ring ?light|rim light|"
        r"strobe|beauty dish|high[ -]key lighting",
        p.LIGHTING_STUDIO,
    ),
    (
        r"candle ?light|candle-?lit|candles|firelight|lantern light|by the fire(?:place)?'?s? glow|torchlight",
        p.LIGHTING_CANDLELIGHT,
    ),
]

STYLES: list[tuple[str, int]] = [
    (
        r"cinematic|epic|blockbuster|anamorphic|(?:shot on )?35 ?mm(?: film)?|movie[ -]like|film look|hollywood|"
        r"widescreen|letterbox(?:ed)?",
        p.VISUAL_STYLE_CINEMATIC,
    ),
    (r"documentary|docu[ -]?style|nature doc|bbc earth|observational|reportage|vlog", p.VISUAL_STYLE_DOCUMENTARY),
    (
        r"photo[ -]?realistic|hyper[ -]?realistic|hyper[ -]?real|ultra[ -]?realistic|lifelike|true[ -]to[ -]life|"
        r"8k|realistic",
        p.VISUAL_STYLE_HYPER_REALISTIC,
    ),
    (r"anime|cel[ -]shaded|studio ghibli|ghibli|manga|cartoon|animated|hand[ -]drawn animation", p.VISUAL_STYLE_ANIME),
    (r"film noir|noir|black[ -]and[ -]white|black & white|monochrome|b&w", p.VISUAL_STYLE_NOIR),
    (
        r"vintage|16 ?mm|super ?8|film grain|grainy film|retro|19[0-9]0s|[5-9]0s|vhs|old film|sepia|"
        r"home movie|archival|faded film|kodachrome|technicolor",
        p.VISUAL_STYLE_VINTAGE_FILM,
    ),
]

# Main verbs → action kind. The first one after the subject is the shot's action.
ACTIONS: list[tuple[str, int]] = [
    (
        r"(?:plays?|playing|practi[cs]es|practi[cs]ing|performs?|performing|finishes|improvises?) (?:on )?"
        r"(?:the |a |an |his |her |their )?(?:[\w-]+ ){0,2}(?:guitar|piano|violin|drums?|saxophone|sax|cello|"
        r"trumpet|flute|harp|ukulele|accordion|banjo|bass|harmonica|keys|organ|solo|melody|tune|song|concerto|"
        r"chords?|riff|sonata|instrument)s?|fiddles?|bows? (?:the|her|his) (?:violin|cello)",
        p.ACTION_KIND_PLAY_INSTRUMENT,
    ),
    (
        r"speeds? (?:through|past|down|along)|(?:on|astride) (?:a|his|her) (?:motorbike|motorcycle|bike|scooter)",
        p.ACTION_KIND_DRIVE,
    ),
    (r"lands? on|landing on|flaps?|flapping|swoops?", p.ACTION_KIND_FLY),
    (r"takes? a (?:big |small )?bite|munch(?:es|ing)|chews?|chewing", p.ACTION_KIND_EAT),
    (r"clash(?:es)? swords|cross swords|battles?|battling|brawls?", p.ACTION_KIND_FIGHT),
    (
        r"fries|frying|coils?|coiling|copies|copying|fits?|fitting|plates?|plating|slices?|slicing|"
        r"flips? (?:pancakes|burgers|eggs)|flipping|picks? (?:apples|grapes|flowers|berries|tea)|picking|"
        r"shoots? (?:portraits|photos|pictures|a photo)|photographs?|photographing|films?|filming|"
        r"hangs? (?:laundry|a picture)|scrubs?|scrubbing|mops?|mopping|irons?|ironing|prunes?|pruning|grinds?|"
        r"grinding|whisks?|whisking|peels?|peeling|sands?|sanding|solders?|soldering|draws?|drawing|signs?|"
        r"signing|counts?|counting|unloads?|mixes|mixing|decorates?|decorating|wraps?|wrapping|unwraps?",
        p.ACTION_KIND_WORK,
    ),
    (
        r"opens? (?:the|a|his|her|their) (?:front |back |heavy |old |wooden |creaky )?(?:door|gate)|"
        r"push(?:es)? open (?:the|a) door|swings? (?:the )?door open|opening (?:the|a) door",
        p.ACTION_KIND_OPEN_DOOR,
    ),
    (
        r"plays? (?:the|a|an|his|her) (?:\w+ )?(?:guitar|piano|violin|drums|saxophone|cello|trumpet|flute|harp|"
        r"ukulele|accordion|banjo|bass)|playing (?:the|a|an|his|her) (?:\w+ )?(?:guitar|piano|violin|drums|"
        r"saxophone|cello|trumpet|flute|harp|ukulele|accordion|banjo|bass)|strums?|strumming|drumming",
        p.ACTION_KIND_PLAY_INSTRUMENT,
    ),
    (
        r"walk(?:s|ing)?|strolls?|strolling|wanders?|wandering|strides?|striding|march(?:es|ing)|paces?|pacing|"
        r"hikes?|hiking|steps? (?:out|into|forward|through|onto|inside)|crosses|crossing|trudges?|trudging|limps?|"
        r"tiptoes?|tiptoeing|struts?|strutting|leads? (?:a|the|his|her) \w+|strolls|ambles?|saunters?|shuffles?|"
        r"descends? the stairs|climbs? the stairs|marches",
        p.ACTION_KIND_WALK,
    ),
    (
        r"runs?|running|sprints?|sprinting|jogs?|jogging|races?|racing|dash(?:es|ing)|chases?|chasing|flees|"
        r"fleeing|rushes|rushing",
        p.ACTION_KIND_RUN,
    ),
    (
        r"sits?|sitting|seated|sat|perched|kneels?|kneeling|lounges?|lounging|rocks in (?:his|her|their|a) "
        r"(?:\w+ )?chair|squats?|crouch(?:es|ing)?",
        p.ACTION_KIND_SIT,
    ),
    (
        r"talks?|talking|speaks?|speaking|says|saying|tells|telling|chats?|chatting|whispers?|whispering|"
        r"shouts?|shouting|yells?|yelling|asks?|asking|argues?|arguing|explains?|explaining|calls? out|"
        r"announces?|replies|answers?|laughs?|laughing|mutters?|screams?|screaming|sings?|singing|"
        r"addresses|interviews?|pleads?|confesses|jokes?",
        p.ACTION_KIND_TALK,
    ),
    (
        r"turns?(?: (?:around|back|toward|towards|to face|to look|to the))?|turning|spins? around|whirls? around",
        p.ACTION_KIND_TURN,
    ),
    (
        r"danc(?:e|es|ing)|twirls?|twirling|pirouettes?|waltz(?:es|ing)?|breakdanc\w*|spins?|spinning",
        p.ACTION_KIND_DANCE,
    ),
    (r"wav(?:es|ing) (?:at|to|goodbye|hello|back|her|his|a)|waving|wave[sd]? goodbye", p.ACTION_KIND_WAVE),
    (
        r"jump(?:s|ing)?|leaps?|leaping|hops?|hopping|bounces?|vaults?|dives? off|cannonballs?|breach(?:es|ing)|"
        r"backflips?|somersaults?|(?:slam )?dunks?|flips? (?:over|off|into)|skips? rope",
        p.ACTION_KIND_JUMP,
    ),
    (
        r"looks?|looking|gazes?|gazing|stares?|staring|watches|watching|peers?|peering|glances?|glancing|"
        r"observes?|observing|scans?|scanning|reads?|reading|studies|examines?|inspects?",
        p.ACTION_KIND_LOOK,
    ),
    (
        r"drives?|driving|rides?|riding|cycles?|cycling|pedals?|steers?|skateboards?|skates?|skating",
        p.ACTION_KIND_DRIVE,
    ),
    (
        r"fl(?:y|ies|ying)|soars?|soaring|glides?|gliding|hovers?|hovering|floats?|floating|drifts?|drifting",
        p.ACTION_KIND_FLY,
    ),
    (r"swims?|swimming|dives?|diving|paddles?|paddling|surfs?|surfing|snorkel\w*", p.ACTION_KIND_SWIM),
    (
        r"eats?|eating|drinks?|drinking|sips?|sipping|bites? into|tastes?|tasting|feasts?|devours?|slurps?",
        p.ACTION_KIND_EAT,
    ),
    (
        r"fights?|fighting|punch(?:es|ing)|spars?|sparring|duels?|dueling|wrestles?|wrestling|kicks?|swordfight",
        p.ACTION_KIND_FIGHT,
    ),
    (
        r"types?|typing|cooks?|cooking|mends?|mending|paints?|painting|writes?|writing|repairs?|repairing|"
        r"works?|working|builds?|building|sews?|sewing|kneads?|kneading|chops?|chopping|stirs?|stirring|"
        r"fixes|fixing|sketches|sketching|carves?|carving|welds?|welding|hammers?|hammering|plants?|planting|"
        r"waters?|sweeps?|sweeping|pours?|pouring|brews?|brewing|bakes?|baking|assembles?|polishes?|"
        r"arranges?|arranging|folds?|folding|knits?|knitting|serves?|serving|sorts?|sorting|cleans?|cleaning|"
        r"stacks?|stacking|loads?|loading|digs?|digging|harvests?|harvesting|juggles?|juggling|ties?|tying|"
        r"adjusts?|adjusting|feeds?|feeding|packs?|packing|lights? (?:a|the)|tends?|tending",
        p.ACTION_KIND_WORK,
    ),
    (
        r"stands?|standing|waits?|waiting|sleeps?|sleeping|lies|lying|rests?|resting|leans?|leaning|poses?|"
        r"posing|sways?|swaying|breathes?|smiles?|smiling|nods?|blinks?|pauses?|stands still|sits still|"
        r"cries|crying|weeps?|hugs?|hugging|embraces?|kisses?|holds?|holding|carries|carrying|hangs?|"
        r"grazes?|grazing|sniffs?|sniffing|stretches|stretching|yawns?|blooms?|glows?|burns?|burning|"
        r"shines?|sparkles?|flickers?|bobs?|rolls? in|crash(?:es|ing)|sits idle|rests? on|stands? on",
        p.ACTION_KIND_IDLE,
    ),
]

# People who can be characters: head nouns, with the gender the word carries.
PEOPLE: dict[str, str] = {
    **{
        w: "male"
        for w in (
            "man",
            "boy",
            "father",
            "dad",
            "grandfather",
            "grandpa",
            "son",
            "brother",
            "husband",
            "gentleman",
            "guy",
            "king",
            "prince",
            "monk",
            "priest",
            "businessman",
            "policeman",
            "fisherman",
            "cowboy",
            "waiter",
            "uncle",
            "groom",
            "boyfriend",
            "nephew",
            "sir",
            "lumberjack",
            "sheriff",
            "wizard",
            "old-timer",
            "schoolboy",
            "fireman",
            "salesman",
            "craftsman",
            "cameraman",
            "watchman",
            "postman",
            "mailman",
            "doorman",
            "barman",
            "chairman",
            "sportsman",
            "repairman",
            "handyman",
            "frontman",
        )
    },
    **{
        w: "female"
        for w in (
            "woman",
            "girl",
            "mother",
            "mom",
            "mum",
            "grandmother",
            "grandma",
            "daughter",
            "sister",
            "wife",
            "lady",
            "queen",
            "princess",
            "nun",
            "businesswoman",
            "policewoman",
            "waitress",
            "ballerina",
            "witch",
            "aunt",
            "bride",
            "girlfriend",
            "niece",
            "actress",
            "heroine",
            "schoolgirl",
            "fisherwoman",
            "cowgirl",
            "saleswoman",
            "madam",
            "hostess",
            "stewardess",
            "landlady",
            "housewife",
            "seamstress",
        )
    },
    **{
        w: ""
        for w in (
            "child",
            "kid",
            "baby",
            "toddler",
            "teenager",
            "teen",
            "person",
            "chef",
            "cook",
            "detective",
            "astronaut",
            "soldier",
            "doctor",
            "nurse",
            "teacher",
            "student",
            "dancer",
            "musician",
            "guitarist",
            "pianist",
            "singer",
            "violinist",
            "drummer",
            "cellist",
            "saxophonist",
            "trumpeter",
            "farmer",
            "knight",
            "pirate",
            "samurai",
            "ninja",
            "worker",
            "bartender",
            "barista",
            "driver",
            "pilot",
            "captain",
            "sailor",
            "surfer",
            "skater",
            "skateboarder",
            "cyclist",
            "runner",
            "jogger",
            "hiker",
            "climber",
            "painter",
            "artist",
            "photographer",
            "journalist",
            "reporter",
            "scientist",
            "engineer",
            "mechanic",
            "officer",
            "firefighter",
            "guard",
            "thief",
            "robber",
            "stranger",
            "traveler",
            "traveller",
            "tourist",
            "vendor",
            "merchant",
            "shopkeeper",
            "baker",
            "butcher",
            "tailor",
            "blacksmith",
            "librarian",
            "professor",
            "boxer",
            "athlete",
            "lifeguard",
            "diver",
            "swimmer",
            "gymnast",
            "dj",
            "rapper",
            "vlogger",
            "influencer",
            "presenter",
            "host",
            "explorer",
            "archaeologist",
            "warrior",
            "hunter",
            "shepherd",
            "gardener",
            "potter",
            "carpenter",
            "janitor",
            "clerk",
            "cashier",
            "student",
            "skier",
            "snowboarder",
            "referee",
            "coach",
            "player",
            "fighter",
            "spy",
            "agent",
            "model",
            "actor",
            "comedian",
            "poet",
            "writer",
            "author",
            "mayor",
            "senator",
            "chief",
            "healer",
            "sorcerer",
            "mage",
            "elder",
            "villager",
            "passenger",
            "commuter",
            "customer",
            "patient",
            "surgeon",
            "paramedic",
            "courier",
            "rider",
            "biker",
            "beekeeper",
            "florist",
            "grocer",
            "street performer",
            "busker",
            "magician",
            "clown",
            "acrobat",
            "juggler",
            "conductor",
            "composer",
            "designer",
            "architect",
            "programmer",
            "hacker",
            "gamer",
            "teenager",
            "adult",
            "senior",
            "veteran",
            "nomad",
            "monarch",
            "emperor",
            "investigator",
            "lawyer",
            "judge",
        )
    },
}
PEOPLE.update(
    dict.fromkeys(
        (
            "manager",
            "critic",
            "motorcyclist",
            "sprinter",
            "trumpeter",
            "harpist",
            "watchmaker",
            "burglar",
            "guide",
            "newlywed",
            "chauffeur",
            "ranger",
            "stylist",
            "editor",
            "intern",
            "tenant",
            "neighbor",
            "neighbour",
            "bandit",
            "cop",
            "medic",
            "scout",
            "wrestler",
            "snorkeler",
            "flutist",
            "bassist",
            "accordionist",
        ),
        "",
    )
)
PEOPLE.update(
    dict.fromkeys(
        (
            "keeper",
            "sergeant",
            "recruit",
            "caver",
            "birdwatcher",
            "tenor",
            "soprano",
            "carrier",
            "grandchild",
            "gunslinger",
            "anchor",
            "anchorwoman",
            "anchorman",
            "newsreader",
            "ranger",
            "lumberjack",
            "trucker",
            "astronomer",
            "sheriff",
            "deputy",
            "cadet",
            "pilgrim",
            "monk",
            "sculptor",
            "weaver",
            "glassblower",
            "fishmonger",
            "bellhop",
            "porter",
            "concierge",
            "valet",
            "bouncer",
            "mechanic",
            "miner",
            "welder",
            "plumber",
            "electrician",
            "chemist",
            "botanist",
            "biologist",
            "zookeeper",
            "vet",
            "veterinarian",
            "dentist",
            "pharmacist",
            "therapist",
            "mourner",
            "widow",
            "orphan",
            "teen",
            "skydiver",
            "paraglider",
            "kayaker",
            "rower",
            "fencer",
            "archer",
            "jockey",
            "matador",
            "rancher",
            "herder",
            "cowhand",
            "bard",
            "minstrel",
            "jester",
            "heir",
            "duke",
            "duchess",
            "baron",
            "lord",
            "lady",
            "sultan",
            "pharaoh",
            "grandson",
            "granddaughter",
            "stepmother",
            "stepfather",
            "roommate",
            "classmate",
            "coworker",
            "colleague",
            "boss",
            "employee",
            "intern",
            "apprentice",
            "mentor",
            "mourner",
            "protester",
            "hitchhiker",
            "drifter",
            "vagabond",
            "hobo",
            "beggar",
            "refugee",
            "immigrant",
            "soldier",
            "marine",
            "general",
            "admiral",
            "commander",
            "lieutenant",
            "ranger",
            "sniper",
            "medic",
            "surgeon",
        ),
        "",
    )
)
PEOPLE.update(
    {
        "groom": "male",
        "priestess": "female",
        "widow": "female",
        "grandson": "male",
        "granddaughter": "female",
        "anchorwoman": "female",
        "anchorman": "male",
        "duchess": "female",
        "duke": "male",
        "stepmother": "female",
        "stepfather": "male",
        "lord": "male",
        "tenor": "male",
        "soprano": "female",
    }
)
# A people word right before one of these is a modifier ("a sailor uniform", "a grandfather clock").
PEOPLE_MODIFIED = (
    r"uniform|suit|costume|outfit|hat|cap|clock|bear|cat|dog|duck|hen|bird|whale|lion|elephant|"
    r"wolf|deer|horse|ship|board|boat|figurine|doll|statue|mannequin|tongue|nature|earth|land|ant|"
    r"bee|goose|robot|ship|station|school|desk|chair|fish|shark|sauce|language|card|account|"
    r"seat|glove|badge|car|truck|mask|coat|logo|drone|role|figure|mode|tree|plant|cell|board"
)
PEOPLE_PLURALS = {
    "men": "man",
    "women": "woman",
    "boys": "boy",
    "girls": "girl",
    "children": "child",
    "kids": "kid",
    "sisters": "sister",
    "brothers": "brother",
    "friends": "friend",
    "twins": "twin",
    "dancers": "dancer",
    "soldiers": "soldier",
    "teenagers": "teenager",
    "musicians": "musician",
    "strangers": "stranger",
    "astronauts": "astronaut",
    "detectives": "detective",
    "chefs": "chef",
    "students": "student",
    "people": "person",
    "travelers": "traveler",
    "lovers": "lover",
    "siblings": "sibling",
    "hikers": "hiker",
    "surfers": "surfer",
    "workers": "worker",
    "players": "player",
    "fighters": "fighter",
}
PEOPLE.update({"friend": "", "twin": "", "lover": "", "sibling": "", "partner": "", "couple": ""})
NUMBERS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "both": 2,
    "a pair of": 2,
    "a couple of": 2,
    "2": 2,
    "3": 3,
    "4": 4,
    "5": 5,
}
# Groups are extras, never characters.
CROWD_WORDS = (
    r"crowd|crowds|people|audience|passers-?by|pedestrians|shoppers|onlookers|spectators|fans|extras|"
    r"commuters|tourists|villagers|a group of|dozens of|hundreds of|many|several|some"
)

SPEECH_VERBS: dict[str, int] = {
    "says": p.DELIVERY_NORMAL,
    "said": p.DELIVERY_NORMAL,
    "say": p.DELIVERY_NORMAL,
    "asks": p.DELIVERY_NORMAL,
    "asked": p.DELIVERY_NORMAL,
    "replies": p.DELIVERY_NORMAL,
    "replied": p.DELIVERY_NORMAL,
    "tells": p.DELIVERY_NORMAL,
    "told": p.DELIVERY_NORMAL,
    "answers": p.DELIVERY_NORMAL,
    "adds": p.DELIVERY_NORMAL,
    "explains": p.DELIVERY_NORMAL,
    "announces": p.DELIVERY_NORMAL,
    "remarks": p.DELIVERY_NORMAL,
    "declares": p.DELIVERY_NORMAL,
    "jokes": p.DELIVERY_NORMAL,
    "laughs": p.DELIVERY_NORMAL,
    "sighs": p.DELIVERY_NORMAL,
    "continues": p.DELIVERY_NORMAL,
    "responds": p.DELIVERY_NORMAL,
    "begins": p.DELIVERY_NORMAL,
    "insists": p.DELIVERY_NORMAL,
    "pleads": p.DELIVERY_NORMAL,
    "promises": p.DELIVERY_NORMAL,
    "warns": p.DELIVERY_NORMAL,
    "admits": p.DELIVERY_NORMAL,
    "calls": p.DELIVERY_SHOUT,
    "mutters": p.DELIVERY_WHISPER,
    "whispers": p.DELIVERY_WHISPER,
    "whispered": p.DELIVERY_WHISPER,
    "murmurs": p.DELIVERY_WHISPER,
    "breathes": p.DELIVERY_WHISPER,
    "shouts": p.DELIVERY_SHOUT,
    "shouted": p.DELIVERY_SHOUT,
    "yells": p.DELIVERY_SHOUT,
    "yelled": p.DELIVERY_SHOUT,
    "screams": p.DELIVERY_SHOUT,
    "exclaims": p.DELIVERY_SHOUT,
    "cries": p.DELIVERY_SHOUT,
    "bellows": p.DELIVERY_SHOUT,
    "hollers": p.DELIVERY_SHOUT,
    "roars": p.DELIVERY_SHOUT,
    "sings": p.DELIVERY_SING,
    "sang": p.DELIVERY_SING,
    "hums": p.DELIVERY_SING,
    "saying": p.DELIVERY_NORMAL,
    "asking": p.DELIVERY_NORMAL,
    "calling": p.DELIVERY_SHOUT,
    "whispering": p.DELIVERY_WHISPER,
    "murmuring": p.DELIVERY_WHISPER,
    "muttering": p.DELIVERY_WHISPER,
    "shouting": p.DELIVERY_SHOUT,
    "yelling": p.DELIVERY_SHOUT,
    "screaming": p.DELIVERY_SHOUT,
    "singing": p.DELIVERY_SING,
    "chanting": p.DELIVERY_SING,
    "snaps": p.DELIVERY_NORMAL,
    "chants": p.DELIVERY_SING,
}

SOUND_EVENTS: list[tuple[str, int]] = [
    (r"slams? shut|slammed shut|slam of (?:a|the) door", p.SOUND_EVENT_DOOR_SLAM),
    (
        r"flock of (?:\w+ )?birds (?:\w+ )?(?:bursts?|takes? off|scatters?|flies up|erupts?|lifts? off)|"
        r"birds (?:scatter|take off|burst)\w*|squawk\w*",
        p.SOUND_EVENT_BIRDS,
    ),
    (
        r"(?:ambulance|car|truck|bus|motorcycle|motorbike|taxi|van|train|police car|fire truck) (?:\w+ )?"
        r"(?:speeds|roars|races|zooms|rushes|drives|whizzes|thunders|screams) (?:past|by)",
        p.SOUND_EVENT_CAR_PASS,
    ),
    (r"paper rustl\w+|rustling (?:of )?(?:the )?paper|turns? (?:each|every|the) pages?", p.SOUND_EVENT_PAPER_RUSTLE),
    (
        r"(?:glass|window|windowpane|vase|bottle|mirror|plate|cup|mug|wine glass|jar|bowl|dish|tumbler|lamp|"
        r"pane|chandelier|teacup|glasses)e?s? (?:\w+ )?(?:shatters?|smash(?:es)?|breaks?|crash(?:es)?|explodes?|"
        r"cracks?)|shatter(?:s|ing|ed)?|smash(?:es|ing)? (?:a|the|his|her) (?:\w+ )?(?:glass|window|vase|bottle|"
        r"plate|mirror|cup|mug)|breaking glass|glass breaking|drops? (?:a|the|her|his) (?:\w+ )?(?:glass|plate|"
        r"vase|cup|mug|bottle)(?! of)",
        p.SOUND_EVENT_GLASS_SHATTER,
    ),
    (
        r"footsteps?|footfalls?|(?:heels|boots|shoes|sneakers) (?:click|clack|crunch|squeak|thud|clatter|echo)\w*|"
        r"steps (?:echo|crunch|creak)\w*|clicking heels|crunching (?:gravel|snow|leaves) underfoot",
        p.SOUND_EVENT_FOOTSTEPS,
    ),
    (
        r"door (?:slams?|bangs?) shut|doors? slams?|slams? (?:the|a) (?:\w+ )?door|slamming (?:the |a )?door|"
        r"door slamming",
        p.SOUND_EVENT_DOOR_SLAM,
    ),
    (
        r"knocks? (?:on|at) (?:the|a) (?:\w+ )?door|knock(?:s|ing)? on the door|knock at the door|"
        r"knock(?:ing)? (?:three times|twice|loudly|softly)|a knock|knocking",
        p.SOUND_EVENT_DOOR_KNOCK,
    ),
    (
        r"door creaks?|creak(?:s|ing|y)? open|creaking (?:door|gate|floorboards?|hinges)|creaks|hinges creak",
        p.SOUND_EVENT_DOOR_CREAK,
    ),
    (r"thunder(?:clap)?(?: (?:cracks?|rumbles?|roars?|booms?|claps?|crashes))?|clap of thunder", p.SOUND_EVENT_THUNDER),
    (
        r"explo(?:sion|des|ding)(?! out of| off the| into (?:a )?(?:sprint|laughter|applause|color|colour))|"
        r"blast|detonat\w+|blows up|bomb goes off|kaboom|fireworks? (?:burst|explode|pop)",
        p.SOUND_EVENT_EXPLOSION,
    ),
    (
        r"gun ?shots?|gun ?fire|gun goes off|shots? (?:rings?|rang|echo(?:es)?|fired|cracks?)|fires? (?:a|his|her|"
        r"the) (?:gun|pistol|rifle|revolver|shotgun)|pistol shot|rifle (?:shot|crack)|starting pistol",
        p.SOUND_EVENT_GUNSHOT,
    ),
    (
        r"splash(?:es|ing)?|(?:dives?|jumps?|falls?|plunges?|cannonballs?) into (?:the )?(?:water|pool|lake|sea|"
        r"river|ocean|pond)|belly flop",
        p.SOUND_EVENT_SPLASH,
    ),
    (
        r"car (?:passes|drives past|zooms (?:by|past)|speeds (?:by|past)|whooshes (?:by|past)|roars (?:by|past)|"
        r"rushes (?:by|past)|races (?:by|past))|passing car|cars? (?:rush|race|zoom|whizz?|whoosh) (?:by|past)|"
        r"(?:truck|bus|motorcycle|taxi) (?:passes|roars past|rumbles past|drives past)",
        p.SOUND_EVENT_CAR_PASS,
    ),
    (
        r"engine (?:roars?|revs?|starts?|rumbles?|idles?|sputters?|growls?|turns over|coughs)|revs? (?:the|his|her) "
        r"engine|motor (?:roars|starts|whirs|hums)|ignition|starts the (?:car|engine|motorcycle)",
        p.SOUND_EVENT_ENGINE,
    ),
    (
        r"crowd (?:cheers|roars|erupts|goes wild)|cheering crowd|cheers erupt|fans cheer|(?:the )?crowd cheering|"
        r"cheers? (?:from|of) the crowd|roar of the crowd",
        p.SOUND_EVENT_CROWD_CHEER,
    ),
    (r"applause|applaud(?:s|ing)?|claps?|clapping|round of applause|standing ovation", p.SOUND_EVENT_APPLAUSE),
    (
        r"bells? (?:rings?|tolls?|chimes?|clangs?)|church bells?|doorbell|rings? (?:a|the) bell|bell tolls|"
        r"tolling bells?|chiming bells?|bicycle bell|bell chimes|ringing bell|bell rings",
        p.SOUND_EVENT_BELL,
    ),
    (
        r"(?:phone|cellphone|smartphone|telephone|mobile) (?:rings?|buzzes|vibrates|starts ringing)|"
        r"ringing (?:phone|telephone)|ringtone|phone ringing",
        p.SOUND_EVENT_PHONE_RING,
    ),
    (
        r"typing|types? (?:furiously|quickly|away|on (?:a|the|her|his) (?:\w+ )?(?:keyboard|laptop|typewriter))|"
        r"keyboard clack\w*|clack(?:ing|s)? (?:of )?(?:the )?keys|typewriter (?:keys )?clack\w*|keys clack",
        p.SOUND_EVENT_TYPING,
    ),
    (r"(?:dog|puppy|hound) (?:\w+ )?barks?|barking|barks|woofs?", p.SOUND_EVENT_DOG_BARK),
    (
        r"birds? (?:sing|chirp|tweet|call)\w*|birdsong|chirping|seagulls? (?:cry|call|squawk)\w*|crows? caw\w*|"
        r"owl hoots?|rooster crows?|songbirds",
        p.SOUND_EVENT_BIRDS,
    ),
    (r"gusts? of wind|wind gusts?|sudden gust|gusts?", p.SOUND_EVENT_WIND_GUST),
    (
        r"fire crackles?|crackling (?:fire|fireplace|campfire|flames|logs|embers)|campfire crackles|"
        r"crackle of (?:the )?(?:fire|flames)|flames crackle|crackles?",
        p.SOUND_EVENT_FIRE_CRACKLE,
    ),
    (r"heart ?beats?|heart (?:pounds|pounding|thumps|racing|thuds)|pounding heart", p.SOUND_EVENT_HEARTBEAT),
    (r"whoosh(?:es|ing)?|swoosh(?:es)?(?! logo)|woosh|zips? past|whizz(?:es)? past|swish(?:es)?", p.SOUND_EVENT_WHOOSH),
    (
        r"(?:car )?horns? (?:honks?|blares?|beeps?|blasts?)|honks?|honking|beeps? (?:the|his|her) horn|"
        r"horn blares",
        p.SOUND_EVENT_CAR_HORN,
    ),
    (r"sirens?|ambulance wails|police car wails", p.SOUND_EVENT_SIREN),
    (r"clock (?:ticks?|ticking)|ticking (?:clock|of the clock)|tick[ -]tock|clock strikes", p.SOUND_EVENT_CLOCK_TICK),
    (r"meows?|meowing|cat (?:meows|mews|purrs|hisses)|purrs?|purring", p.SOUND_EVENT_CAT_MEOW),
    (
        r"drips?|dripping|droplets? (?:fall|drip)|faucet drips|water drips|leaky (?:faucet|tap)",
        p.SOUND_EVENT_WATER_DRIP,
    ),
    (
        r"rustl(?:es|ing|e) (?:of )?(?:the )?(?:paper|papers|pages|newspaper|map|letter|envelope)|pages? "
        r"(?:rustle|flutter|turn)\w*|flips? (?:through )?(?:the )?pages|paper rustles|turns? (?:the|a) page|"
        r"unfolds? (?:a|the) (?:map|letter|newspaper)|crumples? (?:a|the) (?:paper|letter|note)",
        p.SOUND_EVENT_PAPER_RUSTLE,
    ),
]

SURFACES: dict[str, str] = {
    "tile": "tile",
    "tiles": "tile",
    "tiled": "tile",
    "gravel": "gravel",
    "wood": "wood",
    "wooden": "wood",
    "floorboards": "wood",
    "hardwood": "wood",
    "marble": "marble",
    "concrete": "concrete",
    "snow": "snow",
    "sand": "sand",
    "metal": "metal",
    "steel": "metal",
    "carpet": "carpet",
    "grass": "grass",
    "stone": "stone",
    "cobblestone": "cobblestone",
    "cobblestones": "cobblestone",
    "cobbled": "cobblestone",
    "leaves": "leaves",
    "puddles": "water",
    "water": "water",
    "asphalt": "asphalt",
    "pavement": "pavement",
    "dirt": "dirt",
    "mud": "mud",
    "ice": "ice",
    "glass": "glass",
    "linoleum": "linoleum",
    "brick": "brick",
    "porcelain": "tile",
    "granite": "stone",
    "ceramic": "tile",
}

AMBIENCES: list[tuple[str, int]] = [
    (
        r"rain(?:s|ing|fall|drops| falls| pours| patter\w*| drum\w*)?|drizzle|downpour|pouring rain|rainy|"
        r"rainstorm|thunderstorm|storm",
        p.AMBIENCE_KIND_RAIN,
    ),
    (
        r"traffic|busy street|honking cars|city noise|street noise|rush hour|cars (?:pass|rush|honk)\w*|"
        r"distant cars",
        p.AMBIENCE_KIND_TRAFFIC,
    ),
    (
        r"crowd(?:ed|s)?|bustling|busy market|chatter(?:ing)?|murmur of (?:voices|the crowd)|people chatting|"
        r"hubbub|throngs?|packed (?:bar|room|market|stadium)|cheering fans|festival",
        p.AMBIENCE_KIND_CROWD,
    ),
    (
        r"forest sounds|rustling leaves|leaves rustl\w*|birdsong|forest ambience|jungle sounds|woodland sounds",
        p.AMBIENCE_KIND_FOREST,
    ),
    (r"waves|surf|ocean|sea breeze|lapping water|tide|crashing waves|the sea", p.AMBIENCE_KIND_OCEAN),
    (
        r"wind (?:howls?|whistles?|blows|whips|moans)|howling wind|windy|whistling wind|breeze|blowing wind|"
        r"windswept|gale",
        p.AMBIENCE_KIND_WIND,
    ),
    (
        r"room tone|quiet room|hum of (?:the )?(?:fridge|refrigerator|air conditioner|fluorescent lights?)|"
        r"humming fridge|silent room|ticking of a quiet",
        p.AMBIENCE_KIND_ROOM_TONE,
    ),
    (r"crickets?|cicadas?|insects? (?:buzz|chirp)\w*|frogs? croak\w*|night insects", p.AMBIENCE_KIND_NIGHT_INSECTS),
    (
        r"(?:spaceship|spacecraft|starship|station|engine|reactor|ship'?s?) hum(?:s|ming)?|hum of the "
        r"(?:ship|spaceship|station|engines?|reactor)|humming engines",
        p.AMBIENCE_KIND_SPACESHIP_HUM,
    ),
]

MUSIC_WORDS = r"music|score|soundtrack|track|beat|melody|tune|song|bgm|instrumental|theme"
NO_MUSIC = (
    r"no music|without music|no score|no soundtrack|no background music|silent film|without a score|"
    r"no bgm|music-free|no instrumental"
)
MOODS = (
    "tense",
    "upbeat",
    "melancholic",
    "melancholy",
    "romantic",
    "epic",
    "calm",
    "eerie",
    "playful",
    "triumphant",
    "dreamy",
    "sad",
    "happy",
    "dark",
    "hopeful",
    "mysterious",
    "suspenseful",
    "uplifting",
    "somber",
    "sombre",
    "gentle",
    "joyful",
    "nostalgic",
    "ominous",
    "peaceful",
    "energetic",
    "cheerful",
    "haunting",
    "moody",
    "soothing",
    "whimsical",
    "heroic",
    "dramatic",
    "relaxed",
    "chill",
    "soft",
    "bittersweet",
    "warm",
    "intense",
    "serene",
    "spooky",
    "funky",
    "quirky",
    "inspiring",
    "lonely",
    "frantic",
    "mellow",
    "festive",
    "menacing",
    "tender",
    "sweeping",
    "driving",
    "pulsing",
    "brooding",
)
GENRES = (
    "jazz",
    "orchestral",
    "electronic",
    "synthwave",
    "synth",
    "lo-fi",
    "lofi",
    "rock",
    "piano",
    "ambient",
    "hip hop",
    "hip-hop",
    "classical",
    "folk",
    "country",
    "blues",
    "techno",
    "house",
    "edm",
    "pop",
    "acoustic",
    "string quartet",
    "strings",
    "choir",
    "choral",
    "cello",
    "guitar",
    "bossa nova",
    "reggae",
    "funk",
    "soul",
    "metal",
    "punk",
    "opera",
    "trap",
    "drum and bass",
    "dubstep",
    "chiptune",
    "8-bit",
    "flamenco",
    "tango",
    "waltz",
    "gospel",
    "r&b",
    "swing",
    "big band",
    "bluegrass",
    "celtic",
    "taiko",
    "marching band",
    "mariachi",
    "salsa",
    "disco",
    "trip-hop",
    "ukulele",
    "violin",
    "harp",
    "brass",
    "synthesizer",
    "orchestra",
    "symphonic",
    "minimalist",
    "cinematic",
)

# Acoustic classes: phrases that name the room the audio must sound like.
ACOUSTICS: list[tuple[str, int]] = [
    (
        r"over the (?:phone|radio|intercom|walkie-?talkie|speakerphone)|on the phone|phone call|"
        r"through (?:the|a) (?:phone|radio|walkie-?talkie|intercom|speaker)|voicemail|walkie-?talkie|"
        r"intercom|radio transmission|speakerphone",
        p.ACOUSTIC_CLASS_PHONE,
    ),
    (r"underwater|under water|beneath the surface|submerged", p.ACOUSTIC_CLASS_UNDERWATER),
    (
        r"behind (?:a|the) (?:closed |locked |shut )?(?:door|wall)|through (?:a|the) (?:closed |locked |thin )?"
        r"(?:door|wall)|muffled|from the next room|next room|other side of the (?:door|wall)",
        p.ACOUSTIC_CLASS_BEHIND_DOOR,
    ),
    (
        r"sound[ -]?(?:dampened|deadened|proofed|proof)|acoustically (?:treated|dead)|vocal booth|recording booth|"
        r"dead room|anechoic|foam-lined|padded (?:room|booth)|treated studio|dry studio|recording studio|"
        r"podcast studio",
        p.ACOUSTIC_CLASS_STUDIO,
    ),
    (
        r"echo(?:ing|ey|y|es)? (?:hallway|corridor|stairwell|tunnel|staircase|passage)|"
        r"(?:hallway|corridor|stairwell|tunnel|staircase)s?(?: that)? echo\w*|echoes? (?:down|through|along) "
        r"(?:the|a) (?:hallway|corridor|stairwell|tunnel)|hallway|corridor|stairwell|tunnel|staircase",
        p.ACOUSTIC_CLASS_HALLWAY,
    ),
    (
        r"cathedral|church|chapel|cave|cavern|basilica|temple|crypt|mosque|great hall|vaulted",
        p.ACOUSTIC_CLASS_CATHEDRAL,
    ),
    (
        r"inside (?:a|the|his|her|their) (?:\w+ )?(?:car|van|truck|taxi|closet|elevator|cockpit|phone booth|"
        r"wardrobe|tent)|in (?:a|the|his|her) (?:parked )?car|car interior|closet|elevator|phone booth|cockpit|"
        r"cramped|tiny room",
        p.ACOUSTIC_CLASS_SMALL_ENCLOSURE,
    ),
    (
        r"stadium|arena|warehouse|concert hall|gymnasium|\bgym\b|hangar|auditorium|ballroom|train station hall|"
        r"atrium|airport terminal|convention hall|factory floor|parking garage",
        p.ACOUSTIC_CLASS_LARGE_HALL,
    ),
    (r"outdoors?|open field|in the open|open air|open-air|under the open sky|wide open", p.ACOUSTIC_CLASS_OUTDOOR),
    (
        r"(?:small |tiny |cozy |cosy |quiet )?(?:bed)?room|office|bedroom|kitchen|living room|apartment|"
        r"classroom|study|bathroom|diner|caf[eé]|bar|restaurant|library|shop|bakery|attic|basement",
        p.ACOUSTIC_CLASS_ROOM,
    ),
]

#: (rt60 seconds, high-pass Hz, low-pass Hz, level dB) per class.
ACOUSTIC_PARAMETERS: dict[int, tuple[float, float, float, float]] = {
    p.ACOUSTIC_CLASS_OUTDOOR: (0.05, 0.0, 0.0, 0.0),
    p.ACOUSTIC_CLASS_ROOM: (0.45, 0.0, 0.0, 0.0),
    p.ACOUSTIC_CLASS_HALLWAY: (1.4, 0.0, 0.0, 0.0),
    p.ACOUSTIC_CLASS_STUDIO: (0.15, 0.0, 0.0, 0.0),
    p.ACOUSTIC_CLASS_CATHEDRAL: (4.0, 0.0, 0.0, 0.0),
    p.ACOUSTIC_CLASS_BEHIND_DOOR: (0.5, 0.0, 700.0, -12.0),
    p.ACOUSTIC_CLASS_PHONE: (0.1, 300.0, 3400.0, -3.0),
    p.ACOUSTIC_CLASS_UNDERWATER: (0.3, 0.0, 500.0, -6.0),
    p.ACOUSTIC_CLASS_SMALL_ENCLOSURE: (0.12, 0.0, 0.0, 0.0),
    p.ACOUSTIC_CLASS_LARGE_HALL: (2.2, 0.0, 0.0, 0.0),
}

# Safety. Phrases are kept clinical; matching is on whole words.
SEXUAL = (
    r"sexuali[sz]\w*|"
    r"nude|nudity|naked|topless|porn\w*|explicit sex\w*|sex scene|having sex|sexual(?:ly)?(?: explicit)?|"
    r"erotic\w*|strip ?tease|stripper|genitals?|orgasm\w*|nsfw|lewd|fetish\w*|x-rated|undress(?:es|ing)? "
    r"(?:seductively|for the camera)|intercourse|lingerie (?:shoot|striptease)"
)
MINORS = (
    r"child(?:ren)?|kids?|minors?|underage|teen(?:ager|age)?s?|schoolgirls?|schoolboys?|little (?:girl|boy)s?|"
    r"young (?:girl|boy)s?|(?:1[0-7]|[1-9])[- ]year[- ]olds?|preteens?|toddlers?|infants?|babies|baby|"
    r"high school(?:er|ers)?|middle school\w*|loli\w*"
)
VIOLENCE_GORE = (
    r"gore|gory|decapitat\w+|dismember\w+|disembowel\w+|behead\w+|mutilat\w+|entrails|guts spill\w*|"
    r"spilling guts|blood (?:spray|spurt|gush)\w*|bloodbath|tortur\w+|severed (?:head|limb|arm|leg|hand)s?|"
    r"graphic (?:violence|murder|killing|death|injury|wound)s?|massacre\w*|slaughter\w* (?:of )?"
    r"(?:people|civilians|villagers|children|prisoners)|brutal(?:ly)? (?:murder|stab|beat)\w*|"
    r"stab\w* (?:\w+ )?repeatedly|skull (?:crushed|shattered|split)|flayed|impaled|eviscerat\w+|"
    r"execution-style|mass shooting|shoots? (?:\w+ )?in the head|blood everywhere|pool of blood"
)
SELF_HARM = (
    r"cut(?:s|ting)? (?:his|her|their|my) (?:own )?(?:arms?|wrists?|legs?|skin|thighs?)|"
    r"suicid\w*|kill(?:s|ing|ed)? (?:him|her|them|my|your)sel(?:f|ves)|self[- ]harm\w*|"
    r"cut(?:s|ting)? (?:him|her|them|my)sel(?:f|ves)|(?:cuts|slits?|slitting) (?:his|her|their|my) wrists?|"
    r"hang(?:s|ing)? (?:him|her|them)sel(?:f|ves)|overdos\w+|end(?:s|ing)? (?:his|her|their|my) (?:own )?life|"
    r"takes? (?:his|her|their) own life|jumps? off (?:a|the) (?:bridge|building|roof)(?: to die)?"
)
HATE = (
    r"exterminat\w+|(?:jews|jewish people|muslims|black people|immigrants|refugees|gay people|[a-z]+ people) "
    r"(?:as|are) (?:rats|vermin|cockroaches|animals|insects|parasites)|"
    r"racial slurs?|ethnic slurs?|homophobic slurs?|slurs? at|white power|white supremac\w+|"
    r"nazi (?:propaganda|rally|salute|flag)s?|heil hitler|\bkkk\b|ku klux|genocide|inferior race|subhuman|"
    r"hate speech|antisemit\w+|ethnic cleansing|race war|gas the|master race|hate rally|"
    r"(?:mock|mocks|mocking|demean\w*|dehumaniz\w*) (?:\w+ )?(?:immigrants|muslims|jews|black people|"
    r"gay people|refugees|minorities)"
)
COPYRIGHTED = (
    r"mickey mouse|minnie mouse|donald duck|goofy|spider-?man|batman|superman|wonder woman|iron man|"
    r"captain america|the hulk|incredible hulk|darth vader|yoda|luke skywalker|stormtroopers?|"
    r"harry potter|hermione granger|pikachu|pok[eé]mon|super mario|mario and luigi|luigi|"
    r"sonic the hedgehog|princess elsa|elsa from frozen|shrek|homer simpson|bart simpson|the simpsons|"
    r"spongebob|scooby-?doo|winnie the pooh|buzz lightyear|woody from toy story|hello kitty|"
    r"james bond|gandalf|frodo|optimus prime|the joker|deadpool|wolverine|baby yoda|grogu|"
    r"minions?|totoro|goku|naruto|sailor moon|captain jack sparrow|indiana jones|lara croft|"
    r"master chief|kermit the frog|the muppets|garfield|snoopy|bugs bunny|tom and jerry|"
    r"peppa pig|paw patrol|transformers|avengers|coca-?cola|pepsi|nike(?: logo| swoosh)?|adidas|"
    r"mcdonald'?s|starbucks|disney|marvel|lego|gucci|louis vuitton|red bull|rolex|ferrari logo|"
    r"apple logo|google logo|batmobile|lightsaber|hogwarts"
)
PUBLIC_FIGURES = (
    r"taylor swift|elon musk|barack obama|michelle obama|donald trump|joe biden|kamala harris|"
    r"vladimir putin|xi jinping|emmanuel macron|king charles|queen elizabeth|pope francis|"
    r"pope leo|beyonc[eé]|rihanna|kim kardashian|tom cruise|brad pitt|leonardo dicaprio|"
    r"scarlett johansson|keanu reeves|oprah(?: winfrey)?|bill gates|mark zuckerberg|jeff bezos|"
    r"lionel messi|cristiano ronaldo|lebron james|serena williams|greta thunberg|narendra modi|"
    r"justin bieber|ariana grande|billie eilish|dwayne johnson|morgan freeman|zendaya|"
    r"timoth[eé]e chalamet|harry styles|lady gaga|ed sheeran|bad bunny|shakira|kanye west|"
    r"angela merkel|boris johnson|rishi sunak|keir starmer|volodymyr zelensk[yi]y?|zelensky|"
    r"tom hanks|meryl streep|sam altman|jensen huang|tim cook|warren buffett|snoop dogg|"
    r"kylie jenner|selena gomez|dua lipa|the weeknd|travis scott|nicki minaj|jennifer lopez|"
    r"margot robbie|ryan gosling|ryan reynolds|chris hemsworth|robert downey jr\.?|will smith|"
    r"prince harry|meghan markle|prince william|kate middleton|usain bolt|roger federer|"
    r"rafael nadal|novak djokovic|michael jordan|kobe bryant|neymar|kylian mbapp[eé]"
)
