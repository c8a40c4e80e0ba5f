"""Pull one field out of a short message: the email address, phone number, link, date, time, amount of money, person,
city or percentage. Every message mentions two to four kinds of field, one of each, so the description alone says
which to copy out; the messages are templates filled with real values (appdata.py)."""

from __future__ import annotations

from ..format import Metric
from .appdata import CITIES, FAKER, FILLERS, PATTERNS, parse_date
from .realdata import source
from .rows import row
from .sentences import Sentences, Template
from .wording import Wording

THEME = "extract_fields"
SRC = "; ".join((FAKER, source("babel"), CITIES))

MESSAGES = Sentences("message", tuple(Template(t) for t in (
    "Hi {name}, your order of {amount} ships on {date}.",
    "Call {name} at {phone} before {time}.",
    "Please email {email} to confirm your stay in {city}.",
    "Meeting with {name} in {city} on {date} at {time}.",
    "Send the invoice for {amount} to {email} today.",
    "Visit {url} or call {phone} for help.",
    "{name} paid {amount} on {date}.",
    "Your flight to {city} leaves at {time} on {date}.",
    "Rents in {city} rose {percent} since {date}.",
    "Reply to {email} by {date} to keep your {percent} discount.",
    "New message from {name}: call me back on {phone}.",
    "Tickets cost {amount} at {url} until {date}.",
    "Reminder: dentist on {date} at {time}. To cancel call {phone}.",
    "Contact {name} ({email}) about the {city} office.",
    "Book at {url} before {time} and save {percent}.",
    "Please pick up {name} at the {city} airport at {time}.",
    "A refund of {amount} was sent to {email} on {date}.",
    "Our {city} store opens at {time}, see {url} for the map.",
    "{name} will pay {percent} of the {amount} bill.",
    "Interest is {percent} a year on loans over {amount}.",
    "Forward the report to {email} and call {phone} after {time}.",
    "Lost your card? Call {phone} or write to {email}.",
    "Sign up at {url} by {date} to meet {name} in {city}.",
    "The {city} hotel costs {amount} a night from {date}.",
    "{name} moved the call with the {city} team to {time}.",
    "Prices drop {percent} on {date}, see {url} for more.",
    "Text {name} on {phone} when you land in {city}.",
    "Your {amount} payment to {url} is due at {time}.",
)), PATTERNS, FILLERS)


def _with(field: str):
    return lambda rng: MESSAGES.sample(rng, lambda t: field in t.slots)


def _iso_date(message: str) -> str:
    return parse_date(MESSAGES.slot("date")(message)).isoformat()


def _extract(name: str, field: str, wording: Wording, solve=None, metric: Metric = Metric.NORMALIZED):
    return row(name, THEME, metric, _with(field), solve or MESSAGES.slot(field), wording, source=SRC,
               examples=EXAMPLES[name])


# what the descriptions show (hand-written: drawing them would import Faker when the suite is imported)
EXAMPLES = {
    "extract_email": (("Send the invoice for $120.00 to anna.lee@example.com today.", "anna.lee@example.com"),
                      ("Contact Tom Berg (tom.berg@example.org) about the Oslo office.", "tom.berg@example.org")),
    "extract_phone_number": (("Call Maria Rossi at 555-201-4477 before 5:30 PM.", "555-201-4477"),
                             ("Visit https://www.shop.com/ or call +44 20 7946 0018 for help.", "+44 20 7946 0018")),
    "extract_url": (("Tickets cost $25.00 at https://www.fest.org/ until May 3, 2025.", "https://www.fest.org/"),
                    ("Book at http://hotel-rio.com/ before 18:00 and save 15%.", "http://hotel-rio.com/")),
    "extract_date": (("Your flight to Lisbon leaves at 07:45 on 12 June 2025.", "12 June 2025"),
                     ("Jan Novak paid €89.90 on March 3, 2024.", "March 3, 2024")),
    "extract_date_iso": (("Your flight to Lisbon leaves at 07:45 on 12 June 2025.", "2025-06-12"),
                         ("Jan Novak paid €89.90 on March 3, 2024.", "2024-03-03")),
    "extract_time": (("Please pick up Ana Silva at the Madrid airport at 9:15 PM.", "9:15 PM"),
                     ("Forward the report to kim@example.net and call 0161 496 0631 after 14:30.", "14:30")),
    "extract_amount": (("Interest is 4.5% a year on loans over $10,000.00.", "$10,000.00"),
                       ("The Rome hotel costs £145.50 a night from 2025-08-01.", "£145.50")),
    "extract_person_name": (("New message from Lena Fischer: call me back on 030 1234567.", "Lena Fischer"),
                            ("Meeting with Omar Haddad in Cairo on 4 May 2026 at 10:00.", "Omar Haddad")),
    "extract_city": (("Rents in Buenos Aires rose 12% since 2023-01-01.", "Buenos Aires"),
                     ("Text Emma Clark on 555 201 9988 when you land in Tokyo.", "Tokyo")),
    "extract_percentage": (("Reply to sales@example.com by 1 July 2025 to keep your 20% discount.", "20%"),
                           ("Prices drop 35% on 2025-11-28, see https://deals.com/ for more.", "35%")),
}


