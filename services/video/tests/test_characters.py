"""The procedural character: shapes, determinism, motion per action, lighting, face tracks that match the
pixels, and a character that stays recognisable (by its colours) across actions."""

from __future__ import annotations

import dataclasses
import itertools
import math

import pytest
import torch

from cinemesh.v1 import common_pb2
from cinemesh.v1 import plan_pb2 as p
from cinemesh.video.characters import FACE_AWAY_YAW, MOUTH_RGB, Appearance, appearance_for, render_figure

A = p.ActionKind
ACTIONS = [
    A.ACTION_KIND_IDLE,
    A.ACTION_KIND_WALK,
    A.ACTION_KIND_RUN,
    A.ACTION_KIND_SIT,
    A.ACTION_KIND_TALK,
    A.ACTION_KIND_TURN,
    A.ACTION_KIND_DANCE,
    A.ACTION_KIND_WAVE,
    A.ACTION_KIND_JUMP,
    A.ACTION_KIND_LOOK,
]
WHITE = torch.ones(3)
FPS = 24

LOOK = Appearance(
    skin=(0.82, 0.61, 0.46),
    hair=(0.16, 0.11, 0.08),
    top=(0.20, 0.45, 0.75),
    bottom=(0.25, 0.25, 0.28),
    head_ratio=1.25,
    eye_spacing=0.38,
    build=1.0,
    hair_length=0.5,
)


def times(frames: int = 48) -> torch.Tensor:
    return torch.arange(frames, dtype=torch.float32) / FPS


def render(
    look: Appearance,
    action: int,
    frames: int = 48,
    height: int = 200,
    light: torch.Tensor = WHITE,
    mouth_open: torch.Tensor | None = None,
):
    return render_figure(look, action, times(frames), height, light, mouth_open)


def mouth_mask(rgba: torch.Tensor) -> torch.Tensor:
    """[F, H, W] pixels showing the mouth colour (opaque, within 0.06 of MOUTH_RGB)."""
    dist = (rgba[:, :3] - torch.tensor(MOUTH_RGB)[None, :, None, None]).norm(dim=1)
    return (dist < 0.06) & (rgba[:, 3] > 0.99)


def skin_mask(rgba: torch.Tensor, skin: tuple[float, float, float]) -> torch.Tensor:
    """[F, H, W] opaque pixels whose colour is the skin colour under some shading (x0.6..1.05)."""
    s = torch.tensor(skin)[None, :, None, None]
    k = (rgba[:, :3] * s).sum(1, keepdim=True) / (s * s).sum()
    residual = (rgba[:, :3] - k * s).norm(dim=1)
    return (residual < 0.03) & (k[:, 0] > 0.6) & (k[:, 0] < 1.05) & (rgba[:, 3] > 0.99)


def descriptor(rgba: torch.Tensor, bins: int = 8) -> torch.Tensor:
    """Colour signature of a rendered character: an 8x8x8 RGB histogram of all its frames, weighted by alpha,
    normalised to sum 1.

    What identifies a character across poses and actions is its palette (skin, hair, top, bottom, shoes);
    its shape changes with every pose and its position with every frame, so geometry would measure the
    action, not the person. Weighting by alpha ignores the transparent background and counts edge pixels
    by how much of the figure they hold. Compare two with `similarity` (Bhattacharyya coefficient), which
    is robust to the area a colour covers changing with the pose (fewer trouser pixels when sitting).
    """
    rgb = rgba[:, :3].permute(0, 2, 3, 1).reshape(-1, 3)
    q = (rgb * bins).long().clamp(max=bins - 1)
    index = (q[:, 0] * bins + q[:, 1]) * bins + q[:, 2]
    hist = torch.zeros(bins**3).index_add_(0, index, rgba[:, 3].reshape(-1))
    return hist / hist.sum()


def similarity(a: torch.Tensor, b: torch.Tensor) -> float:
    """Bhattacharyya coefficient: the cosine similarity of the square-rooted histograms (1 = same palette)."""
    return float((a.sqrt() * b.sqrt()).sum())


