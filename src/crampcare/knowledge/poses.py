"""Exercise pictures: the ``pose:`` field of an exercise, its geometry and its checks.

A pose is one to four keyframes of a simple jointed figure (angles in degrees on the picture,
0 = right, 90 = up), plus the props the person uses. Later keyframes repeat only what changes.
The checks keep a picture possible: joints bend the way joints bend, the figure stays inside the
picture, above the floor and out of the furniture, a standing foot stands on something, a seated
hip sits on something. The format and every rule are described in docs/poses.md; the drawing is
in ``pose_svg.py``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

from pydantic import ConfigDict, Field, model_validator

from crampcare.knowledge.base import ContentModel
from crampcare.vocabulary import MuscleId

if TYPE_CHECKING:
    from crampcare.knowledge.exercise_schema import Exercise

# --- picture space ------------------------------------------------------------------------------
WIDTH = 240
HEIGHT = 160
FLOOR = 150
TRUNK = 44
NECK = 18  # shoulder to head centre
HEAD_RADIUS = 11
UPPER_ARM = 26
FOREARM = 24
THIGH = 36
SHIN = 34
HEEL = 4  # behind the ankle, along the foot
BALL = 10  # ball of the foot, in front of the ankle
TOE = 14

# Props.
COUNTER_TOP = 84
COUNTER_LENGTH = 40
CHAIR_SEAT = 104
CHAIR_HALF = 20
CHAIR_BACK_TOP = 58
BED_TOP = 112
BED_LEFT = 10
BED_RIGHT = 232
BED_BOTTOM = 128
STEP_TOP = 134
MAT_TOP = 146
MAT_LEFT = 12
MAT_RIGHT = 228
ROLLER_RADIUS = 9
BALL_RADIUS = 5

TOLERANCE = 2  # "touching" means within this many units
MAX_KEYFRAMES = 4

Side = Literal["near", "far"]
SIDES: tuple[Side, ...] = ("near", "far")
PropKind = Literal[
    "wall", "counter", "chair", "bed", "step", "mat", "towel", "strap", "roller", "ball", "pillow"
]
FigurePoint = Literal[
    "head",
    "shoulder",
    "hip",
    "near_knee",
    "near_ankle",
    "near_heel",
    "near_toe",
    "near_elbow",
    "near_hand",
    "far_knee",
    "far_ankle",
    "far_heel",
    "far_toe",
    "far_elbow",
    "far_hand",
]

# Which fields each prop takes; any other field is an error.
PROP_FIELDS: dict[str, tuple[str, ...]] = {
    "wall": ("x",),
    "counter": ("x",),
    "chair": ("x",),
    "bed": (),
    "step": ("x", "width"),
    "mat": (),
    "towel": ("from_", "to"),
    "strap": ("from_", "to"),
    "roller": ("x", "y"),
    "ball": ("x", "y"),
    "pillow": ("x", "y"),
}

Angle = float
Point = tuple[float, float]


class Prop(ContentModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    prop: PropKind
    x: float | None = None
    y: float | None = None
    width: float | None = Field(default=None, gt=0)
    from_: FigurePoint | None = Field(default=None, alias="from")
    to: FigurePoint | None = None

    @model_validator(mode="after")
    def _fields_for_kind(self) -> Prop:
        wanted = PROP_FIELDS[self.prop]
        given = [
            name for name in ("x", "y", "width", "from_", "to") if getattr(self, name) is not None
        ]
        missing = [name.rstrip("_") for name in wanted if name not in given]
        extra = [name.rstrip("_") for name in given if name not in wanted]
        if missing:
            raise ValueError(f"prop {self.prop} needs {', '.join(missing)}")
        if extra:
            raise ValueError(f"prop {self.prop} does not take {', '.join(extra)}")
        return self


class Highlight(ContentModel):
    muscle: MuscleId
    side: Side = "near"


class Keyframe(ContentModel):
    """One position. Every field left out is taken from the keyframe before."""

    hip: tuple[float, float] | None = None
    trunk: Angle | None = None
    head: Angle | None = None
    near_leg: tuple[Angle, Angle, Angle] | None = None
    far_leg: tuple[Angle, Angle, Angle] | None = None
    near_arm: tuple[Angle, Angle] | None = None
    far_arm: tuple[Angle, Angle] | None = None
    hold: float | None = Field(default=None, gt=0, le=30)
    lifted: list[Side] | None = None


class Pose(ContentModel):
    props: list[Prop] = Field(default_factory=list)
    highlight: Highlight | None = None
    keyframes: list[Keyframe] = Field(min_length=1, max_length=MAX_KEYFRAMES)
    move: float = Field(default=1.5, gt=0, le=10)
    mirror: bool = False

    @model_validator(mode="after")
    def _complete_start(self) -> Pose:
        first = self.keyframes[0]
        missing = [
            name
            for name in ("hip", "trunk", "near_leg", "far_leg", "near_arm", "far_arm")
            if getattr(first, name) is None
        ]
        if missing:
            raise ValueError(f"keyframe 1 must give {', '.join(missing)}")
        return self

    def props_of(self, kind: str) -> list[Prop]:
        return [prop for prop in self.props if prop.prop == kind]


# --- resolved geometry --------------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """A keyframe with everything filled in."""

    hip: Point
    trunk: Angle
    head: Angle
    near_leg: tuple[Angle, Angle, Angle]
    far_leg: tuple[Angle, Angle, Angle]
    near_arm: tuple[Angle, Angle]
    far_arm: tuple[Angle, Angle]
    hold: float
    lifted: tuple[Side, ...]

    def leg(self, side: Side) -> tuple[Angle, Angle, Angle]:
        return self.near_leg if side == "near" else self.far_leg

    def arm(self, side: Side) -> tuple[Angle, Angle]:
        return self.near_arm if side == "near" else self.far_arm


def resolve(pose: Pose) -> list[Frame]:
    """Fill in every keyframe from the one before. A head left out keeps the same neck bend, so it
    turns with the trunk (in keyframe 1 it lines up with the trunk)."""
    frames: list[Frame] = []
    for key in pose.keyframes:
        if not frames:
            # keyframe 1 is complete (Pose._complete_start)
            trunk = float(key.trunk or 0)
            frames.append(
                Frame(
                    hip=key.hip or (0, 0),
                    trunk=trunk,
                    head=float(key.head if key.head is not None else trunk),
                    near_leg=key.near_leg or (0, 0, 0),
                    far_leg=key.far_leg or (0, 0, 0),
                    near_arm=key.near_arm or (0, 0),
                    far_arm=key.far_arm or (0, 0),
                    hold=float(key.hold or 1),
                    lifted=tuple(key.lifted or ()),
                )
            )
            continue
        before = frames[-1]
        trunk = float(key.trunk if key.trunk is not None else before.trunk)
        neck = before.head - before.trunk
        frames.append(
            Frame(
                hip=key.hip or before.hip,
                trunk=trunk,
                head=float(key.head if key.head is not None else trunk + neck),
                near_leg=key.near_leg or before.near_leg,
                far_leg=key.far_leg or before.far_leg,
                near_arm=key.near_arm or before.near_arm,
                far_arm=key.far_arm or before.far_arm,
                hold=float(key.hold or before.hold),
                lifted=tuple(key.lifted) if key.lifted is not None else before.lifted,
            )
        )
    return frames


def along(start: Point, length: float, angle: Angle) -> Point:
    radians = math.radians(angle)
    return (start[0] + length * math.cos(radians), start[1] - length * math.sin(radians))


def points(frame: Frame) -> dict[str, Point]:
    """Every named point of the figure (picture coordinates, before any mirroring)."""
    hip = frame.hip
    shoulder = along(hip, TRUNK, frame.trunk)
    found: dict[str, Point] = {
        "hip": hip,
        "shoulder": shoulder,
        "neck": along(shoulder, NECK - HEAD_RADIUS, frame.head),
        "head": along(shoulder, NECK, frame.head),
    }
    for side in SIDES:
        thigh, shin, foot = frame.leg(side)
        knee = along(hip, THIGH, thigh)
        ankle = along(knee, SHIN, shin)
        found[f"{side}_knee"] = knee
        found[f"{side}_ankle"] = ankle
        found[f"{side}_heel"] = along(ankle, -HEEL, foot)
        found[f"{side}_ball"] = along(ankle, BALL, foot)
        found[f"{side}_toe"] = along(ankle, TOE, foot)
        upper, fore = frame.arm(side)
        elbow = along(shoulder, UPPER_ARM, upper)
        found[f"{side}_elbow"] = elbow
        found[f"{side}_hand"] = along(elbow, FOREARM, fore)
    return found


def normalise(angle: float) -> float:
    """The same angle between -180 (excluded) and 180."""
    angle = math.fmod(angle, 360)
    if angle <= -180:
        angle += 360
    elif angle > 180:
        angle -= 360
    return angle


# --- checks -------------------------------------------------------------------------------------

# (name, lowest, highest) of each joint, with the figure facing right.
JOINT_LIMITS = {
    "knee": (-5, 155),
    "hip": (-35, 150),
    "ankle": (-50, 35),
    "elbow": (-5, 150),
    "neck": (-50, 50),
}


def joint_angles(frame: Frame) -> Iterator[tuple[str, float]]:
    """(joint name, angle) for every joint of a frame, in the units of JOINT_LIMITS."""
    yield "neck", normalise(frame.head - frame.trunk)
    for side in SIDES:
        thigh, shin, foot = frame.leg(side)
        yield f"{side} hip", normalise(thigh - frame.trunk + 180)
        yield f"{side} knee", normalise(thigh - shin)
        yield f"{side} ankle", normalise(foot - shin - 90)
        upper, fore = frame.arm(side)
        yield f"{side} elbow", normalise(fore - upper)


BODY_POINTS: tuple[str, ...] = tuple(point for point in get_args(FigurePoint) if point != "head")


def _surfaces(pose: Pose) -> list[tuple[float, float, float, str]]:
    """(left, right, height, name) of everything a foot can stand on."""
    floor = MAT_TOP if pose.props_of("mat") else FLOOR
    found = [(-math.inf, math.inf, float(FLOOR), "floor")]
    if pose.props_of("mat"):
        found.append((MAT_LEFT, MAT_RIGHT, float(floor), "mat"))
    for step in pose.props_of("step"):
        left, width = step.x or 0, step.width or 0
        found.append((left, left + width, float(STEP_TOP), "step"))
    return found


def _inside_prop(pose: Pose, name: str, point: Point) -> str | None:
    """The prop a point is buried in (more than TOLERANCE inside its surface), if any."""
    x, y = point
    inside = TOLERANCE
    for prop in pose.props:
        if prop.prop == "wall" and prop.x is not None and x > prop.x + inside:
            return "the wall"
        left, width = prop.x or 0, prop.width or 0
        if (
            prop.prop == "step"
            and left + inside < x < left + width - inside
            and y > STEP_TOP + inside
        ):
            return "the step"
        if prop.prop == "bed" and BED_LEFT < x < BED_RIGHT and BED_TOP + inside < y < BED_BOTTOM:
            return "the mattress"
        if prop.prop == "mat" and MAT_LEFT < x < MAT_RIGHT and y > MAT_TOP + inside:
            return "the mat"
        in_seat = abs(x - left) < CHAIR_HALF - inside and CHAIR_SEAT + inside < y < CHAIR_SEAT + 6
        if prop.prop == "chair" and in_seat:
            return "the chair seat"
        if prop.prop in ("roller", "ball") and prop.x is not None and prop.y is not None:
            radius = ROLLER_RADIUS if prop.prop == "roller" else BALL_RADIUS
            if math.dist((x, y), (prop.x, prop.y)) < radius - inside:
                return f"the {prop.prop}"
    return None


def _foot_rests(pose: Pose, found: dict[str, Point], side: Side) -> bool:
    for part in ("heel", "ball", "toe"):
        x, y = found[f"{side}_{part}"]
        for left, right, height, _name in _surfaces(pose):
            if left <= x <= right and abs(y - height) <= TOLERANCE:
                return True
    return False


def _hip_seated(pose: Pose, hip: Point) -> bool:
    x, y = hip
    for chair in pose.props_of("chair"):
        if abs(x - (chair.x or 0)) <= CHAIR_HALF + TOLERANCE and CHAIR_SEAT - 8 <= y <= CHAIR_SEAT:
            return True
    if pose.props_of("bed") and _hip_on_bed(hip):
        return True
    return _hip_on_floor(pose, hip)


def _hip_on_bed(hip: Point) -> bool:
    x, y = hip
    return BED_LEFT <= x <= BED_RIGHT and BED_TOP - 12 <= y <= BED_TOP


def _hip_on_floor(pose: Pose, hip: Point) -> bool:
    surface = MAT_TOP if pose.props_of("mat") else FLOOR
    return surface - 12 <= hip[1] <= surface


def _lowest(found: dict[str, Point]) -> float:
    return max([found[name][1] for name in BODY_POINTS] + [found["head"][1] + HEAD_RADIUS])


def frame_problems(pose: Pose, frame: Frame, position: str) -> list[str]:
    """What is impossible about one frame (without naming the keyframe)."""
    problems: list[str] = []
    for joint, angle in joint_angles(frame):
        low, high = JOINT_LIMITS[joint.split()[-1]]
        if not low <= angle <= high:
            problems.append(f"{joint} angle {angle:.0f} is outside {low}…{high}")
    found = points(frame)
    head_x, head_y = found["head"]
    if not (
        HEAD_RADIUS <= head_x <= WIDTH - HEAD_RADIUS
        and HEAD_RADIUS <= head_y <= HEIGHT - HEAD_RADIUS
    ):
        problems.append(f"the head ({head_x:.0f}, {head_y:.0f}) is not inside the picture")
    floor = MAT_TOP if pose.props_of("mat") else FLOOR
    if head_y + HEAD_RADIUS > floor + TOLERANCE:
        problems.append(f"the head ({head_x:.0f}, {head_y:.0f}) goes through the floor")
    for name in BODY_POINTS:
        x, y = found[name]
        label = name.replace("_", " ")
        if not (0 <= x <= WIDTH and 0 <= y <= HEIGHT):
            problems.append(f"the {label} ({x:.0f}, {y:.0f}) is outside the picture")
        elif y > FLOOR + TOLERANCE:
            problems.append(f"the {label} ({x:.0f}, {y:.0f}) is below the floor")
        else:
            prop = _inside_prop(pose, name, (x, y))
            if prop:
                problems.append(f"the {label} ({x:.0f}, {y:.0f}) is inside {prop}")
    in_bed = head_y + HEAD_RADIUS > BED_TOP + TOLERANCE and BED_LEFT < head_x < BED_RIGHT
    if pose.props_of("bed") and in_bed:
        problems.append(f"the head ({head_x:.0f}, {head_y:.0f}) sinks into the mattress")
    problems.extend(_position_problems(pose, frame, found, position))
    return problems


def _position_problems(
    pose: Pose, frame: Frame, found: dict[str, Point], position: str
) -> list[str]:
    problems: list[str] = []
    resting = {side: _foot_rests(pose, found, side) for side in SIDES}
    if position == "standing":
        for side in SIDES:
            if side not in frame.lifted and not resting[side]:
                problems.append(
                    f"the {side} foot is not on the floor or a step (say lifted: [{side}] "
                    "if it is off the ground on purpose)"
                )
        if not any(resting.values()):
            problems.append("neither foot is on the floor or a step")
    elif position == "seated":
        if not _hip_seated(pose, found["hip"]) and not all(resting.values()):
            problems.append(
                "the hip is not on a chair seat, a bed or the floor (and the person is not "
                "standing on both feet)"
            )
    elif position == "in_bed":
        if not pose.props_of("bed"):
            problems.append("an in-bed exercise needs a bed prop")
        elif not _hip_on_bed(found["hip"]):
            hip_x, hip_y = found["hip"]
            problems.append(f"the hip ({hip_x:.0f}, {hip_y:.0f}) is not on the bed")
    elif position == "floor":
        surface = MAT_TOP if pose.props_of("mat") else FLOOR
        if _lowest(found) < surface - 4:
            problems.append("the body does not touch the floor or the mat")
    return problems


def pose_problems(exercise: Exercise) -> list[str]:
    """Every problem with an exercise's pose, each naming the keyframe it is in."""
    pose = exercise.pose
    if pose is None:
        return []
    problems: list[str] = []
    highlight = pose.highlight
    if highlight is not None and highlight.muscle not in exercise.target_muscles:
        problems.append(
            f"pose: highlighted muscle {highlight.muscle} is not one of the target muscles "
            f"({', '.join(exercise.target_muscles)})"
        )
    if exercise.position == "seated":
        start = points(resolve(pose)[0])["hip"]
        if not _hip_seated(pose, start):
            problems.append("pose keyframe 1: a seated exercise starts with the hip on a seat")
    for number, frame in enumerate(resolve(pose), start=1):
        for problem in frame_problems(pose, frame, exercise.position):
            problems.append(f"pose keyframe {number}: {problem}")
    return problems


def fingerprint(pose: Pose) -> tuple[object, ...]:
    """What the picture looks like, rounded, to find two exercises sharing one picture."""
    frames = tuple(
        tuple(
            round(value)
            for value in (
                *frame.hip,
                frame.trunk,
                frame.head,
                *frame.near_leg,
                *frame.far_leg,
                *frame.near_arm,
                *frame.far_arm,
            )
        )
        for frame in resolve(pose)
    )
    props = tuple(sorted(repr(prop.model_dump()) for prop in pose.props))
    return (pose.mirror, props, frames)


def shared_pictures(exercises: list[Exercise]) -> list[str]:
    """Problems for exercises whose pictures are identical."""
    seen: dict[tuple[object, ...], str] = {}
    problems: list[str] = []
    for exercise in exercises:
        if exercise.pose is None:
            continue
        key = fingerprint(exercise.pose)
        if key in seen:
            problems.append(f"{exercise.id}: pose is the same picture as {seen[key]}'s")
        else:
            seen[key] = exercise.id
    return problems


def highlighted(exercise: Exercise) -> Highlight | None:
    pose = exercise.pose
    if pose is None:
        return None
    return pose.highlight or Highlight(muscle=exercise.target_muscles[0], side="near")
