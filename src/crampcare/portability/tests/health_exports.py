"""Small Apple Health exports in Apple's own format, for the import's tests."""

from __future__ import annotations

import io
import zipfile

DOCTYPE = """<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 14 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  value         CDATA #IMPLIED
>
]>
"""

PHONE = 'sourceName="Ann’s iPhone" sourceVersion="17.5"'
WATCH = 'sourceName="Ann’s Apple Watch" sourceVersion="10.5"'


def steps(start: str, end: str, value: int, source: str = WATCH) -> str:
    return (
        f'<Record type="HKQuantityTypeIdentifierStepCount" {source} unit="count" '
        f'creationDate="{end}" startDate="{start}" endDate="{end}" value="{value}"/>'
    )


def water(at: str, value: float, unit: str = "mL") -> str:
    return (
        f'<Record type="HKQuantityTypeIdentifierDietaryWater" sourceName="WaterMinder" '
        f'unit="{unit}" creationDate="{at}" startDate="{at}" endDate="{at}" value="{value}"/>'
    )


def stand(at: str, minutes: int) -> str:
    return (
        f'<Record type="HKQuantityTypeIdentifierAppleStandTime" {WATCH} unit="min" '
        f'creationDate="{at}" startDate="{at}" endDate="{at}" value="{minutes}"/>'
    )


def sleep(start: str, end: str, value: str = "AsleepCore", source: str = WATCH) -> str:
    return (
        f'<Record type="HKCategoryTypeIdentifierSleepAnalysis" {source} '
        f'creationDate="{end}" startDate="{start}" endDate="{end}" '
        f'value="HKCategoryValueSleepAnalysis{value}">'
        '<MetadataEntry key="HKTimeZone" value="Europe/London"/></Record>'
    )


def workout(
    start: str,
    end: str,
    minutes: float,
    kind: str = "Running",
    *,
    temperature: str | None = None,
    indoor: bool = False,
    mets: float | None = None,
    energy: float | None = None,
) -> str:
    metadata = f'<MetadataEntry key="HKIndoorWorkout" value="{int(indoor)}"/>'
    if temperature is not None:
        metadata += f'<MetadataEntry key="HKWeatherTemperature" value="{temperature}"/>'
    if mets is not None:
        metadata += f'<MetadataEntry key="HKAverageMETs" value="{mets} kcal/hr·kg"/>'
    statistics = (
        f'<WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" '
        f'startDate="{start}" endDate="{end}" sum="{energy}" unit="kcal"/>'
        if energy is not None
        else ""
    )
    return (
        f'<Workout workoutActivityType="HKWorkoutActivityType{kind}" duration="{minutes}" '
        f'durationUnit="min" {WATCH} creationDate="{end}" startDate="{start}" endDate="{end}">'
        f"{metadata}"
        f'<WorkoutEvent type="HKWorkoutEventTypeSegment" date="{start}" duration="10" '
        'durationUnit="min"/>'
        f"{statistics}</Workout>"
    )


def export_xml(*records: str, doctype: str = DOCTYPE, encoding: str = "utf-8") -> bytes:
    body = (
        f'<?xml version="1.0" encoding="{"UTF-16" if encoding.startswith("utf-16") else "UTF-8"}"?>\n'
        f"{doctype}"
        '<HealthData locale="en_GB">\n'
        ' <ExportDate value="2024-06-10 08:00:00 +0100"/>\n'
        ' <Me HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale"/>\n'
        + "".join(f" {record}\n" for record in records)
        + "</HealthData>\n"
    )
    return body.encode(encoding)


def export_zip(xml: bytes, *, name: str = "apple_health_export/export.xml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, xml)
        archive.writestr("apple_health_export/export_cda.xml", "<ClinicalDocument/>")
        archive.writestr(
            "apple_health_export/workout-routes/route_2024-06-05_6.45pm.gpx", "<gpx></gpx>"
        )
    return buffer.getvalue()


# One day in June 2024 (London, BST): the phone and the watch count the same walk; water; a
# night's sleep with one awakening; a hot run.
JUNE_5 = (
    steps("2024-06-05 09:00:00 +0100", "2024-06-05 09:10:00 +0100", 1200, PHONE),
    steps("2024-06-05 09:00:00 +0100", "2024-06-05 09:10:00 +0100", 1300),
    steps("2024-06-05 17:00:00 +0100", "2024-06-05 17:30:00 +0100", 11500),
    water("2024-06-05 09:00:00 +0100", 500),
    water("2024-06-05 13:00:00 +0100", 0.5, "L"),
    water("2024-06-05 19:00:00 +0100", 8.4535, "fl_oz_us"),
    stand("2024-06-05 10:00:00 +0100", 7),
    stand("2024-06-05 11:00:00 +0100", 5),
    sleep("2024-06-05 22:30:00 +0100", "2024-06-06 07:00:00 +0100", "InBed", PHONE),
    sleep("2024-06-05 23:00:00 +0100", "2024-06-06 02:00:00 +0100", "AsleepCore"),
    sleep("2024-06-06 02:00:00 +0100", "2024-06-06 02:20:00 +0100", "Awake"),
    sleep("2024-06-06 02:20:00 +0100", "2024-06-06 04:00:00 +0100", "AsleepDeep"),
    sleep("2024-06-06 04:00:00 +0100", "2024-06-06 05:00:00 +0100", "AsleepREM"),
    workout(
        "2024-06-05 18:00:00 +0100",
        "2024-06-05 18:45:00 +0100",
        45,
        temperature="84 degF",
        energy=450,
    ),
)
