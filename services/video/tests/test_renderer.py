"""The embedded renderer honours the plan: exact frames, cuts, events, camera, environment, style, characters."""

from __future__ import annotations

import itertools
from functools import cache

import numpy as np
import pytest
import torch

from cinemesh.prompt.planner import plan
from cinemesh.v1 import common_pb2
from cinemesh.v1 import plan_pb2 as p
from cinemesh.video import events, render

RATES = {"plus": 16, "pro": 40}
W, H = 320, 180


def small(scene_plan: common_pb2.ScenePlan, width: int = W, height: int = H) -> common_pb2.ScenePlan:
    scene_plan.format.width, scene_plan.format.height = width, height
    return scene_plan


def make(
    prompt: str = "", seconds: float = 2.0, storyboard: list[tuple[str, float]] | None = None, fps: int = 24
) -> common_pb2.ScenePlan:
    spec = common_pb2.GenerationSpec(prompt=prompt, fps=fps)
    if storyboard:
        for text, duration in storyboard:
            spec.storyboard.add(prompt=text, duration_seconds=duration)
    else:
        spec.duration_seconds = seconds
    return small(plan(spec, "pro", 5, RATES))


def _render(scene_plan: common_pb2.ScenePlan) -> tuple[np.ndarray, dict]:
    batches, faces = [], {}
    for _, batch, batch_faces in render.frames(scene_plan, on_device=torch.device("cpu")):
        batches.append(batch.numpy())
        for cid, face_frames in batch_faces.items():
            faces.setdefault(cid, []).extend(face_frames)
    return np.concatenate(batches), faces


@cache
def frames_of(key: str) -> tuple[np.ndarray, dict]:
    return _render(PLANS[key])


# Ten plans that together cover every location, time of day, weather, lighting, style, movement and event.
PLANS = {
    "city_day_pan": make("A wide shot of a busy city street market at noon, slow pan, documentary style.", 1.5),
    "neon_rain_track": make(
        "A woman walks through a neon-lit cyberpunk street at night in the rain. Tracking shot, "
        "cinematic. A glass shatters at 0.8 s.",
        1.5,
    ),
    "hallway_dolly": make(
        "An old man stands in an echoing hallway, candlelit. Slow dolly in. Film noir. The door slams at 0.6 s.", 1.5
    ),
    "studio_static": make(
        "Medium shot of a dancer dancing in a photo studio, studio lighting, static camera, hyper-realistic.", 1.0
    ),
    "forest_crane_fog": make("A hiker in a foggy forest at dawn, crane up, vintage 16mm film grain.", 1.5),
    "beach_orbit_splash": make(
        "A boy on a beach at sunset, the camera orbits around him, anime style. A splash at 0.5 s.", 1.5
    ),
    "desert_aerial": make("Drone shot over a desert at midday, clear sky, cinematic.", 1.0),
    "mountain_storm_tilt": make("A lone climber on snowy mountains in a storm, tilt up. Thunder at 0.5 s.", 1.5),
    "space_static": make("A spaceship drifting in outer space near a planet, static, hyper-realistic.", 1.0),
    "field_snow_handheld": make("Two kids wave in a snowy field at dusk, handheld camera, documentary.", 1.0),
    "underwater_overcast": make("Underwater, a diver swims over a coral reef, overcast light, tracking shot.", 1.0),
    "storyboard_cuts": make(
        storyboard=[
            ("Wide shot of a harbour at dawn, a fisherman mends a net.", 7.0),
            ("Close-up of the fisherman at night, static.", 4.5),
            ("A forest in fog, slow pan.", 4.0),
        ]
    ),
}


@pytest.mark.parametrize("key", list(PLANS))
def test_frame_count_size_and_cuts_are_exact(key: str) -> None:
    scene_plan = PLANS[key]
    frames, _ = frames_of(key)
    assert frames.shape == (scene_plan.format.frame_count, H, W, 3) and frames.dtype == np.uint8
    if scene_plan.cut_frames:
        jumps = np.abs(np.diff(frames.astype(np.int16), axis=0)).mean(axis=(1, 2, 3))
        # the k largest frame-to-frame jumps are exactly the k planned cuts
        biggest = sorted(int(i) + 1 for i in np.argsort(jumps)[-len(scene_plan.cut_frames) :])
        assert biggest == list(scene_plan.cut_frames)


