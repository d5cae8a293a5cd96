"""A synthetic Apple Health export.xml in Apple's exact format, for the import benchmark.

About a million records (~275 MB of XML) over three years, from a fixed seed: step counts from an
iPhone and an Apple Watch that overlap (as real exports do), water, standing time, sleep stages
(iOS 16 values, each with a nested MetadataEntry), workouts with WorkoutEvent,
WorkoutStatistics and MetadataEntry (temperature, METs, indoor), Correlations, and one
ActivitySummary per day. Written to benchmarks/apple_health/data/ (git-ignored).

    .venv/bin/python benchmarks/apple_health/generate.py [--days 1330] [--zip] [--out DIR]
"""

# ruff: noqa: E501  (Apple's DOCTYPE and device strings are copied as they are)
from __future__ import annotations

import argparse
import random
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
ZONE = ZoneInfo("Europe/London")
SEED = 20240605

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 14 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord|Audiogram|VisionPrescription)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth                   CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBiologicalSex                 CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBloodType                     CDATA #REQUIRED
  HKCharacteristicTypeIdentifierFitzpatrickSkinType           CDATA #REQUIRED
  HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse   CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>
<!ATTLIST Workout
  workoutActivityType   CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
  sourceName            CDATA #REQUIRED
  sourceVersion         CDATA #IMPLIED
  device                CDATA #IMPLIED
  creationDate          CDATA #IMPLIED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
>
<!ELEMENT WorkoutEvent (MetadataEntry*)>
<!ATTLIST WorkoutEvent
  type         CDATA #REQUIRED
  date         CDATA #REQUIRED
  duration     CDATA #IMPLIED
  durationUnit CDATA #IMPLIED
>
<!ELEMENT WorkoutStatistics EMPTY>
<!ATTLIST WorkoutStatistics
  type      CDATA #REQUIRED
  startDate CDATA #REQUIRED
  endDate   CDATA #REQUIRED
  average   CDATA #IMPLIED
  minimum   CDATA #IMPLIED
  maximum   CDATA #IMPLIED
  sum       CDATA #IMPLIED
  unit      CDATA #IMPLIED
>
<!ELEMENT ActivitySummary EMPTY>
<!ATTLIST ActivitySummary
  dateComponents           CDATA #IMPLIED
  activeEnergyBurned       CDATA #IMPLIED
  activeEnergyBurnedGoal   CDATA #IMPLIED
  activeEnergyBurnedUnit   CDATA #IMPLIED
  appleExerciseTime        CDATA #IMPLIED
  appleExerciseTimeGoal    CDATA #IMPLIED
  appleStandHours          CDATA #IMPLIED
  appleStandHoursGoal      CDATA #IMPLIED
>
]>
<HealthData locale="en_GB">
 <ExportDate value="{export_date}"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1960-03-14" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale" HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet" HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet" HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse="None"/>
