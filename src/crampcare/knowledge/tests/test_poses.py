"""Exercise pictures: the pose schema and its checks, the SVG drawing, and the real content."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from defusedxml import ElementTree
from pydantic import ValidationError

from crampcare.knowledge import pose_svg
from crampcare.knowledge.exercise_schema import Exercise, load_exercises, parse_exercises
from crampcare.knowledge.poses import Pose, points, resolve
from crampcare.knowledge.tests.test_exercises import exercise_data, library_data

SVG = "{http://www.w3.org/2000/svg}"

STANDING = {
    "hip": [120, 80],
    "trunk": 90,
    "near_leg": [-90, -90, 0],
    "far_leg": [-92, -88, 0],
    "near_arm": [-90, -85],
    "far_arm": [-95, -88],
}
SEATED = {
    "hip": [100, 100],
    "trunk": 90,
    "near_leg": [-25, -90, 0],
    "far_leg": [-28, -92, 0],
    "near_arm": [-70, -10],
    "far_arm": [-75, -15],
}


def pose_of(*keyframes: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"keyframes": [copy.deepcopy(frame) for frame in keyframes], **fields}


def standing(*keyframes: dict[str, Any], **fields: Any) -> dict[str, Any]:
    cautions = [
        {
            "condition": "balance_problems",
            "action": "modify",
            "advice": {"en": "Hold on."},
            "references": ["R41"],
        }
    ]
    return exercise_data(
        position="standing",
        equipment=["none"],
        cautions=cautions,
        pose=pose_of(*keyframes, **fields),
    )


def seated(*keyframes: dict[str, Any], **fields: Any) -> dict[str, Any]:
    fields.setdefault("props", [{"prop": "chair", "x": 100}])
    return exercise_data(pose=pose_of(*keyframes, **fields))


def refused(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        Exercise.model_validate(data)
    return str(caught.value)


# ---------------------------------------------------------------- accepted poses


def test_it_accepts_a_plain_standing_and_seated_pose() -> None:
    assert Exercise.model_validate(standing(STANDING)).pose is not None
    assert Exercise.model_validate(seated(SEATED)).pose is not None


def test_it_fills_a_keyframe_from_the_one_before() -> None:
    pose = Pose.model_validate(pose_of(STANDING, {"trunk": 80, "hold": 3}, {"near_arm": [0, 0]}))
    first, second, third = resolve(pose)
    assert second.hip == first.hip
    assert second.near_leg == first.near_leg
    assert (second.trunk, second.hold) == (80, 3)
    # The head turns with the trunk when it is left out.
    assert second.head == 80
    assert (third.trunk, third.hold, third.near_arm) == (80, 3, (0, 0))
    assert first.hold == 1


def test_it_places_points_with_y_downwards_and_the_given_bone_lengths() -> None:
    found = points(resolve(Pose.model_validate(pose_of(STANDING)))[0])
    assert found["shoulder"] == pytest.approx((120, 36))
    assert found["head"] == pytest.approx((120, 18))
    assert found["near_ankle"] == pytest.approx((120, 150))
    assert found["near_toe"] == pytest.approx((134, 150))
    assert found["near_heel"] == pytest.approx((116, 150))


def test_a_lifted_foot_may_leave_the_floor() -> None:
    marching = dict(STANDING, near_leg=[-10, -90, 0], lifted=["near"])
    assert Exercise.model_validate(standing(STANDING, marching)).pose is not None


def test_a_heel_dropped_off_a_step_stands_on_the_ball_of_the_foot() -> None:
    # Leaning forward on the rail, so the head stays in the picture above the step.
    hip = [100, 67.4]
    heel_drop = dict(STANDING, hip=hip, trunk=60, near_leg=[-90, -90, 20], far_leg=[-90, -90, 0])
    # The ball of the near foot is on the step's edge (134), the heel sinks below it.
    props = [{"prop": "step", "x": 105, "width": 60}]
    data = standing(heel_drop, props=props)
    found = points(resolve(Pose.model_validate(data["pose"]))[0])
    assert found["near_heel"][1] > 134
    # The far foot hangs in the air beside the step, so it must say so.
    assert "the far foot is not on the floor or a step" in refused(data)
    heel_drop["far_leg"] = [-45, -90, 0]
    heel_drop["lifted"] = ["far"]
    assert Exercise.model_validate(standing(heel_drop, props=props)).pose is not None


# ---------------------------------------------------------------- refused poses, one of each kind


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"near_leg": [-90, -60, 0]}, "pose keyframe 2: near knee angle -30 is outside -5…155"),
        ({"far_leg": [-130, -130, 0]}, "far hip angle -40 is outside -35…150"),
        ({"near_leg": [-90, -90, 60]}, "near ankle angle 60 is outside -50…35"),
        ({"near_leg": [-90, -90, -70]}, "near ankle angle -70 is outside -50…35"),
        ({"near_arm": [0, -30]}, "near elbow angle -30 is outside -5…150"),
        ({"head": 160}, "neck angle 70 is outside -50…50"),
    ],
)
def test_it_refuses_a_joint_bent_past_its_limit(change: dict[str, Any], message: str) -> None:
    text = refused(standing(STANDING, dict(change, lifted=["near", "far"])))
    assert "test-stretch" in text
    assert message in text


def test_it_refuses_a_figure_outside_the_picture() -> None:
    text = refused(standing(dict(STANDING, hip=[235, 80])))
    assert "pose keyframe 1: the near toe (249, 150) is outside the picture" in text
    assert "the head (235, 18) is not inside the picture" in refused(
        standing(dict(STANDING, hip=[235, 80]))
    )


def test_it_refuses_a_figure_through_the_floor() -> None:
    text = refused(standing(dict(STANDING, hip=[120, 84])))
    assert "the near ankle (120, 154) is below the floor" in text


def test_it_refuses_a_hand_through_the_wall() -> None:
    reaching = dict(STANDING, near_arm=[0, 0])
    text = refused(standing(reaching, props=[{"prop": "wall", "x": 150}]))
    assert "the near hand (170, 36) is inside the wall" in text


def test_it_refuses_a_standing_foot_in_the_air() -> None:
    text = refused(standing(dict(STANDING, hip=[120, 70])))
    assert "the near foot is not on the floor or a step" in text
    assert "neither foot is on the floor or a step" in text


def test_it_refuses_a_seated_hip_that_is_not_on_a_seat() -> None:
    text = refused(seated(dict(SEATED, hip=[160, 100])))
    assert "a seated exercise starts with the hip on a seat" in text


def test_it_refuses_an_in_bed_exercise_without_a_bed_or_off_the_bed() -> None:
    lying = {
        "hip": [120, 106],
        "trunk": 180,
        "head": 170,
        "near_leg": [0, 0, 90],
        "far_leg": [2, 0, 90],
        "near_arm": [0, 5],
        "far_arm": [2, 6],
    }
    in_bed = exercise_data(position="in_bed", equipment=["bed"], pose=pose_of(lying))
    assert "an in-bed exercise needs a bed prop" in refused(in_bed)
    in_bed["pose"]["props"] = [{"prop": "bed"}]
    assert Exercise.model_validate(in_bed).pose is not None
    in_bed["pose"]["keyframes"][0]["hip"] = [120, 80]
    assert "the hip (120, 80) is not on the bed" in refused(in_bed)


def test_it_refuses_a_floor_exercise_floating_above_the_floor() -> None:
    lying = {
        "hip": [120, 120],
        "trunk": 180,
        "head": 165,
        "near_leg": [0, 0, 90],
        "far_leg": [2, 0, 90],
        "near_arm": [0, 5],
        "far_arm": [2, 6],
    }
    on_floor = exercise_data(position="floor", equipment=["none"], pose=pose_of(lying))
    assert "the body does not touch the floor or the mat" in refused(on_floor)
    on_floor["pose"]["keyframes"][0]["hip"] = [120, 144]
    assert Exercise.model_validate(on_floor).pose is not None


def test_it_refuses_a_head_sunk_into_the_floor() -> None:
    lying = {
        "hip": [120, 144],
        "trunk": 180,
        "near_leg": [0, 0, 90],
        "far_leg": [2, 0, 90],
        "near_arm": [0, 5],
        "far_arm": [2, 6],
    }
    on_floor = exercise_data(position="floor", equipment=["none"], pose=pose_of(lying))
    assert "the head (58, 144) goes through the floor" in refused(on_floor)


def test_it_refuses_a_highlight_on_a_muscle_the_exercise_does_not_work() -> None:
    data = seated(SEATED, highlight={"muscle": "hamstrings"})
    assert "highlighted muscle hamstrings is not one of the target muscles (calf)" in refused(data)


@pytest.mark.parametrize(
    ("pose", "message"),
    [
        (pose_of({"hip": [1, 2]}), "keyframe 1 must give trunk, near_leg, far_leg"),
        (pose_of(SEATED, props=[{"prop": "step", "x": 10}]), "prop step needs width"),
        (pose_of(SEATED, props=[{"prop": "bed", "x": 10}]), "prop bed does not take x"),
        (pose_of(SEATED, props=[{"prop": "towel", "from": "near_hand"}]), "needs to"),
        (pose_of(SEATED, props=[{"prop": "sofa"}]), "prop"),
        (pose_of(dict(SEATED, near_leg=[1, 2])), "near_leg"),
        (pose_of(*[SEATED] * 5), "at most 4"),
        (pose_of(SEATED, move=0), "move"),
        (pose_of(dict(SEATED, elbow=3)), "Extra inputs are not permitted"),
    ],
)
def test_it_refuses_a_malformed_pose(pose: dict[str, Any], message: str) -> None:
    assert message in refused(exercise_data(pose=pose))


def test_it_names_the_keyframe_a_problem_is_in() -> None:
    text = refused(seated(SEATED, {"trunk": 90}, {"near_arm": [0, -60]}))
    assert "test-stretch: pose keyframe 3: near elbow angle -60" in text
    assert "keyframe 1:" not in text
    assert "keyframe 2:" not in text


def test_it_refuses_two_exercises_with_the_same_picture() -> None:
    first = seated(SEATED)
    second = seated(SEATED)
    second["id"] = "test-other"
    with pytest.raises(ValidationError, match="test-other: pose is the same picture as"):
        parse_exercises(library_data(first, second))
    second["pose"]["mirror"] = True
    assert len(parse_exercises(library_data(first, second))) == 2


# ---------------------------------------------------------------- drawing


def drawn(data: dict[str, Any], still: bool = False) -> Any:
    return ElementTree.fromstring(pose_svg.exercise_svg(Exercise.model_validate(data), still=still))


def test_it_draws_an_accessible_animated_svg() -> None:
    svg = drawn(seated(SEATED, {"near_leg": [0, -90, 0], "hold": 2}))
    assert svg.tag == f"{SVG}svg"
    assert svg.get("viewBox") == "0 0 240 160"
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == "Test stretch"
    assert svg.find(f"{SVG}title").text == "Test stretch"
    animations = svg.findall(f".//{SVG}animate")
    assert animations
    assert all(a.get("repeatCount") == "indefinite" for a in animations)
    # One loop: hold 1 s, move 1.5 s, hold 2 s, move back 1.5 s.
    assert {a.get("dur") for a in animations} == {"6s"}
    style = svg.find(f"{SVG}style").text
    assert "@media (prefers-reduced-motion:reduce)" in style
    assert "@media (prefers-color-scheme:dark)" in style
    # Under reduced motion the still figure shows the keyframe held longest.
    still = svg.find(f".//{SVG}g[@class='still']")
    assert still is not None
    assert not still.findall(f".//{SVG}animate")


def test_it_highlights_the_muscle_in_the_accent_colour() -> None:
    svg = drawn(seated(SEATED))
    highlight = svg.findall(f".//{SVG}polyline[@class='hl']")
    assert len(highlight) == 1
    assert "stroke-width:10" in svg.find(f"{SVG}style").text


def test_it_draws_a_pose_that_never_moves_without_animation() -> None:
    svg = drawn(seated(SEATED))
    assert not svg.findall(f".//{SVG}animate")


def test_it_draws_start_and_end_side_by_side() -> None:
    svg = drawn(seated(SEATED, {"near_leg": [0, -90, 0]}), still=True)
    assert svg.get("viewBox") == "0 0 480 160"
    assert not svg.findall(f".//{SVG}animate")


def test_the_still_for_the_report_needs_no_style_sheet() -> None:
    exercise = Exercise.model_validate(seated(SEATED, {"near_leg": [0, -90, 0]}))
    assert exercise.pose is not None
    text = pose_svg.still_svg(exercise.pose, "Test", None)
    svg = ElementTree.fromstring(text)
    assert svg.find(f"{SVG}style") is None
    assert 'stroke="#1b1f23"' in text


def test_it_mirrors_the_whole_picture() -> None:
    svg = drawn(seated(SEATED, mirror=True))
    assert svg.find(f"{SVG}g").get("transform") == "matrix(-1 0 0 1 240 0)"


def test_it_keeps_limbs_their_length_while_moving() -> None:
    pose = Pose.model_validate(pose_of(STANDING, {"near_leg": [0, -90, 0]}))
    _total, samples = pose_svg.timeline(pose)
    for _time, frame in samples:
        found = points(frame)
        hip, knee = found["hip"], found["near_knee"]
        assert ((knee[0] - hip[0]) ** 2 + (knee[1] - hip[1]) ** 2) ** 0.5 == pytest.approx(36)


# ---------------------------------------------------------------- the real library


def test_every_written_pose_draws_a_distinct_valid_picture() -> None:
    pictures = {}
    for exercise in load_exercises().values():
        if exercise.pose is None:
            continue
        text = pose_svg.exercise_svg(exercise)
        ElementTree.fromstring(text)
        assert str(exercise.name) in text
        pictures[exercise.id] = text
    assert pictures
    assert len(set(pictures.values())) == len(pictures)


def test_every_exercise_has_a_pose() -> None:
    missing = [key for key, exercise in load_exercises().items() if exercise.pose is None]
    assert not missing, f"exercises without a pose: {', '.join(missing)}"
