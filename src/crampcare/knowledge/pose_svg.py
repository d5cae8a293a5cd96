"""Draw an exercise's pose as an SVG line figure: animated, or still.

Pure functions from a validated ``Pose`` to SVG text. The animated picture moves with SMIL
``<animate>`` between keyframes (sampled in joint angles, so limbs keep their length), looping.
For people who ask for reduced motion a ``prefers-reduced-motion`` rule hides the moving figure
and shows a still one in the keyframe held longest. Colours follow the app's palette, light or
dark by ``prefers-color-scheme``. ``still_svg`` draws one keyframe with plain attributes (no
style sheet, no animation) for the PDF report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from html import escape

from crampcare.knowledge.exercise_schema import Exercise
from crampcare.knowledge.poses import (
    BALL_RADIUS,
    BED_BOTTOM,
    BED_LEFT,
    BED_RIGHT,
    BED_TOP,
    CHAIR_BACK_TOP,
    CHAIR_HALF,
    CHAIR_SEAT,
    COUNTER_LENGTH,
    COUNTER_TOP,
    FLOOR,
    HEAD_RADIUS,
    HEIGHT,
    MAT_LEFT,
    MAT_RIGHT,
    MAT_TOP,
    ROLLER_RADIUS,
    STEP_TOP,
    WIDTH,
    Frame,
    Highlight,
    Point,
    Pose,
    highlighted,
    normalise,
    points,
    resolve,
)

# The app's palette (home/static/crampcare/crampcare.css): text, line/muted, cramp accent.
LIGHT = {"ink": "#1b1f23", "prop": "#8d897e", "fill": "#e9e6dd", "accent": "#b42318"}
DARK = {"ink": "#eef2f3", "prop": "#7d909a", "fill": "#243038", "accent": "#ff8f85"}
FAR_OPACITY = 0.4
STEPS_PER_MOVE = 6  # samples per transition, so joints turn rather than limbs shrinking

STYLE = (
    f".f{{fill:none;stroke:{LIGHT['ink']};stroke-width:6;stroke-linecap:round;"
    "stroke-linejoin:round}"
    f".far{{stroke-opacity:{FAR_OPACITY}}}"
    f".hl{{fill:none;stroke:{LIGHT['accent']};stroke-width:10;stroke-linecap:round;"
    "stroke-linejoin:round}"
    f".p{{fill:none;stroke:{LIGHT['prop']};stroke-width:3;stroke-linecap:round;"
    "stroke-linejoin:round}"
    f".pf{{fill:{LIGHT['fill']};stroke:{LIGHT['prop']};stroke-width:2}}"
    f".t{{fill:none;stroke:{LIGHT['prop']};stroke-width:4;stroke-linecap:round}}"
    "@media (prefers-color-scheme:dark){"
    f".f{{stroke:{DARK['ink']}}}.hl{{stroke:{DARK['accent']}}}"
    f".p,.t{{stroke:{DARK['prop']}}}.pf{{fill:{DARK['fill']};stroke:{DARK['prop']}}}}}"
    ".still{display:none}"
    "@media (prefers-reduced-motion:reduce){.moving{display:none}.still{display:inline}}"
)

# Plain attributes for the same classes, for readers without CSS (the PDF report).
PLAIN = {
    "f": f'fill="none" stroke="{LIGHT["ink"]}" stroke-width="6" stroke-linecap="round" '
    'stroke-linejoin="round"',
    "f far": f'fill="none" stroke="{LIGHT["ink"]}" stroke-opacity="{FAR_OPACITY}" '
    'stroke-width="6" stroke-linecap="round" stroke-linejoin="round"',
    "hl": f'fill="none" stroke="{LIGHT["accent"]}" stroke-width="10" stroke-linecap="round"',
    "hl far": f'fill="none" stroke="{LIGHT["accent"]}" stroke-opacity="{FAR_OPACITY}" '
    'stroke-width="10" stroke-linecap="round"',
    "p": f'fill="none" stroke="{LIGHT["prop"]}" stroke-width="3" stroke-linecap="round"',
    "pf": f'fill="{LIGHT["fill"]}" stroke="{LIGHT["prop"]}" stroke-width="2"',
    "t": f'fill="none" stroke="{LIGHT["prop"]}" stroke-width="4" stroke-linecap="round"',
}

Paint = Callable[[str], str]


def _css(kind: str) -> str:
    return f'class="{kind}"'


def _plain(kind: str) -> str:
    return PLAIN[kind]


def _num(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _pts(values: Iterable[Point]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in values)


# --- what is drawn ------------------------------------------------------------------------------


def _mix(start: Point, end: Point, share: float) -> Point:
    return (start[0] + (end[0] - start[0]) * share, start[1] + (end[1] - start[1]) * share)


def highlight_points(found: dict[str, Point], highlight: Highlight) -> list[Point]:
    """The stretch of bone drawn thick in the accent colour for a muscle."""
    side = highlight.side
    hip, shoulder = found["hip"], found["shoulder"]
    knee, ankle = found[f"{side}_knee"], found[f"{side}_ankle"]
    muscle = highlight.muscle
    if muscle == "calf":
        return [_mix(knee, ankle, 0.12), _mix(knee, ankle, 0.62)]
    if muscle == "soleus":
        return [_mix(knee, ankle, 0.45), _mix(knee, ankle, 0.88)]
    if muscle == "shin":
        return [_mix(knee, ankle, 0.15), _mix(knee, ankle, 0.85)]
    if muscle == "foot":
        return [found[f"{side}_heel"], found[f"{side}_ball"]]
    if muscle == "hip-flexors":
        return [_mix(hip, shoulder, 0.22), hip, _mix(hip, knee, 0.4)]
    if muscle in ("glutes", "hip-rotators"):
        return [_mix(hip, shoulder, 0.15), hip, _mix(hip, knee, 0.22)]
    # hamstrings, quadriceps, adductors: the thigh
    return [_mix(hip, knee, 0.15), _mix(hip, knee, 0.85)]


def _shapes(
    frame: Frame, pose: Pose, highlight: Highlight | None
) -> list[tuple[str, str, list[Point]]]:
    """(kind, paint class, points) of each moving part, back to front. 'head' is a circle."""
    found = points(frame)
    shapes: list[tuple[str, str, list[Point]]] = []

    def leg(side: str) -> list[Point]:
        return [
            found["hip"],
            *(found[f"{side}_{part}"] for part in ("knee", "ankle", "heel", "toe")),
        ]

    def arm(side: str) -> list[Point]:
        return [found["shoulder"], found[f"{side}_elbow"], found[f"{side}_hand"]]

    shapes.append(("line", "f far", leg("far")))
    shapes.append(("line", "f far", arm("far")))
    if highlight is not None and highlight.side == "far":
        shapes.append(("line", "hl far", highlight_points(found, highlight)))
    shapes.append(("line", "f", [found["hip"], found["shoulder"], found["neck"]]))
    shapes.append(("head", "f", [found["head"]]))
    shapes.append(("line", "f", leg("near")))
    if highlight is not None and highlight.side == "near":
        shapes.append(("line", "hl", highlight_points(found, highlight)))
    shapes.append(("line", "f", arm("near")))
    for prop in pose.props:
        if prop.prop in ("towel", "strap") and prop.from_ and prop.to:
            shapes.append(("line", "t", [found[prop.from_], found[prop.to]]))
    return shapes


def _props(pose: Pose, paint: Paint) -> str:
    """The fixed scenery: floor, furniture, mat, roller and so on (drawn behind the figure)."""
    out = [f'<path {paint("p")} d="M4 {FLOOR}H{WIDTH - 4}"/>']
    for prop in pose.props:
        x = prop.x or 0
        y = prop.y or 0
        if prop.prop == "wall":
            out.append(f'<path {paint("p")} d="M{_num(x)} 6V{FLOOR}"/>')
        elif prop.prop == "counter":
            left = x - COUNTER_LENGTH
            out.append(
                f'<rect {paint("pf")} x="{_num(left)}" y="{COUNTER_TOP}" '
                f'width="{COUNTER_LENGTH}" height="5" rx="1"/>'
                f'<path {paint("p")} d="M{_num(left + 4)} {COUNTER_TOP + 5}V{FLOOR}'
                f'M{_num(x - 4)} {COUNTER_TOP + 5}V{FLOOR}"/>'
            )
        elif prop.prop == "chair":
            left, right = x - CHAIR_HALF, x + CHAIR_HALF
            out.append(
                f'<path {paint("p")} d="M{_num(left)} {CHAIR_BACK_TOP}V{FLOOR}'
                f'M{_num(left)} {CHAIR_SEAT}H{_num(right)}V{FLOOR}"/>'
            )
        elif prop.prop == "bed":
            out.append(
                f'<rect {paint("pf")} x="{BED_LEFT + 6}" y="{BED_TOP}" '
                f'width="{BED_RIGHT - BED_LEFT - 6}" height="{BED_BOTTOM - BED_TOP}" rx="4"/>'
                f'<path {paint("p")} d="M{BED_LEFT + 2} 70V{FLOOR}'
                f'M{BED_RIGHT - 6} {BED_BOTTOM}V{FLOOR}"/>'
            )
        elif prop.prop == "step":
            out.append(
                f'<rect {paint("pf")} x="{_num(x)}" y="{STEP_TOP}" '
                f'width="{_num(prop.width or 0)}" height="{FLOOR - STEP_TOP}"/>'
            )
        elif prop.prop == "mat":
            out.append(
                f'<rect {paint("pf")} x="{MAT_LEFT}" y="{MAT_TOP}" '
                f'width="{MAT_RIGHT - MAT_LEFT}" height="{FLOOR - MAT_TOP}" rx="2"/>'
            )
        elif prop.prop == "roller":
            out.append(f'<circle {paint("pf")} cx="{_num(x)}" cy="{_num(y)}" r="{ROLLER_RADIUS}"/>')
        elif prop.prop == "ball":
            out.append(f'<circle {paint("pf")} cx="{_num(x)}" cy="{_num(y)}" r="{BALL_RADIUS}"/>')
        elif prop.prop == "pillow":
            out.append(f'<ellipse {paint("pf")} cx="{_num(x)}" cy="{_num(y)}" rx="16" ry="6"/>')
    return "".join(out)


def _draw_static(shapes: list[tuple[str, str, list[Point]]], paint: Paint) -> str:
    out = []
    for kind, style, where in shapes:
        if kind == "head":
            cx, cy = where[0]
            out.append(
                f'<circle {paint(style)} cx="{_num(cx)}" cy="{_num(cy)}" r="{HEAD_RADIUS}"/>'
            )
        else:
            out.append(f'<polyline {paint(style)} points="{_pts(where)}"/>')
    return "".join(out)


# --- animation ----------------------------------------------------------------------------------


def _blend(start: Frame, end: Frame, share: float) -> Frame:
    def turn(a: float, b: float) -> float:
        return a + normalise(b - a) * share

    def turns(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
        return tuple(turn(x, y) for x, y in zip(a, b, strict=True))

    return replace(
        start,
        hip=_mix(start.hip, end.hip, share),
        trunk=turn(start.trunk, end.trunk),
        head=turn(start.head, end.head),
        near_leg=turns(start.near_leg, end.near_leg),  # type: ignore[arg-type]
        far_leg=turns(start.far_leg, end.far_leg),  # type: ignore[arg-type]
        near_arm=turns(start.near_arm, end.near_arm),  # type: ignore[arg-type]
        far_arm=turns(start.far_arm, end.far_arm),  # type: ignore[arg-type]
    )


def timeline(pose: Pose) -> tuple[float, list[tuple[float, Frame]]]:
    """(loop length in seconds, [(time, frame)]): each keyframe held, then eased to the next."""
    frames = resolve(pose)
    samples: list[tuple[float, Frame]] = []
    now = 0.0
    for index, frame in enumerate(frames):
        samples.append((now, frame))
        now += frame.hold
        samples.append((now, frame))
        following = frames[(index + 1) % len(frames)]
        for step in range(1, STEPS_PER_MOVE + 1):
            share = step / STEPS_PER_MOVE
            eased = share * share * (3 - 2 * share)
            samples.append((now + pose.move * share, _blend(frame, following, eased)))
        now += pose.move
    return now, samples


def _animated(pose: Pose, highlight: Highlight | None) -> str:
    total, samples = timeline(pose)
    key_times = ";".join(_num(time / total) if time < total else "1" for time, _ in samples)
    per_sample = [_shapes(frame, pose, highlight) for _, frame in samples]
    out = []
    for index, (kind, style, where) in enumerate(per_sample[0]):

        def animate(attribute: str, values: list[str]) -> str:
            if len(set(values)) == 1:
                return ""
            return (
                f'<animate attributeName="{attribute}" dur="{_num(total)}s" '
                f'repeatCount="indefinite" keyTimes="{key_times}" values="{";".join(values)}"/>'
            )

        if kind == "head":
            cx, cy = where[0]
            moves = animate("cx", [_num(s[index][2][0][0]) for s in per_sample]) + animate(
                "cy", [_num(s[index][2][0][1]) for s in per_sample]
            )
            out.append(
                f'<circle class="{style}" cx="{_num(cx)}" cy="{_num(cy)}" r="{HEAD_RADIUS}">'
                f"{moves}</circle>"
            )
        else:
            moves = animate("points", [_pts(s[index][2]) for s in per_sample])
            out.append(f'<polyline class="{style}" points="{_pts(where)}">{moves}</polyline>')
    return "".join(out)


def held_frame(pose: Pose) -> Frame:
    """The keyframe held longest (the first of equals): what the exercise is about."""
    frames = resolve(pose)
    return max(frames, key=lambda frame: frame.hold)


# --- whole pictures -----------------------------------------------------------------------------


def _open(title: str, width: int = WIDTH, style: bool = True, titled: bool = True) -> str:
    label = escape(title)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {HEIGHT}" '
        f'width="{width}" height="{HEIGHT}" role="img" aria-label="{label}">'
        + (f"<title>{label}</title>" if titled else "")
    )
    return head + (f"<style>{STYLE}</style>" if style else "")


def _mirrored(pose: Pose, body: str, offset: int = 0) -> str:
    if pose.mirror:
        return f'<g transform="matrix(-1 0 0 1 {offset + WIDTH} 0)">{body}</g>'
    if offset:
        return f'<g transform="translate({offset} 0)">{body}</g>'
    return body


def animated_svg(pose: Pose, title: str, highlight: Highlight | None) -> str:
    """The moving picture, looping; still in the held keyframe under reduced motion."""
    frames = resolve(pose)
    scenery = _props(pose, _css)
    if len(frames) == 1:
        return (
            _open(title)
            + _mirrored(pose, scenery + _draw_static(_shapes(frames[0], pose, highlight), _css))
            + "</svg>"
        )
    still = _draw_static(_shapes(held_frame(pose), pose, highlight), _css)
    body = (
        scenery
        + f'<g class="moving">{_animated(pose, highlight)}</g>'
        + f'<g class="still">{still}</g>'
    )
    return _open(title) + _mirrored(pose, body) + "</svg>"


def held_svg(pose: Pose, title: str, highlight: Highlight | None) -> str:
    """The keyframe held longest, not moving: for people who ask for reduced motion."""
    drawing = _props(pose, _css) + _draw_static(_shapes(held_frame(pose), pose, highlight), _css)
    return _open(title) + _mirrored(pose, drawing) + "</svg>"


def pair_svg(pose: Pose, title: str, highlight: Highlight | None) -> str:
    """Start and end keyframes side by side (one picture if the pose never moves)."""
    frames = resolve(pose)
    chosen = [frames[0]] if len(frames) == 1 else [frames[0], frames[-1]]
    body = ""
    for number, frame in enumerate(chosen):
        drawing = _props(pose, _css) + _draw_static(_shapes(frame, pose, highlight), _css)
        body += _mirrored(pose, drawing, offset=number * WIDTH)
    return _open(title, width=WIDTH * len(chosen)) + body + "</svg>"


def still_svg(pose: Pose, title: str, highlight: Highlight | None, keyframe: int = 0) -> str:
    """One keyframe with plain attributes only, for readers without CSS (the PDF report, which
    reads no ``<title>``: the name is printed under it)."""
    frame = resolve(pose)[keyframe]
    drawing = _props(pose, _plain) + _draw_static(_shapes(frame, pose, highlight), _plain)
    return _open(title, style=False, titled=False) + _mirrored(pose, drawing) + "</svg>"


def exercise_svg(exercise: Exercise, *, still: bool = False, moving: bool = True) -> str:
    """The picture of an exercise: moving; ``moving=False`` the keyframe held longest, still;
    ``still`` the start and end pair."""
    assert exercise.pose is not None
    title = str(exercise.name)
    render = pair_svg if still else animated_svg if moving else held_svg
    return render(exercise.pose, title, highlighted(exercise))