def cosine(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a * b).sum() / (a.norm() * b.norm()))


def intersection(a: torch.Tensor, b: torch.Tensor) -> float:
    return float(torch.minimum(a, b).sum())


# ---------------------------------------------------------------------------------------------- basics


@pytest.mark.parametrize("height", [120, 121, 400])
def test_shapes_dtypes_and_ranges(height: int) -> None:
    rgba, tracks = render(LOOK, A.ACTION_KIND_WALK, frames=6, height=height)
    assert rgba.shape == (6, 4, height, height // 2)
    assert rgba.dtype == torch.float32
    assert rgba.min() >= 0 and rgba.max() <= 1
    alpha = rgba[:, 3]
    assert (alpha == 0).any() and (alpha == 1).any()
    assert ((alpha > 0.05) & (alpha < 0.95)).any(), "edges are anti-aliased"
    assert (rgba[:, :3] * (alpha == 0)[:, None]).abs().max() == 0, "no colour where nothing is drawn"
    assert len(tracks) == 6
    # the figure spans most of the sprite's height
    rows = (alpha > 0.5).any(dim=2).any(dim=0).nonzero()
    assert (rows.max() - rows.min()) / height > 0.9


@pytest.mark.parametrize("action", [v for _, v in A.items()])
def test_every_action_stays_inside_the_sprite(action: int) -> None:
    wide = dataclasses.replace(LOOK, build=1.2, head_ratio=1.4, hair_length=1.0)
    rgba, tracks = render(wide, action, frames=24, height=96)
    alpha = rgba[:, 3]
    edge = torch.cat((alpha[:, :, 0], alpha[:, :, -1], alpha[:, 0, :], alpha[:, -1, :]), 1)
    assert edge.max() < 0.2
    assert all(math.isfinite(v) for tr in tracks for v in (*tr.box, *tr.mouth, *tr.mouth_size, tr.yaw))


def test_deterministic() -> None:
    mouth = torch.rand(24, generator=torch.Generator().manual_seed(3))
    a, ta = render(LOOK, A.ACTION_KIND_DANCE, frames=24, mouth_open=mouth)
    b, tb = render(LOOK, A.ACTION_KIND_DANCE, frames=24, mouth_open=mouth)
    assert torch.equal(a, b)
    assert ta == tb


def test_appearance_stable_per_id_and_spread_across_ids() -> None:
    c = p.Character(id="c1", description="a fisherman")
    assert appearance_for(c) == appearance_for(p.Character(id="c1", description="a fisherman"))
    looks = [appearance_for(p.Character(id=f"c{i}", description="a person")) for i in range(1, 9)]
    for a, b in itertools.combinations(looks, 2):
        # a clearly different palette: the top or the bottom differs by a visible amount
        assert max(math.dist(a.top, b.top), math.dist(a.bottom, b.bottom)) > 0.15
    for look in looks:
        assert 1.1 <= look.head_ratio <= 1.4
        assert 0.30 <= look.eye_spacing <= 0.45
        assert 0.8 <= look.build <= 1.2
        assert 0 <= look.hair_length <= 1
        assert all(0 <= v <= 1 for v in (*look.skin, *look.hair, *look.top, *look.bottom))


def test_appearance_follows_gender_and_description() -> None:
    women = [appearance_for(p.Character(id=f"w{i}", gender="female")) for i in range(20)]
    men = [appearance_for(p.Character(id=f"m{i}", gender="male")) for i in range(20)]
    assert min(w.hair_length for w in women) > max(m.hair_length for m in men)
    red = appearance_for(p.Character(id="c1", description="a man in a red jacket and blue jeans"))
    assert red.top[0] > 0.6 > max(red.top[1:])
    assert red.bottom[2] > max(red.bottom[:2])
    old = appearance_for(p.Character(id="c2", description="an old fisherman"))
    assert max(old.hair) - min(old.hair) < 0.05 and old.hair[0] > 0.5  # grey
    young = [appearance_for(p.Character(id=f"y{i}", description="a young woman")) for i in range(40)]
    assert not any(max(y.hair) - min(y.hair) < 0.05 and y.hair[0] > 0.5 for y in young)  # never grey
    redhead = appearance_for(p.Character(id="c3", description="a redhead with long hair", gender="male"))
    assert redhead.hair[0] > 2 * redhead.hair[2] and redhead.hair_length >= 0.85
    short = appearance_for(p.Character(id="c4", description="a woman with short black hair", gender="female"))
    assert max(short.hair) < 0.1 and short.hair_length <= 0.1


def test_empty_shot_and_bad_arguments() -> None:
    rgba, tracks = render_figure(LOOK, A.ACTION_KIND_WALK, torch.zeros(0), 64, WHITE)
    assert rgba.shape == (0, 4, 64, 32) and tracks == []
    with pytest.raises(ValueError):
        render_figure(LOOK, A.ACTION_KIND_TALK, times(4), 64, WHITE, mouth_open=torch.zeros(3))
    with pytest.raises(ValueError):
        render_figure(LOOK, A.ACTION_KIND_TALK, times(4), 8, WHITE)


def test_no_palette_colour_can_be_mistaken_for_the_mouth() -> None:
    """Clothes, hair and skin stay far from the mouth colour under any shading the renderer applies."""
    for i in range(300):
        look = appearance_for(p.Character(id=f"c{i}", description=f"person {i}"))
        for colour in (look.top, look.bottom, look.hair, look.skin):
            for k in (0.55, 0.6, 0.7, 0.8, 0.9, 1.0):  # darkest: brows and the shaded edge of the hair behind
                assert math.dist([k * v for v in colour], MOUTH_RGB) > 0.1, (i, colour, k)


# ---------------------------------------------------------------------------------------------- motion


def motion(rgba: torch.Tensor) -> float:
    """Mean absolute change of premultiplied colour between consecutive frames."""
    premult = rgba[:, :3] * rgba[:, 3:]
    return float((premult[1:] - premult[:-1]).abs().mean())


def test_walk_moves_and_idle_is_nearly_static() -> None:
    walk, _ = render(LOOK, A.ACTION_KIND_WALK)
    idle, _ = render(LOOK, A.ACTION_KIND_IDLE)
    assert not torch.equal(walk[0], walk[6])
    assert motion(walk) > 10 * motion(idle)
    change = lambda rgba: float((rgba[:, 3] - rgba[0, 3]).abs().mean())  # noqa: E731
    assert change(idle) < 0.005 and change(idle) < change(walk) / 10


def test_run_moves_more_than_walk_and_sit_is_lower() -> None:
    walk, _ = render(LOOK, A.ACTION_KIND_WALK)
    run, _ = render(LOOK, A.ACTION_KIND_RUN)
    assert motion(run) > motion(walk)
    _, stand = render(LOOK, A.ACTION_KIND_IDLE, frames=4)
    _, sit = render(LOOK, A.ACTION_KIND_SIT, frames=4)
    assert sit[0].box[1] > stand[0].box[1] + 0.1 * 200  # the head drops by more than a tenth of the sprite


def test_jump_leaves_the_ground() -> None:
    rgba, _ = render(LOOK, A.ACTION_KIND_JUMP, frames=24)
    lowest = torch.stack([(f > 0.5).any(dim=1).nonzero().max() for f in rgba[:, 3]])
    assert lowest.max() - lowest.min() > 0.05 * 200


def test_turn_hides_the_face_late_in_the_shot() -> None:
    rgba, tracks = render(LOOK, A.ACTION_KIND_TURN, frames=72, height=240)
    assert tracks[0].visible and abs(tracks[0].yaw) < 0.05
    late = [tr for k, tr in enumerate(tracks) if k / FPS > 2.0]
    assert all(not tr.visible and abs(tr.yaw) > FACE_AWAY_YAW for tr in late)
    yaws = [tr.yaw for tr in tracks]
    assert all(b >= a for a, b in itertools.pairwise(yaws)), "yaw turns one way"
    mouth = mouth_mask(rgba)
    assert mouth[:5].any() and not mouth[-20:].any()


def test_look_sweeps_the_head_both_ways() -> None:
    _, tracks = render(LOOK, A.ACTION_KIND_LOOK, frames=96)
    yaws = [tr.yaw for tr in tracks]
    assert min(yaws) < -0.4 and max(yaws) > 0.4
    assert all(tr.visible for tr in tracks)


# ---------------------------------------------------------------------------------------------- light


def test_light_tints_the_figure() -> None:
    white, _ = render(LOOK, A.ACTION_KIND_IDLE, frames=4)
    neon, _ = render(LOOK, A.ACTION_KIND_IDLE, frames=4, light=torch.tensor([1.0, 0.2, 1.0]))

    def mean_colour(rgba: torch.Tensor) -> torch.Tensor:
        return (rgba[:, :3] * rgba[:, 3:]).sum((0, 2, 3)) / rgba[:, 3].sum()

    w, n = mean_colour(white), mean_colour(neon)
    magenta = lambda c: float((c[0] + c[2]) / 2 - c[1])  # noqa: E731
    assert magenta(n) > magenta(w) + 0.1
    assert torch.equal(white[:, 3], neon[:, 3]), "light changes colour, not coverage"
    # the rim: light alone scales green by 0.2 everywhere; along the outline the neon rim adds magenta on
    # top, so there green falls further behind the white-light render than inside the figure
    solid = (white[:, 3] > 0.99) & (white[:, 1] > 0.02)
    near_outline = torch.nn.functional.max_pool2d((white[:, 3:] < 0.5).float(), 3, 1, 1)[:, 0] > 0
    green = neon[:, 1] / white[:, 1].clamp_min(1e-3)
    edge, inside = green[solid & near_outline], green[solid & ~near_outline]
    assert edge.mean() < inside.mean() - 0.03
    assert inside.median() == pytest.approx(0.2, abs=1e-3), "the rim is subtle: most of the figure is only lit"


# ---------------------------------------------------------------------------------------------- face tracks


FACE_ACTIONS = [
    A.ACTION_KIND_IDLE,
    A.ACTION_KIND_TALK,
    A.ACTION_KIND_WALK,
    A.ACTION_KIND_RUN,
    A.ACTION_KIND_LOOK,
    A.ACTION_KIND_DANCE,
    A.ACTION_KIND_JUMP,
    A.ACTION_KIND_WAVE,
    A.ACTION_KIND_SIT,
    A.ACTION_KIND_TURN,
]


@pytest.mark.parametrize("action", FACE_ACTIONS)
def test_mouth_pixels_lie_in_the_tracked_mouth(action: int) -> None:
    frames = 48
    mouth_open = torch.rand(frames, generator=torch.Generator().manual_seed(action))
    rgba, tracks = render(LOOK, action, frames=frames, height=300, mouth_open=mouth_open)
    mask = mouth_mask(rgba)
    ys = torch.arange(300, dtype=torch.float32)[:, None]
    xs = torch.arange(150, dtype=torch.float32)[None, :] + 0.5
    inside, checked = 0, 0
    for k, tr in enumerate(tracks):
        if not tr.visible:
            assert mask[k].sum() < 4, "a face turned away shows (almost) no mouth"
            continue
        checked += 1
        (mx, my), (mw, mh) = tr.mouth, tr.mouth_size
        box = ((xs - mx).abs() <= mw / 2 + 1) & ((ys + 0.5 - my).abs() <= mh / 2 + 1)
        if mouth_open[k] > 0.3:
            assert mask[k].sum() >= 4, f"frame {k}: an open mouth shows"
        inside += int(not (mask[k] & ~box).any())
    assert checked > 0
    assert inside >= 0.95 * checked, f"{inside}/{checked} frames have every mouth pixel inside the tracked mouth"


def test_open_mouth_shows_more_mouth() -> None:
    closed, tc = render(LOOK, A.ACTION_KIND_TALK, frames=24, height=300, mouth_open=torch.zeros(24))
    opened, to = render(LOOK, A.ACTION_KIND_TALK, frames=24, height=300, mouth_open=torch.ones(24))
    area_closed, area_open = mouth_mask(closed).sum((1, 2)), mouth_mask(opened).sum((1, 2))
    assert (area_open > 2 * area_closed).all()
    assert all(o.mouth_size[1] > 3 * c.mouth_size[1] for o, c in zip(to, tc, strict=True))


@pytest.mark.parametrize("action", [A.ACTION_KIND_IDLE, A.ACTION_KIND_TALK, A.ACTION_KIND_WALK, A.ACTION_KIND_LOOK])
def test_face_box_holds_the_head(action: int) -> None:
    rgba, tracks = render(LOOK, action, frames=48, height=300)
    skin = skin_mask(rgba, LOOK.skin)
    ys = torch.arange(300, dtype=torch.float32)[:, None] + 0.5
    xs = torch.arange(150, dtype=torch.float32)[None, :] + 0.5
    for k, tr in enumerate(tracks):
        x0, y0, x1, y1 = tr.box
        in_box = (xs >= x0 - 1) & (xs <= x1 + 1) & (ys >= y0 - 1) & (ys <= y1 + 1)
        above_chin = skin[k] & (ys < y1 - 1)  # below the chin are the neck and the hands
        assert not (above_chin & ~in_box).any(), f"frame {k}: head skin outside the face box"
        # and the box is the face, not a loose bound: skin fills a good part of it
        area = (x1 - x0) * (y1 - y0)
        assert (skin[k] & in_box).sum() > (0.3 if abs(tr.yaw) < 0.3 else 0.15) * area


# ---------------------------------------------------------------------------------------------- identity


def test_same_character_keeps_its_colours_across_actions() -> None:
    mouth = torch.rand(48, generator=torch.Generator().manual_seed(5))
    looks = [appearance_for(p.Character(id=f"c{i}", description="someone")) for i in range(1, 5)]
    d = {(i, a): descriptor(render(look, a, mouth_open=mouth)[0]) for i, look in enumerate(looks) for a in ACTIONS}
    same = [(d[i, a], d[i, b]) for i in range(len(looks)) for a, b in itertools.combinations(ACTIONS, 2)]
    diff = [(d[i, a], d[j, a]) for i, j in itertools.combinations(range(len(looks)), 2) for a in ACTIONS]
    for name, fn in (("bhattacharyya", similarity), ("cosine", cosine), ("intersection", intersection)):
        s, o = [fn(*pair) for pair in same], [fn(*pair) for pair in diff]
        print(
            f"{name}: same character min {min(s):.3f} mean {sum(s) / len(s):.3f}; "
            f"different characters max {max(o):.3f} mean {sum(o) / len(o):.3f}"
        )
    s, o = [similarity(*pair) for pair in same], [similarity(*pair) for pair in diff]
    assert min(s) >= 0.95
    assert max(o) < 0.75
    assert min(s) - max(o) > 0.2


def test_a_cameo_looks_like_its_measurements_in_every_job() -> None:
    cameo = common_pb2.CastMember(
        handle="astro",
        cameo_id="cameo-1",
        appearance=common_pb2.CameoAppearance(
            skin=common_pb2.Rgb(r=224, g=180, b=150),
            hair=common_pb2.Rgb(r=60, g=40, b=30),
            face_aspect=1.05,
            eye_spacing=0.41,
        ),
    )
    one_job = appearance_for(p.Character(id="@astro", handle="astro", description="a smiling accountant"), cameo)
    other_job = appearance_for(p.Character(id="@astro", handle="astro", description="a tired traveller"), cameo)
    assert one_job == other_job  # the description of a job does not change who the cameo is
    assert one_job.skin == pytest.approx((224 / 255, 180 / 255, 150 / 255), abs=1e-3)
    assert one_job.hair == pytest.approx((60 / 255, 40 / 255, 30 / 255), abs=1e-3)
    assert one_job.head_ratio == pytest.approx(1.25) and one_job.eye_spacing == pytest.approx(0.41)
    # Colour words in the prompt still dress the cameo.
    dressed = appearance_for(p.Character(id="@astro", handle="astro", description="in a red jacket"), cameo)
    assert dressed.top != one_job.top and dressed.skin == one_job.skin
