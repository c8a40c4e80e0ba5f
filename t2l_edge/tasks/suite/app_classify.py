"""Classify what a user typed, as an app would: a voice assistant's intent, a message's priority, a support ticket's
category, a product review's sentiment, what kind of value a string is, the language of a greeting.

The texts are hand-written templates (one class each, no cue of another class) filled with real values (appdata.py);
the greetings are a hand-checked table. The answer is the class of the one template a text matches."""

from __future__ import annotations

import random
import re

from ...errors import InvalidInputError
from ..format import Metric
from .appdata import CITIES, FAKER, FILLERS, PATTERNS, faker, written_date, date_value
from .realdata import source
from .rows import row
from .sentences import Sentences, Template
from .wording import Wording

THEME = "app_classify"
SRC = "; ".join((FAKER, source("babel"), CITIES))
HAND = "hand-written templates (t2l-edge, Apache-2.0)"


def _one_of(items: tuple[str, ...]) -> str:
    return "|".join(re.escape(i) for i in sorted(items, key=len, reverse=True))


def _table_slots(**tables: tuple[str, ...]) -> tuple[dict[str, str], dict]:
    patterns = {k: _one_of(v) for k, v in tables.items()}
    fillers = {k: (lambda items: lambda rng: rng.choice(items))(v) for k, v in tables.items()}
    return patterns, fillers


def _sentences(what: str, by_label: dict[str, tuple[str, ...]], **tables: tuple[str, ...]) -> Sentences:
    patterns, fillers = _table_slots(**tables)
    patterns.update(PATTERNS)
    fillers.update(FILLERS)
    fillers["minutes"], patterns["minutes"] = (lambda rng: str(rng.randint(2, 90))), r"\d+"
    fillers["code"], patterns["code"] = (lambda rng: str(rng.randint(100, 599))), r"\d{3}"
    templates = tuple(Template(t, label) for label, texts in by_label.items() for t in texts)
    return Sentences(what, templates, patterns, fillers)


def _balanced(s: Sentences, labels: tuple[str, ...]):
    """A label first, then one of its templates: every class is drawn equally often."""
    def sample(rng: random.Random) -> str:
        label = rng.choice(labels)
        return s.sample(rng, lambda t: t.label == label)
    return sample


INTENTS = {
    "alarm": ("Wake me up at {time}.", "Set an alarm for {time}.", "Alarm at {time} tomorrow, please.",
              "I need to be up by {time}."),
    "timer": ("Set a timer for {minutes} minutes.", "Count down {minutes} minutes.", "Start a {minutes}-minute timer.",
              "Time {minutes} minutes for the pasta."),
    "weather": ("What's the weather in {city}?", "Will it rain in {city} tomorrow?", "How hot is it in {city} today?",
                "Do I need an umbrella in {city}?"),
    "call": ("Call {first_name}.", "Phone {first_name} on speaker.", "Ring {first_name} now.",
             "Give {first_name} a call."),
    "message": ("Text {first_name} that I'm running late.", "Send {first_name} a message: see you soon.",
                "Tell {first_name} by text that dinner is ready.", "Message {first_name}: I'm outside."),
    "music": ("Play some {genre}.", "Put on {genre} music.", "I want to hear some {genre}.",
              "Shuffle my {genre} playlist."),
    "navigation": ("Take me to {city}.", "Directions to {city}, please.", "How do I get to {city}?",
                   "Navigate to {city} avoiding tolls."),
    "reminder": ("Remind me to {task} at {time}.", "Don't let me forget to {task}.", "Add a reminder: {task}.",
                 "Remind me tomorrow to {task}."),
}
GENRES = ("jazz", "rock", "blues", "reggae", "salsa", "disco", "opera", "techno", "folk", "punk", "soul", "funk")
TASKS = ("buy milk", "water the plants", "pay the rent", "book a haircut", "take my pills", "feed the cat",
         "send the report", "renew my passport", "charge the car", "pick up the dry cleaning")
REQUESTS = _sentences("request", INTENTS, genre=GENRES, task=TASKS)