@pytest.mark.parametrize("key", [k for k in PLANS if PLANS[k].sound_cues])
def test_visible_events_start_exactly_on_their_cue_frame(key: str) -> None:
    scene_plan = PLANS[key]
    frames, _ = frames_of(key)
    jumps = _block_jumps(frames)
    visible = [c for c in scene_plan.sound_cues if render.visible_kind(c)]
    assert visible
    for cue in visible:
        spike = jumps[cue.frame - 1]  # change from frame-1 to the cue frame
        before = jumps[max(0, cue.frame - 6) : cue.frame - 1]
        # objects fall and doors swing before their impact, so it stands out of them by a margin, not a ratio
        assert spike > float(np.median(before)) + 20, (
            key,
            cue.frame,
            spike,
            before,
        )
        assert int(np.argmax(jumps[max(0, cue.frame - 6) : cue.frame + 1])) + max(0, cue.frame - 6) == cue.frame - 1


def _block_jumps(frames: np.ndarray, block: int = 16) -> np.ndarray:
    """Largest mean change of any 16×16 block between consecutive frames: a local event stands out of rain."""
    diff = np.abs(np.diff(frames.astype(np.int16), axis=0)).mean(axis=-1)
    f, h, w = diff.shape
    blocks = diff[:, : h // block * block, : w // block * block].reshape(f, h // block, block, w // block, block)
    return blocks.mean(axis=(2, 4)).max(axis=(1, 2))


def test_rendering_is_deterministic() -> None:
    key = "neon_rain_track"
    assert np.array_equal(_render(PLANS[key])[0], frames_of(key)[0])  # a second, independent render


def _shift(a: np.ndarray, b: np.ndarray) -> int:
    """Horizontal displacement of band b relative to band a (cross-correlating column profiles)."""
    pa, pb = a.mean(axis=(0, 2)), b.mean(axis=(0, 2))
    pa, pb = pa - pa.mean(), pb - pb.mean()
    corr = np.correlate(pb, pa, mode="full")
    return int(np.argmax(corr)) - (len(pa) - 1)


def _camera(movement: str) -> tuple[int, int, int, int]:
    """(sky/far shift, ground shift, left-half shift, right-half shift) between the first and a later frame."""
    scene_plan = make(f"A wide shot of a city street at noon, {movement}, documentary.", 1.0)
    frames, _ = _render(scene_plan)
    a, b = frames[0].astype(float), frames[8].astype(float)
    # the horizon sits at 0.62 of the frame: above the nearer buildings only the far skyline shows
    far = _shift(a[int(H * 0.08) : int(H * 0.2)], b[int(H * 0.08) : int(H * 0.2)])  # skyline (depth 10)
    near = _shift(a[int(H * 0.75) : int(H * 0.9)], b[int(H * 0.75) : int(H * 0.9)])  # street level (depth 2.5)
    left = _shift(a[:, : W // 2], b[:, : W // 2])
    right = _shift(a[:, W // 2 :], b[:, W // 2 :])
    return far, near, left, right


def test_camera_motion_differs_by_movement_as_a_real_camera_would() -> None:
    static, pan, track, dolly, orbit = (
        _camera(m) for m in ("static camera", "slow pan", "tracking shot", "dolly in", "the camera orbits around her")
    )
    assert static[:2] == (0, 0)
    # pan: rotation, everything moves together
    assert abs(pan[0]) >= 3 and abs(pan[0] - pan[1]) <= 2
    # tracking: translation, the ground (near) moves clearly more than the skyline (far): parallax
    assert abs(track[1]) > 1.5 * abs(track[0]) and abs(track[1]) >= 4
    # dolly in: no sideways drift in the middle, but the halves spread apart
    assert dolly[2] < 0 < dolly[3]
    # orbit around the subject: what is behind it and what is in front of it move in opposite directions
    assert orbit[0] * orbit[1] < 0
    print(
        f"\nshift px (far, near, left, right): static {static}, pan {pan}, tracking {track}, dolly {dolly}, "
        f"orbit {orbit}"
    )


def _stats(frames: np.ndarray) -> np.ndarray:
    f = frames.astype(float) / 255
    saturation = f.max(axis=-1) - f.min(axis=-1)
    return np.array(
        [
            *f.mean(axis=(0, 1, 2)),
            f.std(),
            saturation.mean(),
            np.abs(np.diff(f, axis=2)).mean() * 4,
            f[:, : H // 3].mean(),
            f[:, -H // 3 :].mean(),
        ]
    )


def test_every_environment_and_style_pair_is_distinguishable_by_image_statistics() -> None:
    locations = [v for v in p.Location.values() if v]
    env_stats = {}
    for location in locations:
        scene_plan = make("A wide shot, static.", 0.25)
        scene_plan.shots[0].environment.location = location
        env_stats[location] = _stats(_render(scene_plan)[0])
    for a, b in itertools.combinations(locations, 2):
        assert np.linalg.norm(env_stats[a] - env_stats[b]) > 0.03, (p.Location.Name(a), p.Location.Name(b))
    styles = [v for v in p.VisualStyle.values() if v]
    style_stats = {}
    for style in styles:
        scene_plan = make("A wide shot of a forest at noon, static.", 0.25)
        scene_plan.shots[0].style.style = style
        style_stats[style] = _stats(_render(scene_plan)[0])
    for a, b in itertools.combinations(styles, 2):
        assert np.linalg.norm(style_stats[a] - style_stats[b]) > 0.01, (p.VisualStyle.Name(a), p.VisualStyle.Name(b))


def test_neon_light_tints_the_character() -> None:
    lit = {}
    for lighting in (p.LIGHTING_NATURAL, p.LIGHTING_NEON):
        scene_plan = make("Full shot of a woman standing in a photo studio, static.", 0.25)
        scene_plan.shots[0].environment.lighting = lighting
        frames, faces = _render(scene_plan)
        face = next(iter(faces.values()))[0]
        box = frames[
            0, int(face.box_y1) : int(face.box_y1 + (face.box_y1 - face.box_y0)), int(face.box_x0) : int(face.box_x1)
        ].astype(float)
        lit[lighting] = box.reshape(-1, 3).mean(axis=0)
    natural, neon = lit[p.LIGHTING_NATURAL], lit[p.LIGHTING_NEON]
    # magenta neon: green drops relative to red and blue
    assert neon[1] / (neon[0] + neon[2]) < 0.8 * natural[1] / (natural[0] + natural[2])


def _descriptor(frame: np.ndarray, plate: np.ndarray, face: common_pb2.FaceFrame) -> np.ndarray:
    """Colour histogram of the character's pixels, found from the pixels alone.

    The figure is segmented by its difference from a clean plate (the same shot rendered without
    characters) inside a box around the tracked face, then described by a 6×6×6 RGB histogram of its interior pixels
    compared with the Bhattacharyya coefficient. Clothing, skin and hair colours are what stay constant
    for one character across poses, actions and shot sizes, while two characters differ in them.
    """
    fw, fh = face.box_x1 - face.box_x0, face.box_y1 - face.box_y0
    x0, x1 = max(0, int(face.box_x0 - 1.2 * fw)), min(W, int(face.box_x1 + 1.2 * fw))
    # head and torso: what every framing from a full shot to a medium close-up shows
    y0, y1 = max(0, int(face.box_y0)), min(H, int(face.box_y1 + 2.0 * fh))
    region, clean = frame[y0:y1, x0:x1].astype(int), plate[y0:y1, x0:x1].astype(int)
    figure = np.abs(region - clean).sum(axis=-1) > 40
    # interior pixels only: anti-aliased edges mix in the background and scale with the framing
    figure[1:-1, 1:-1] &= figure[:-2, 1:-1] & figure[2:, 1:-1] & figure[1:-1, :-2] & figure[1:-1, 2:]
    pixels = region[figure]
    hist, _ = np.histogramdd(pixels, bins=(6, 6, 6), range=((0, 256),) * 3)
    return np.sqrt(hist.ravel() / max(1, hist.sum()))


def test_a_character_looks_the_same_in_every_shot_and_unlike_another() -> None:
    scene_plan = make(
        storyboard=[
            ("Full shot of a fisherman standing in a photo studio, static.", 4.0),
            ("Full shot of the fisherman waving in a photo studio, static.", 4.0),
            ("Medium shot of the fisherman talking in a photo studio, static.", 4.0),
            ("Full shot of a young woman dancing in a photo studio, static.", 4.0),
        ]
    )
    frames, faces = _render(scene_plan)
    plate_plan = common_pb2.ScenePlan()
    plate_plan.CopyFrom(scene_plan)
    for shot in plate_plan.shots:
        del shot.character_ids[:]
    plate, _ = _render(plate_plan)
    fisherman = next(c.id for c in scene_plan.characters if "fisherman" in c.description)
    woman = next(c.id for c in scene_plan.characters if "woman" in c.description)
    mid = [(s.start_frame + s.end_frame) // 2 for s in scene_plan.shots]

    def described(cid: str, shot: int) -> np.ndarray:
        face = next(f for f in faces[cid] if f.frame == mid[shot])
        return _descriptor(frames[mid[shot]], plate[mid[shot]], face)

    standing, waving, medium = (described(fisherman, k) for k in range(3))
    other = described(woman, 3)
    same = float(standing @ waving)  # another shot and another action, same framing
    reframed = float(standing @ medium)  # another shot, action and framing (legs out of frame)
    different = float(standing @ other)
    print(
        f"\nsame character: {same:.3f} across shots, {reframed:.3f} across framings; "
        f"different characters: {different:.3f}"
    )
    assert same >= 0.95
    assert reframed > different + 0.5
    assert different < 0.8


def test_face_tracks_match_the_pixels() -> None:
    scene_plan = make("Medium close-up of a woman talking in a photo studio, static, documentary.", 1.0)
    frames, faces = _render(scene_plan)
    (track,) = faces.values()
    hits = 0
    for face in track:
        frame = frames[face.frame].astype(int)
        skin = frame[int(face.box_y0) : int(face.box_y1), int(face.box_x0) : int(face.box_x1)].reshape(-1, 3)
        mx, my = round(face.mouth_x), round(face.mouth_y)
        half = max(1, int(face.mouth_width / 4))
        # a closed mouth is a line under 2 px tall: take the darkest row within 2 px of the tracked centre
        rows = frame[my - 2 : my + 3, mx - half : mx + half + 1]
        mouth = rows[int(np.argmin(rows.sum(axis=(1, 2))))]
        # the tracked mouth is where the dark red mouth is: darker than the face and redder than it is green
        if mouth.sum(axis=1).mean() < 0.6 * skin.sum(axis=1).mean() and (mouth[:, 0] > mouth[:, 1]).mean() > 0.8:
            hits += 1
    assert face.visible and hits >= 0.95 * len(track), (hits, len(track))


def test_a_cameo_is_drawn_with_its_measured_skin() -> None:
    scene_plan = make("Close-up of @astro talking to the camera in a bright studio, natural style.", 0.5)
    (character,) = scene_plan.characters
    cheeks = {}
    for name, rgb in {"fair": (235, 200, 180), "deep": (110, 70, 50)}.items():
        cameo = common_pb2.CastMember(
            handle=character.handle,
            cameo_id="cameo-1",
            appearance=common_pb2.CameoAppearance(skin=common_pb2.Rgb(r=rgb[0], g=rgb[1], b=rgb[2]), face_aspect=1.0),
        )
        batches, faces = [], {}
        for _, batch, batch_faces in render.frames(scene_plan, [cameo], on_device=torch.device("cpu")):
            batches.append(batch.numpy())
            for cid, face_frames in batch_faces.items():
                faces.setdefault(cid, []).extend(face_frames)
        face = faces[character.id][0]
        # Between the eyes and the mouth, away from both: skin.
        y = int(face.box_y0 + 0.55 * (face.box_y1 - face.box_y0))
        x0, x1 = (
            int(face.box_x0 + 0.15 * (face.box_x1 - face.box_x0)),
            int(face.box_x0 + 0.3 * (face.box_x1 - face.box_x0)),
        )
        cheeks[name] = batches[0][0, y - 1 : y + 2, x0:x1].reshape(-1, 3).mean(axis=0)
    assert cheeks["fair"].mean() > cheeks["deep"].mean() + 60, cheeks


@pytest.mark.parametrize("style", [p.VISUAL_STYLE_NOIR, p.VISUAL_STYLE_VINTAGE_FILM])
def test_a_vignetted_look_keeps_a_white_frame_bright(style: int) -> None:
    # A flash (or a bright sky) at the centre of a vignetted frame wrapped around to black in int16.
    from cinemesh.video.look import Look

    white = torch.full((2, 90, 160, 3), 255, dtype=torch.uint8)
    finished = Look(style, 90, 160, seed=1).finish(white, first_frame=0)
    centre = finished[:, 35:55, 60:100].float()
    assert centre.mean() > 200, centre.mean()
    assert finished.float().mean(dim=(1, 2, 3)).min() > 100


# One prompt per visible sound event, the cue at 2 s (frame 48) of a 4 s static shot with no one in it.
EVENT_PROMPTS = {
    p.SOUND_EVENT_GLASS_SHATTER: "A glass shatters at 2 seconds.",
    p.SOUND_EVENT_THUNDER: "Thunder cracks at 2 seconds.",
    p.SOUND_EVENT_EXPLOSION: "An explosion at 2 seconds.",
    p.SOUND_EVENT_GUNSHOT: "A gunshot at 2 seconds.",
    p.SOUND_EVENT_SPLASH: "A splash at 2 seconds.",
    p.SOUND_EVENT_DOOR_SLAM: "A door slams at 2 seconds.",
    p.SOUND_EVENT_DOOR_KNOCK: "A knock on the door at 2 seconds.",
    p.SOUND_EVENT_DOOR_CREAK: "A door creaks open at 2 seconds.",
}
# Cues the renderer draws by their words, not a hand-made event: (prompt, what it draws).
WORD_EVENTS = {
    "firework": "Fireworks burst over the harbor at 2 seconds.",
    "burst": "A red balloon pops at 2 seconds.",
    "drop": "A wrench drops onto the floor at 2 seconds.",
    "shatter": "A vase falls and smashes at 2 seconds.",
    "wave": "A huge wave crashes against the rocks at 2 seconds.",
}
CUE_FRAME = 48
# the events play in an empty hallway (the hallway place kind, its tiled floor under what drops and slides)


@cache
def event_frames(event: int) -> np.ndarray:
    scene_plan = make(f"An empty hallway, static camera. {EVENT_PROMPTS[event]}", 4.0)
    assert [c.event for c in scene_plan.sound_cues] == [event] and scene_plan.sound_cues[0].frame == CUE_FRAME
    return _render(scene_plan)[0]


@cache
def word_event_frames(kind: str) -> np.ndarray:
    scene_plan = make(f"An empty hallway, static camera. {WORD_EVENTS[kind]}", 4.0)
    (cue,) = [c for c in scene_plan.sound_cues if render.visible_kind(c)]
    assert render.visible_kind(cue) == kind and cue.frame == CUE_FRAME, (render.visible_kind(cue), cue)
    return _render(scene_plan)[0]


@pytest.mark.parametrize("event", [e for e in EVENT_PROMPTS if e != p.SOUND_EVENT_DOOR_CREAK])
def test_an_impact_is_the_largest_change_of_the_shot_and_lands_on_its_cue_frame(event: int) -> None:
    jumps = _block_jumps(event_frames(event))  # jumps[k - 1]: the change into frame k
    assert abs(int(np.argmax(jumps)) + 1 - CUE_FRAME) <= 1, (p.SoundEvent.Name(event), np.round(jumps, 1))


@pytest.mark.parametrize("kind", list(WORD_EVENTS))
def test_an_event_drawn_from_its_words_lands_on_its_cue_frame_and_nothing_pops(kind: str) -> None:
    jumps = _block_jumps(word_event_frames(kind))
    assert abs(int(np.argmax(jumps)) + 1 - CUE_FRAME) <= 1, (kind, np.round(jumps, 1))
    for k in range(1, len(jumps) + 1):
        if CUE_FRAME - 1 <= k <= CUE_FRAME + 4:
            continue
        around = np.delete(jumps[max(0, k - 4) : k + 3], min(3, k - 1))
        assert jumps[k - 1] <= 3 * float(np.median(around)) + 10, (kind, k, np.round(jumps, 1))


@pytest.mark.parametrize("event", list(EVENT_PROMPTS))
def test_nothing_pops_in_or_out(event: int) -> None:
    """Away from the impact (the cue frame and the few frames of its glint, flash or dust), no frame's change
    stands out of the frames around it: an object that appeared or vanished in one frame would (the old door
    vanished 12 frames after its slam, a change of 117 among changes of 14), a door swinging does not."""
    jumps = _block_jumps(event_frames(event))
    for k in range(1, len(jumps) + 1):
        if CUE_FRAME - 1 <= k <= CUE_FRAME + 4:
            continue
        around = np.delete(jumps[max(0, k - 4) : k + 3], min(3, k - 1))
        assert jumps[k - 1] <= 3 * float(np.median(around)) + 10, (p.SoundEvent.Name(event), k, np.round(jumps, 1))


def test_a_slammed_door_closes_on_the_slam_and_a_creaking_one_opens_from_the_creak() -> None:
    def door_width(frame: np.ndarray) -> int:
        """Columns of the door's frame opening that show the panel (lighter than the dark room behind)."""
        y = int(H * 0.5)
        x0, x1 = int(W * 0.72), int(W * 0.72) + int(H * 0.24)
        return int((frame[y, x0:x1].astype(int).sum(axis=-1) > 120).sum())

    slam, creak = event_frames(p.SOUND_EVENT_DOOR_SLAM), event_frames(p.SOUND_EVENT_DOOR_CREAK)
    closed = door_width(slam[-1])
    assert door_width(slam[CUE_FRAME - 10]) < closed / 2  # open before
    widths = [door_width(f) for f in slam[CUE_FRAME - 8 : CUE_FRAME]]
    assert widths == sorted(widths)  # closing, never opening
    assert door_width(slam[CUE_FRAME + len(events.SLAM_SHAKE)]) == closed  # shut on the slam and stays shut
    assert door_width(creak[CUE_FRAME - 1]) == closed and door_width(creak[-1]) < closed / 2


def test_storm_rain_and_overcast_skies_are_clouded_and_darker_than_clear() -> None:
    """A stormy sky is dark grey with no sun; rain and overcast are grey; a clear day is blue and bright."""

    def sky(prompt: str) -> np.ndarray:
        frames, _ = _render(make(prompt, 0.5))
        return frames[0][int(H * 0.15) : int(H * 0.35)].reshape(-1, 3).astype(float)

    clear = sky("A wide shot of an empty field on a clear sunny day, static.")
    storm = sky("A wide shot of an empty field in a thunderstorm, static.")
    overcast = sky("A wide shot of an empty field under an overcast sky, static.")
    assert storm.mean() < overcast.mean() < clear.mean()
    # grey: the channels sit far closer together than in a clear blue sky
    spread = {name: float(np.ptp(pixels.mean(axis=0))) for name, pixels in (("clear", clear), ("storm", storm))}
    spread["overcast"] = float(np.ptp(overcast.mean(axis=0)))
    assert max(spread["storm"], spread["overcast"]) < 0.5 * spread["clear"], spread