"""

PHONE = 'sourceName="Ann’s iPhone" sourceVersion="17.5.1"'
WATCH = 'sourceName="Ann’s Apple Watch" sourceVersion="10.5" device="&lt;&lt;HKDevice: 0x28387a620&gt;, name:Apple Watch, hardware:Watch6,1&gt;"'
WATER_APP = 'sourceName="WaterMinder" sourceVersion="5.2"'
STAGES = ("AsleepCore", "AsleepDeep", "AsleepREM", "Awake", "AsleepCore")
WORKOUTS = ("Running", "Walking", "Cycling", "TraditionalStrengthTraining", "Yoga", "Swimming")


def stamp(moment: datetime) -> str:
    return moment.astimezone(ZONE).strftime("%Y-%m-%d %H:%M:%S %z")


def generate(path: Path, days: int, seed: int = SEED) -> int:
    rng = random.Random(seed)
    start = datetime(2021, 6, 1, tzinfo=ZONE)
    records = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        write = out.write
        write(HEADER.replace("{export_date}", stamp(start + timedelta(days=days))))
        for number in range(days):
            day = start + timedelta(days=number)
            lines: list[str] = []
            # Steps: the phone and the watch both count, in overlapping ~6-minute samples.
            for source, samples in ((PHONE, 330), (WATCH, 380)):
                moment = day.replace(hour=7)
                for _ in range(samples):
                    moment += timedelta(seconds=rng.randint(60, 140))
                    end = moment + timedelta(seconds=rng.randint(30, 300))
                    lines.append(
                        f' <Record type="HKQuantityTypeIdentifierStepCount" {source} '
                        f'unit="count" creationDate="{stamp(end)}" startDate="{stamp(moment)}" '
                        f'endDate="{stamp(end)}" value="{rng.randint(3, 55)}"/>\n'
                    )
            for hour in range(8, 21, 2):
                moment = day.replace(hour=hour, minute=rng.randint(0, 59))
                lines.append(
                    f' <Record type="HKQuantityTypeIdentifierDietaryWater" {WATER_APP} '
                    f'unit="mL" creationDate="{stamp(moment)}" startDate="{stamp(moment)}" '
                    f'endDate="{stamp(moment)}" value="{rng.choice((150, 250, 330, 500))}"/>\n'
                )
            for hour in range(7, 22):
                moment = day.replace(hour=hour, minute=rng.randint(0, 50))
                end = moment + timedelta(minutes=rng.randint(1, 9))
                lines.append(
                    f' <Record type="HKQuantityTypeIdentifierAppleStandTime" {WATCH} '
                    f'unit="min" creationDate="{stamp(end)}" startDate="{stamp(moment)}" '
                    f'endDate="{stamp(end)}" value="{rng.randint(1, 9)}"/>\n'
                )
            moment = day.replace(hour=22) + timedelta(minutes=rng.randint(0, 90))
            lines.append(
                f' <Record type="HKCategoryTypeIdentifierSleepAnalysis" {PHONE} '
                f'creationDate="{stamp(moment + timedelta(hours=9))}" startDate="{stamp(moment)}" '
                f'endDate="{stamp(moment + timedelta(hours=8))}" '
                'value="HKCategoryValueSleepAnalysisInBed">\n'
                '  <MetadataEntry key="HKTimeZone" value="Europe/London"/>\n </Record>\n'
            )
            for stage in range(rng.randint(14, 22)):
                end = moment + timedelta(minutes=rng.randint(3, 40))
                lines.append(
                    f' <Record type="HKCategoryTypeIdentifierSleepAnalysis" {WATCH} '
                    f'creationDate="{stamp(end)}" startDate="{stamp(moment)}" '
                    f'endDate="{stamp(end)}" '
                    f'value="HKCategoryValueSleepAnalysis{STAGES[stage % len(STAGES)]}">\n'
                    '  <MetadataEntry key="HKTimeZone" value="Europe/London"/>\n </Record>\n'
                )
                moment = end
            if rng.random() < 0.6:
                kind = rng.choice(WORKOUTS)
                moment = day.replace(hour=rng.choice((7, 12, 18)), minute=rng.randint(0, 59))
                minutes = rng.randint(20, 75)
                end = moment + timedelta(minutes=minutes)
                events = "".join(
                    f'  <WorkoutEvent type="HKWorkoutEventTypeSegment" '
                    f'date="{stamp(moment + timedelta(minutes=10 * k))}" duration="10" '
                    'durationUnit="min"/>\n'
                    for k in range(min(minutes // 10, 6))
                )
                lines.append(
                    f' <Workout workoutActivityType="HKWorkoutActivityType{kind}" '
                    f'duration="{minutes}" durationUnit="min" {WATCH} '
                    f'creationDate="{stamp(end)}" startDate="{stamp(moment)}" '
                    f'endDate="{stamp(end)}">\n'
                    f'  <MetadataEntry key="HKIndoorWorkout" value="{rng.choice((0, 0, 1))}"/>\n'
                    f'  <MetadataEntry key="HKWeatherTemperature" '
                    f'value="{rng.uniform(40, 95):.1f} degF"/>\n'
                    f'  <MetadataEntry key="HKAverageMETs" '
                    f'value="{rng.uniform(2, 11):.4f} kcal/hr·kg"/>\n'
                    f"{events}"
                    f'  <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" '
                    f'startDate="{stamp(moment)}" endDate="{stamp(end)}" '
                    f'sum="{minutes * rng.uniform(4, 11):.2f}" unit="kcal"/>\n'
                    f'  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" '
                    f'startDate="{stamp(moment)}" endDate="{stamp(end)}" '
                    f'average="{rng.randint(95, 160)}" minimum="80" maximum="175" '
                    'unit="count/min"/>\n'
                    " </Workout>\n"
                )
            if rng.random() < 0.1:
                moment = day.replace(hour=13)
                lines.append(
                    ' <Correlation type="HKCorrelationTypeIdentifierFood" '
                    f'{WATER_APP} creationDate="{stamp(moment)}" startDate="{stamp(moment)}" '
                    f'endDate="{stamp(moment)}">\n'
                    f'  <Record type="HKQuantityTypeIdentifierDietaryWater" {WATER_APP} '
                    f'unit="mL" creationDate="{stamp(moment)}" startDate="{stamp(moment)}" '
                    f'endDate="{stamp(moment)}" value="200"/>\n'
                    " </Correlation>\n"
                )
            lines.append(
                f' <ActivitySummary dateComponents="{day:%Y-%m-%d}" '
                f'activeEnergyBurned="{rng.uniform(200, 900):.3f}" activeEnergyBurnedGoal="500" '
                'activeEnergyBurnedUnit="kcal" appleMoveTime="0" appleMoveTimeGoal="0" '
                f'appleExerciseTime="{rng.randint(0, 90)}" appleExerciseTimeGoal="30" '
                f'appleStandHours="{rng.randint(4, 15)}" appleStandHoursGoal="12"/>\n'
            )
            records += len(lines)
            write("".join(lines))
        write("</HealthData>\n")
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=1330)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=DATA)
    parser.add_argument("--zip", action="store_true", help="also write export.zip as the app does")
    args = parser.parse_args()
    folder = args.out / "apple_health_export"
    folder.mkdir(parents=True, exist_ok=True)
    xml = folder / "export.xml"
    records = generate(xml, args.days, args.seed)
    print(f"{xml}: {records:,} records, {xml.stat().st_size / 1e6:,.0f} MB")
    if args.zip:
        target = args.out / "export.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(xml, "apple_health_export/export.xml")
        print(f"{target}: {target.stat().st_size / 1e6:,.0f} MB")


if __name__ == "__main__":
    main()