PRIORITIES = {
    "high": ("URGENT: {thing} {problem}, please fix it now.", "Emergency: {thing} {problem}. Call {phone} right away.",
             "ASAP please, {thing} {problem} and customers are waiting.",
             "Critical: {thing} {problem} for everyone since {time}.",
             "Help immediately, {thing} {problem} before the {time} launch."),
    "low": ("No rush, but {thing} {problem}; any time next week is fine.", "When you have a moment: {thing} {problem}.",
            "Low priority: {thing} {problem}, fix it whenever you can.", "Not urgent, {thing} {problem} since {date}.",
            "For a quiet day: {thing} {problem} now and then."),
}
THINGS = ("the printer", "the website", "the server", "the lift", "the card reader", "the heating", "the login page",
          "the coffee machine", "the checkout", "the Wi-Fi", "the app")
PROBLEMS = ("is slow", "is not working", "shows an error", "keeps crashing", "is broken", "keeps freezing")
MESSAGES = _sentences("message", PRIORITIES, thing=THINGS, problem=PROBLEMS)

TICKETS = {
    "billing": ("I was charged {amount} twice this month.", "Why is my bill {amount} higher than usual?",
                "Please refund the {amount} you took by mistake.", "My invoice says {amount} but I paid less.",
                "My card was billed {amount} after I cancelled on {date}."),
    "delivery": ("My package still hasn't arrived in {city}.", "The parcel went to the wrong address in {city}.",
                 "Where is my order? It was due on {date}.", "The courier left the box outside in the rain.",
                 "Tracking says delivered on {date} but nothing came."),
    "account": ("I can't log in with {email}.", "Please reset the password for {email}.",
                "How do I change my account email to {email}?", "My account was locked after three wrong passwords.",
                "I want to delete my account and my profile data."),
    "technical": ("The app crashes when I open the camera.", "The page shows error {code} when I open settings.",
                  "Video calls keep freezing on my {device}.", "The screen goes black after the update on my {device}.",
                  "The {device} app closes itself at startup."),
}
DEVICES = ("phone", "laptop", "tablet", "smart TV", "watch")
TICKET_TEXTS = _sentences("ticket", TICKETS, device=DEVICES)

REVIEWS = {
    "positive": ("The {product} works perfectly, worth every penny.", "Love this {product}, it arrived early and "
                 "looks great.", "Five stars: the {product} is easy to use and quiet.",
                 "Best {product} I have owned, would buy again.", "Great value, my {product} still works like new."),
    "negative": ("The {product} broke after two days, a waste of money.", "One star: my {product} arrived damaged.",
                 "Do not buy this {product}, it stopped working in a week.",
                 "The {product} is loud, flimsy and overpriced.", "Returned the {product}, it never charged properly."),
}
PRODUCTS = ("blender", "kettle", "toaster", "vacuum", "lamp", "speaker", "keyboard", "mouse", "backpack", "drill",
            "fan", "heater", "camera", "router", "scooter")
REVIEW_TEXTS = _sentences("review", REVIEWS, product=PRODUCTS)

# The kind of a value on its own. Dates in words only: an ISO date ("2024-03-05") reads as digits and dashes, as a
# phone number may.
VALUE_KINDS = {"email": "email", "phone number": "phone", "URL": "url", "date": "date", "time": "time",
               "money": "amount", "percentage": "percent"}


def _value(rng: random.Random) -> str:
    kind = VALUE_KINDS[rng.choice(tuple(VALUE_KINDS))]
    if kind == "date":
        return written_date(date_value(rng), rng.choice(("en_US", "en_GB")))
    return FILLERS[kind](rng)


def _kind(value: str) -> str:
    kinds = [k for k, slot in VALUE_KINDS.items() if re.fullmatch(PATTERNS[slot], value)]
    if len(kinds) != 1:
        raise InvalidInputError(f"{value!r} is {len(kinds)} kinds of value, not one")
    return kinds[0]