FAMILIES = [
    _extract("extract_email", "email", Wording(
        ("extract the email address from the message", "pull out the email address mentioned in the text",
         "find the email address in the sentence and return it", "copy the email address out of the message",
         "get the email from this text", "return only the email address that appears in the message"),
        ("What is the email address in this message?", "Which email address does the text mention?",
         "Can you find the email address here?", "What email should I write to, according to the message?"),
        ("email address only", "extract email", "the email in the text"))),
    _extract("extract_phone_number", "phone", Wording(
        ("extract the phone number from the message", "pull out the telephone number mentioned in the text",
         "find the phone number in the sentence and copy it exactly as written",
         "return the phone number that appears in the message", "get the number to call from this text",
         "copy out the phone number, keeping its spaces and punctuation"),
        ("What is the phone number in this message?", "Which number should I call, according to the text?",
         "Can you find the telephone number here?", "What phone number does the message give?"),
        ("phone number only", "extract phone number", "the number to call"))),
    _extract("extract_url", "url", Wording(
        ("extract the URL from the message", "pull out the web address mentioned in the text",
         "find the link in the sentence and return it exactly", "copy the website address out of the message",
         "get the URL from this text", "return only the link that appears in the message"),
        ("What is the URL in this message?", "Which website does the text point to?",
         "Can you find the link here?", "What web address does the message mention?"),
        ("link only", "extract the URL", "the website in the text"))),
    _extract("extract_date", "date", Wording(
        ("extract the date from the message", "pull out the date mentioned in the text, written as it appears",
         "find the calendar date in the sentence and copy it", "return the date that the message mentions",
         "get the date from this text", "copy out the day, month and year given in the message"),
        ("What date does this message mention?", "Which date is in the text?",
         "Can you find the date here?", "On what date, according to the message?"),
        ("date only", "extract the date", "the date in the text"))),
    _extract("extract_date_iso", "date", Wording(
        ("extract the date from the message and write it as YYYY-MM-DD",
         "find the date in the text and give it in ISO format",
         "pull out the date mentioned in the sentence as year-month-day with dashes",
         "return the message's date normalized to YYYY-MM-DD",
         "get the date from this text in ISO 8601 form", "read the date in the message and output it as YYYY-MM-DD"),
        ("What date does this message mention, in YYYY-MM-DD form?", "Which date is in the text, as an ISO date?",
         "Can you find the date here and write it as year-month-day?",
         "What is the message's date in ISO format?"),
        ("date as YYYY-MM-DD", "extract ISO date", "the date, ISO format")),
        solve=_iso_date, metric=Metric.EXACT),
    _extract("extract_time", "time", Wording(
        ("extract the time of day from the message", "pull out the time mentioned in the text, as written",
         "find the clock time in the sentence and copy it", "return the time that the message mentions",
         "get the time from this text", "copy out the hour and minutes given in the message"),
        ("What time does this message mention?", "At what time, according to the text?",
         "Can you find the time here?", "Which time of day is in the message?"),
        ("time only", "extract the time", "the time in the text"))),
    _extract("extract_amount", "amount", Wording(
        ("extract the amount of money from the message", "pull out the price mentioned in the text, with its "
         "currency sign", "find the sum of money in the sentence and copy it as written",
         "return the monetary amount that the message mentions", "get the amount of money from this text",
         "copy out the amount, currency symbol included"),
        ("How much money does this message mention?", "What amount is in the text?",
         "Can you find the price here?", "Which sum of money does the message give?"),
        ("amount only", "extract the amount", "the money in the text"))),
    _extract("extract_person_name", "name", Wording(
        ("extract the person's name from the message", "pull out the full name of the person mentioned in the text",
         "find who the sentence is about and return their first and last name",
         "copy the person's name out of the message", "get the name of the person from this text",
         "return only the first and last name that appear in the message"),
        ("Who is mentioned in this message?", "What is the name of the person in the text?",
         "Can you find the person's name here?", "Which person does the message name?"),
        ("person's name only", "extract the name", "who is mentioned"))),
    _extract("extract_city", "city", Wording(
        ("extract the city from the message", "pull out the name of the city mentioned in the text",
         "find the place name in the sentence and return it", "copy the city's name out of the message",
         "get the city from this text", "return only the city that the message mentions"),
        ("Which city does this message mention?", "What city is named in the text?",
         "Can you find the city here?", "Where is this happening, according to the message?"),
        ("city only", "extract the city", "the city in the text"))),
    _extract("extract_percentage", "percent", Wording(
        ("extract the percentage from the message", "pull out the percent value mentioned in the text",
         "find the figure with a percent sign in the sentence and copy it", "return the percentage the message gives",
         "get the percentage from this text", "copy out the rate, percent sign included"),
        ("What percentage does this message mention?", "Which percent value is in the text?",
         "Can you find the percentage here?", "By what percent, according to the message?"),
        ("percentage only", "extract the percent", "the percent in the text"))),
]
