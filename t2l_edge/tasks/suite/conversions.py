"""Unit, date, time and numeral conversions with exact whole-number answers."""

from __future__ import annotations

import datetime as dt

from ..format import Metric
from .rows import hand_written
from .wording import Wording

THEME = "conversions"

_ROMAN = ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def _to_roman(n: int) -> str:
    out = ""
    for value, symbol in _ROMAN:
        while n >= value:
            out += symbol
            n -= value
    return out


_FROM_ROMAN = {_to_roman(n): n for n in range(1, 51)}


def _date(rng) -> dt.date:
    return dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(80 * 365))


def _hours_input(rng) -> str:
    return str(rng.randint(1, 24)) if rng.random() < 0.6 else f"{rng.randint(0, 11)}.5"


def _time_24(rng) -> str:
    return f"{rng.randint(0, 23):02d}:{rng.randrange(0, 60, 5):02d}"


def _to_12h(s: str) -> str:
    h, m = (int(x) for x in s.split(":"))
    return f"{(h - 1) % 12 + 1}:{m:02d} {'AM' if h < 12 else 'PM'}"


def _minutes_to_hours(s: str) -> str:
    h, m = divmod(int(s), 60)
    return f"{h}:{m:02d}"


FAMILIES = [
    hand_written(
        "ymd_to_dmy", THEME, Metric.EXACT, lambda rng: _date(rng).isoformat(),
        lambda s: dt.date.fromisoformat(s).strftime("%d/%m/%Y"),
        descriptions=(
            "Convert the date from YYYY-MM-DD to DD/MM/YYYY.",
            "Rewrite the ISO date as day/month/year.",
            "YYYY-MM-DD to DD/MM/YYYY",
            'Reorder the date with slashes, e.g. "2023-04-05" -> "05/04/2023".',
            "How is this date written in the European day/month/year style?",
            "Change the date format so that the day comes first and the year last, separated by slashes.",
            "iso date to dd/mm/yyyy",
            "Take the year, month and day from the dashed date and write them again as two-digit day, two-digit "
            "month and four-digit year joined by slashes.",
            "Could you put this date in DD/MM/YYYY format?",
            "Return the date as day/month/year.",
            "Reformat the date, day first.",
            'Write the date the European way. For example "1999-12-31" becomes "31/12/1999".',
            "ISO date in, DD/MM/YYYY out.",
        ),
        wording=Wording(
            ("convert the ISO date to DD/MM/YYYY", "rewrite the year-month-day date as day/month/year",
             "put the date in day/month/year order with slashes"),
            ("What is this date in DD/MM/YYYY form?", "How is this date written day first?"),
            ("to DD/MM/YYYY", "ISO to day/month/year"),
        ),
    ),
    hand_written(
        "dmy_to_ymd", THEME, Metric.EXACT, lambda rng: _date(rng).strftime("%d/%m/%Y"),
        lambda s: dt.datetime.strptime(s, "%d/%m/%Y").date().isoformat(),
        descriptions=(
            "Convert the date from DD/MM/YYYY to YYYY-MM-DD.",
            "Rewrite the day/month/year date in ISO format.",
            "DD/MM/YYYY to YYYY-MM-DD",
            'Reorder the date with dashes, year first, e.g. "05/04/2023" -> "2023-04-05".',
            "How is this date written in the ISO year-month-day style?",
            "Change the date format so that the year comes first and the day last, separated by dashes.",
            "dd/mm/yyyy to iso date",
            "Take the day, month and year from the slashed date and write them again as four-digit year, two-digit "
            "month and two-digit day joined by dashes.",
            "Could you put this date in YYYY-MM-DD format?",
            "Return the date as year-month-day.",
            "Reformat the date, year first.",
            'Write the date the ISO way. For example "31/12/1999" becomes "1999-12-31".',
            "DD/MM/YYYY in, ISO date out.",
        ),
        wording=Wording(
            ("convert the DD/MM/YYYY date to ISO format", "rewrite the day/month/year date as year-month-day",
             "put the date in year-month-day order with dashes"),
            ("What is this date in YYYY-MM-DD form?", "How is this date written year first?"),
            ("to YYYY-MM-DD", "day/month/year to ISO"),
        ),
    ),
    hand_written(
        "celsius_to_fahrenheit", THEME, Metric.NORMALIZED, lambda rng: str(rng.randrange(-40, 151, 5)),
        lambda s: str(int(s) * 9 // 5 + 32),
        descriptions=(
            "Convert the temperature from Celsius to Fahrenheit.",
            "How many degrees Fahrenheit is this many degrees Celsius?",
            "C to F",
            'Multiply by 9/5 and add 32, e.g. "100" -> "212".',
            "What is this Celsius temperature in Fahrenheit?",
            "Turn degrees Celsius into degrees Fahrenheit.",
            "celsius to fahrenheit",
            "The input is a temperature in degrees Celsius; work out the same temperature on the Fahrenheit scale and "
            "write it as a whole number.",
            "Give the Fahrenheit value.",
            "Return the temperature in Fahrenheit.",
            "Convert °C to °F.",
            'Change the temperature to Fahrenheit. For example "20" gives "68".',
            "If it is this many degrees Celsius, how warm is it in Fahrenheit?",
        ),
        wording=Wording(
            ("convert the temperature from degrees Celsius to degrees Fahrenheit",
             "give the Celsius temperature in Fahrenheit",
             "turn the Celsius reading into Fahrenheit, as a whole number"),
            ("What is this many degrees Celsius in Fahrenheit?",
             "How warm is this Celsius temperature on the Fahrenheit scale?"),
            ("Celsius to Fahrenheit", "°C -> °F"),
        ),
    ),
    hand_written(
        "km_to_m", THEME, Metric.NORMALIZED,
        lambda rng: str(rng.randint(1, 99)) if rng.random() < 0.7 else f"{rng.randint(0, 20)}.5",
        lambda s: str(round(float(s) * 1000)),
        descriptions=(
            "Convert kilometers to meters.",
            "How many meters are in this many kilometers?",
            "km to m",
            'Multiply the kilometers by 1000, e.g. "3" -> "3000".',
            "What is this distance in meters?",
            "Turn the number of kilometres into metres.",
            "kilometers to meters",
            "The input is a distance in kilometers; write the same distance measured in meters as a whole number.",
            "Give the length in meters.",
            "Return the meter value.",
            "Convert km into m.",
            'Change the distance to meters. For example "2.5" gives "2500".',
            "If a road is this many kilometers long, how many meters is that?",
        ),
        wording=Wording(
            ("convert the kilometres to metres", "give the distance in metres",
             "turn the number of kilometers into meters"),
            ("How many metres is this many kilometres?", "What is this distance in metres?"),
            ("km -> m", "kilometres to metres"),
        ),
    ),
    hand_written(
        "minutes_to_hours", THEME, Metric.EXACT, lambda rng: str(rng.randint(1, 599)), _minutes_to_hours,
        descriptions=(
            "Convert the minutes to hours and minutes (h:mm).",
            "How many hours and minutes is this many minutes? Answer as h:mm.",
            "minutes to h:mm",
            'Split the minutes into hours and leftover minutes, e.g. "135" -> "2:15".',
            "What is this duration in hours:minutes?",
            "Write the number of minutes as hours, a colon, and two-digit minutes.",
            "mins to hours",
            "Divide the minutes by 60; write the whole hours, then a colon, then the remaining minutes padded to two "
            "digits.",
            "Express the minutes as a clock-style duration.",
            "Return h:mm for the given minutes.",
            "Convert minutes into hours and minutes.",
            'Turn the minute count into hours and minutes. For example "75" gives "1:15".',
            "How long is this in hours, written h:mm?",
        ),
        wording=Wording(
            ("convert the minutes to hours and minutes, written h:mm",
             "write the number of minutes as hours, a colon and two-digit minutes",
             "turn the minutes into an h:mm duration"),
            ("How many hours and minutes is that, as h:mm?", "What is this number of minutes in h:mm?"),
            ("minutes -> h:mm", "to h:mm"),
        ),
    ),
    hand_written(
        "hours_to_minutes", THEME, Metric.NORMALIZED, _hours_input, lambda s: str(round(float(s) * 60)),
        descriptions=(
            "Convert hours to minutes.",
            "How many minutes are in this many hours?",
            "hours to minutes",
            'Multiply the hours by 60, e.g. "3" -> "180".',
            "What is this duration in minutes?",
            "Turn the number of hours into minutes.",
            "h to min",
            "The input is a length of time in hours; write the same length of time in minutes as a whole number.",
            "Give the number of minutes.",
            "Return the minute count.",
            "Convert hrs into mins.",
            'Change the hours to minutes. For example "1.5" gives "90".',
            "If a film lasts this many hours, how many minutes is that?",
        ),
        wording=Wording(
            ("convert the hours to minutes", "give the number of minutes in that many hours",
             "turn the hours into minutes, as a whole number"),
            ("How many minutes is this many hours?", "What is this duration in minutes?"),
            ("hours -> minutes", "in minutes"),
        ),
    ),
    hand_written(
        "weeks_to_days", THEME, Metric.NORMALIZED, lambda rng: str(rng.randint(1, 52)), lambda s: str(int(s) * 7),
        descriptions=(
            "Convert weeks to days.",
            "How many days are in this many weeks?",
            "weeks to days",
            'Multiply the weeks by 7, e.g. "3" -> "21".',
            "What is this number of weeks in days?",
            "Turn the weeks into days.",
            "w to d",
            "The input counts weeks; each week has seven days, so write how many days that is in total.",
            "Give the number of days.",
            "Return the day count.",
            "Convert weeks into days.",
            'Change the weeks to days. For example "10" gives "70".',
            "If a holiday lasts this many weeks, how many days is that?",
        ),
        wording=Wording(
            ("convert the weeks to days", "give the number of days in that many weeks",
             "turn the weeks into days, seven to a week"),
            ("How many days is this many weeks?", "What is this number of weeks in days?"),
            ("weeks -> days", "in days"),
        ),
    ),
    hand_written(
        "to_roman", THEME, Metric.EXACT, lambda rng: str(rng.randint(1, 50)), lambda s: _to_roman(int(s)),
        descriptions=(
            "Write the number in Roman numerals.",
            "Convert the number to a Roman numeral.",
            "to roman",
            'Use I, V, X and L to write the number, e.g. "14" -> "XIV".',
            "What is this number as a Roman numeral?",
            "Turn the Arabic number into Roman numerals.",
            "roman numeral",
            "Write the number the way the ancient Romans did, using the letters I, V, X and L with subtractive "
            "forms like IV and IX.",
            "How would the Romans write this number?",
            "Return the Roman numeral.",
            "Number to Roman.",
            'Convert to Roman numerals. For example "9" gives "IX".',
            "Roman numeral, please.",
        ),
        wording=Wording(
            ("write the number in Roman numerals", "convert the number to a Roman numeral",
             "turn the number into Roman numerals such as XIV"),
            ("What is this number in Roman numerals?", "How is this number written as a Roman numeral?"),
            ("Roman numerals", "as a Roman numeral"),
        ),
    ),
    hand_written(
        "from_roman", THEME, Metric.NORMALIZED, lambda rng: _to_roman(rng.randint(1, 50)), lambda s: str(_FROM_ROMAN[s]),
        descriptions=(
            "Convert the Roman numeral to a number.",
            "What number is this Roman numeral?",
            "from roman",
            'Read the Roman numeral and write it with digits, e.g. "XIV" -> "14".',
            "What is the value of these Roman letters?",
            "Turn the Roman numeral into an ordinary number.",
            "roman to arabic",
            "Add up the values of the Roman letters I, V, X and L, subtracting a letter when it stands before a "
            "bigger one, and write the total in digits.",
            "How much is this Roman numeral worth?",
            "Return the number in digits.",
            "Roman to number.",
            'Decode the Roman numeral. For example "IX" gives "9".',
            "Digits for this numeral, please.",
        ),
        wording=Wording(
            ("convert the Roman numeral to an ordinary number", "write the value of the Roman numeral in digits",
             "turn the Roman numeral into an Arabic number"),
            ("What number does this Roman numeral stand for?", "How much is this Roman numeral in digits?"),
            ("Roman to digits", "value of the numeral"),
        ),
    ),
    hand_written(
        "time_24_to_12", THEME, Metric.EXACT, _time_24, _to_12h,
        descriptions=(
            "Convert the 24-hour time to 12-hour time with AM or PM.",
            "Rewrite the time in the 12-hour clock format.",
            "24h to 12h",
            'Write the time with AM or PM, e.g. "14:30" -> "2:30 PM".',
            "What is this time on a 12-hour clock?",
            "Turn military time into an AM/PM time.",
            "am/pm time",
            "Hours from 0 to 11 are AM and from 12 to 23 are PM; write the hour from 1 to 12 without a leading zero, "
            "then the minutes, then AM or PM.",
            "How would you say this time with AM or PM?",
            "Return the time in 12-hour format.",
            "To 12-hour clock.",
            'Convert the time to AM/PM. For example "00:15" becomes "12:15 AM".',
            "Give the time as h:mm AM or h:mm PM.",
        ),
        wording=Wording(
            ("convert the 24-hour time to a 12-hour time with AM or PM",
             "rewrite the time on the 12-hour clock, adding AM or PM",
             "turn the 24-hour clock time into h:mm AM or h:mm PM"),
            ("What is this time in 12-hour format?", "How is this time written with AM or PM?"),
            ("to 12-hour time", "24h -> AM/PM"),
        ),
    ),
]