# Greetings and courtesies, each said in one language only (hand-checked): with a first name from that language's
# Faker locale or alone.
GREETINGS = {
    "English": ("Good morning", "Good evening", "Thank you so much", "See you tomorrow", "Good night", "Welcome back"),
    "French": ("Bonjour", "Bonsoir", "Merci beaucoup", "À demain", "Bonne nuit", "Bon anniversaire"),
    "Spanish": ("Buenos días", "Buenas noches", "Muchas gracias", "Hasta mañana", "Feliz cumpleaños", "Bienvenido"),
    "German": ("Guten Morgen", "Guten Abend", "Vielen Dank", "Bis morgen", "Gute Nacht", "Herzlich willkommen"),
    "Italian": ("Buongiorno", "Buonasera", "Grazie mille", "A domani", "Buonanotte", "Buon compleanno"),
    "Portuguese": ("Bom dia", "Boa noite", "Muito obrigado", "Até amanhã", "Feliz aniversário", "Boa tarde"),
    "Dutch": ("Goedemorgen", "Goedenavond", "Dank je wel", "Tot morgen", "Welterusten", "Gefeliciteerd"),
}
NAME_LOCALE = {"English": "en_GB", "French": "fr_FR", "Spanish": "es_ES", "German": "de_DE", "Italian": "it_IT",
               "Portuguese": "pt_PT", "Dutch": "nl_NL"}
LANGUAGE_OF = {g: lang for lang, gs in GREETINGS.items() for g in gs}
GREETING = re.compile(rf"({_one_of(tuple(LANGUAGE_OF))})(?:, {PATTERNS['first_name']})?!")


def _greeting(rng: random.Random) -> str:
    language = rng.choice(tuple(GREETINGS))
    greeting = rng.choice(GREETINGS[language])
    if rng.random() < 0.3:
        return f"{greeting}!"
    for _ in range(20):
        name = faker(NAME_LOCALE[language], rng).first_name()
        if re.fullmatch(PATTERNS["first_name"], name):
            return f"{greeting}, {name}!"
    return f"{greeting}!"


def _greeting_language(text: str) -> str:
    m = GREETING.fullmatch(text)
    if not m:
        raise InvalidInputError(f"not a greeting of the table: {text!r}")
    return LANGUAGE_OF[m.group(1)]


# what the descriptions show (hand-written: drawing them would import Faker when the suite is imported)
EXAMPLES = {
    "request_intent": (("Set a timer for 12 minutes.", "timer"), ("Will it rain in Dublin tomorrow?", "weather")),
    "message_priority": (("URGENT: the server is not working, please fix it now.", "high"),
                         ("When you have a moment: the printer is slow.", "low")),
    "ticket_category": (("I was charged $30.00 twice this month.", "billing"),
                        ("Please reset the password for ana@example.com.", "account")),
    "review_sentiment": (("The kettle works perfectly, worth every penny.", "positive"),
                         ("One star: my blender arrived damaged.", "negative")),
    "value_type": (("ana@example.com", "email"), ("12 May 2025", "date")),
    "greeting_language": (("Guten Morgen, Jonas!", "German"), ("Muchas gracias!", "Spanish")),
}

FAMILIES = [
    row("request_intent", THEME, Metric.CHOICE, _balanced(REQUESTS, tuple(INTENTS)), REQUESTS.label, Wording(
        ("classify the request's intent as alarm, timer, weather, call, message, music, navigation or reminder",
         "tell which of alarm, timer, weather, call, message, music, navigation or reminder the user wants",
         "label the voice command with its intent (alarm, timer, weather, call, message, music, navigation, "
         "reminder)", "route the assistant request to one intent: alarm, timer, weather, call, message, music, "
         "navigation or reminder", "detect the intent of the user's command and answer with its one-word label",
         "sort the spoken request into alarm, timer, weather, call, message, music, navigation or reminder"),
        ("What does the user want: alarm, timer, weather, call, message, music, navigation or reminder?",
         "Which intent is this request?", "What is the intent of this voice command?",
         "Which assistant feature should handle this request?"),
        ("intent label", "intent of the request", "classify the intent")),
        choices=tuple(INTENTS), source=SRC + "; " + HAND,
        examples=EXAMPLES["request_intent"]),
    row("message_priority", THEME, Metric.CHOICE, _balanced(MESSAGES, tuple(PRIORITIES)), MESSAGES.label, Wording(
        ("rate the message's priority as high or low", "say whether the request is high or low priority",
         "triage the report: high if it must be handled now, low if it can wait",
         "label the message's urgency with high or low", "decide if this needs attention now (high) or later (low)",
         "mark the support message as high or low priority"),
        ("Is this message high or low priority?", "How urgent is this request, high or low?",
         "Does this need to be handled now (high) or can it wait (low)?", "What priority should this ticket get?"),
        ("priority: high/low", "urgency level", "high or low priority")),
        choices=tuple(PRIORITIES), source=SRC + "; " + HAND,
        examples=EXAMPLES["message_priority"]),
    row("ticket_category", THEME, Metric.CHOICE, _balanced(TICKET_TEXTS, tuple(TICKETS)), TICKET_TEXTS.label, Wording(
        ("sort the support ticket into billing, delivery, account or technical",
         "classify the customer's message as billing, delivery, account or technical",
         "route the complaint to the right team: billing, delivery, account or technical",
         "label the help request with its category (billing, delivery, account, technical)",
         "decide which queue the ticket belongs in: billing, delivery, account or technical",
         "tag the customer message with one category out of billing, delivery, account and technical"),
        ("Which category is this ticket: billing, delivery, account or technical?",
         "Which team should handle this customer message?", "What kind of support request is this?",
         "Is this a billing, delivery, account or technical problem?"),
        ("ticket category", "route the ticket", "support category")),
        choices=tuple(TICKETS), source=SRC + "; " + HAND,
        examples=EXAMPLES["ticket_category"]),
    row("review_sentiment", THEME, Metric.CHOICE, _balanced(REVIEW_TEXTS, tuple(REVIEWS)), REVIEW_TEXTS.label, Wording(
        ("classify the product review as positive or negative", "say whether the customer liked the product",
         "label the review's sentiment: positive or negative", "decide if the buyer's review is positive or negative",
         "tag the customer review with positive or negative",
         "judge the shopper's opinion of the product and answer positive or negative"),
        ("Is this review positive or negative?", "Did the customer like the product?",
         "What is the sentiment of this product review?", "Would you call this review positive or negative?"),
        ("review sentiment", "positive or negative review", "rate the review")),
        choices=tuple(REVIEWS), source=HAND,
        examples=EXAMPLES["review_sentiment"]),
    row("value_type", THEME, Metric.CHOICE, _value, _kind, Wording(
        ("say what kind of value this is: email, phone number, URL, date, time, money or percentage",
         "classify the string as an email, a phone number, a URL, a date, a time, money or a percentage",
         "detect the type of the form field's value (email, phone number, URL, date, time, money, percentage)",
         "label the value with its kind: email, phone number, URL, date, time, money or percentage",
         "tell which kind of data the text is", "identify the field type of the value"),
        ("What kind of value is this: email, phone number, URL, date, time, money or percentage?",
         "Is this an email, a phone number, a URL, a date, a time, money or a percentage?",
         "Which type of data is this string?", "What field type does this value belong to?"),
        ("type of value", "field type", "what kind of value")),
        choices=tuple(VALUE_KINDS), source="; ".join((FAKER, source("babel"))),
        examples=EXAMPLES["value_type"]),
    row("greeting_language", THEME, Metric.CHOICE, _greeting, _greeting_language, Wording(
        ("name the language of the greeting", "say which language the message is written in",
         "detect the language of the greeting: English, French, Spanish, German, Italian, Portuguese or Dutch",
         "identify the language this short greeting is in", "tell which language the user greeted you in",
         "classify the greeting by its language"),
        ("Which language is this greeting in?", "What language is this message written in?",
         "In which language did the user say this?", "Is this English, French, Spanish, German, Italian, Portuguese "
         "or Dutch?"),
        ("language of the greeting", "detect language", "greeting language?")),
        choices=tuple(GREETINGS), source=FAKER + "; hand-checked greetings table (t2l-edge, Apache-2.0)",
        examples=EXAMPLES["greeting_language"]),
]
