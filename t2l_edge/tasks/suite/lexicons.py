"""Small built-in word tables and input samplers shared by the families. Plain data: every entry unambiguous for the
family that uses it (no "orange" among colors and fruits, no "light" among antonyms)."""

from __future__ import annotations

import random

# Common lowercase words, 3-7 letters, letters only: the material of word and character tasks.
WORDS = tuple(
    """
    apple river stone house light green table chair music water paper plant bread cloud dream field glass heart
    horse lemon money night ocean piano quiet radio smile sugar tiger voice watch world zebra candle garden
    window pencil summer winter forest planet rabbit silver yellow butter castle dinner doctor finger island
    jacket kitten ladder market number orange pepper rocket school singer sister spring ticket turtle valley
    wallet bottle camera circle flower guitar hammer jungle basket bridge carpet desert engine farmer mirror
    pocket saddle button cotton bucket lizard marble meadow parrot puzzle shadow spider tunnel violin wagon
    cat dog sun sky map cup hat box pen bag red blue gold fish bird tree rain snow wind fire moon star lamp
    door road book ship milk salt rice corn frog duck lion bear wolf goat king song game kite nest ring
    """.split()
)
SHORT_WORDS = tuple(w for w in WORDS if len(w) <= 5)
VOWEL_WORDS = tuple(
    """apple ocean island orange engine eagle igloo umbrella elephant onion oven army arrow echo image uncle olive
    ink egg owl ant axe idea actor adult ember insect otter attic easel""".split()
)

ANIMALS = tuple(
    """dog cat horse cow sheep goat lion tiger bear wolf fox rabbit mouse eagle owl shark whale frog snake bee ant
    deer zebra monkey camel duck goose pig donkey dolphin otter parrot spider turtle lizard giraffe hamster""".split()
)
PLANTS = tuple(
    """oak pine maple rose tulip daisy fern moss cactus ivy lily orchid bamboo birch willow clover sunflower grass
    elm cedar lavender poppy thistle dandelion basil mint reed seaweed heather jasmine""".split()
)
FRUITS = tuple(
    """apple banana grape mango pear kiwi melon apricot papaya fig coconut pineapple strawberry blueberry
    watermelon raspberry cherry lemon plum peach""".split()
)
VEGETABLES = tuple(
    """carrot potato onion cabbage lettuce spinach broccoli celery garlic radish turnip beet cauliflower leek kale
    asparagus parsnip artichoke""".split()
)
COLORS = tuple(
    "red blue green yellow purple pink brown black white gray beige crimson scarlet turquoise magenta indigo maroon".split()
)
VEHICLES = tuple("car bus truck bicycle train boat plane tram taxi van scooter ship tractor motorcycle helicopter".split())
# word_category uses fruits that are not also color names
CATEGORY_FRUITS = tuple(f for f in FRUITS if f not in {"cherry", "lemon", "plum", "peach"})

POSITIVE = tuple(
    """good great happy wonderful excellent lovely amazing pleasant delightful fantastic brilliant superb cheerful
    nice perfect beautiful joyful awesome charming fun""".split()
)
NEGATIVE = tuple(
    """bad awful terrible sad horrible boring dreadful ugly poor nasty gloomy miserable rude dull annoying
    disgusting painful lousy broken worst""".split()
)
NEUTRAL_NOUNS = tuple("movie meal trip book song hotel party game show class room view service concert visit".split())
SENTIMENT_TEMPLATES = ("the {noun} was {adj}", "a {adj} {noun}", "what a {adj} {noun}", "this {noun} is {adj}",
                       "{adj}", "the {noun} felt {adj}", "such a {adj} {noun}")

# each key has exactly one answer
ANTONYMS = {
    "hot": "cold", "cold": "hot", "big": "small", "small": "big", "fast": "slow", "slow": "fast", "happy": "sad",
    "sad": "happy", "dark": "light", "up": "down", "down": "up", "in": "out", "out": "in", "left": "right",
    "open": "closed", "closed": "open", "early": "late", "late": "early", "wet": "dry", "dry": "wet",
    "full": "empty", "empty": "full", "rich": "poor", "poor": "rich", "strong": "weak", "weak": "strong",
    "soft": "hard", "easy": "hard", "true": "false", "false": "true", "win": "lose", "lose": "win", "buy": "sell",
    "sell": "buy", "top": "bottom", "bottom": "top", "day": "night", "night": "day", "love": "hate",
    "hate": "love", "first": "last", "clean": "dirty", "dirty": "clean", "cheap": "expensive",
    "expensive": "cheap", "thick": "thin", "thin": "thick", "above": "below", "below": "above",
    "inside": "outside", "outside": "inside", "always": "never", "never": "always", "yes": "no", "no": "yes",
    "black": "white", "white": "black", "north": "south", "south": "north", "east": "west", "west": "east",
    "push": "pull", "pull": "push", "tall": "short", "asleep": "awake", "awake": "asleep", "loud": "quiet",
    "quiet": "loud", "alive": "dead", "dead": "alive", "young": "old", "heavy": "light", "before": "after",
    "after": "before", "friend": "enemy", "enemy": "friend", "maximum": "minimum", "minimum": "maximum",
    "morning": "evening", "evening": "morning", "remember": "forget", "forget": "remember", "give": "take",
    "take": "give", "question": "answer", "answer": "question", "arrive": "leave", "begin": "end",
}

PLURALS = {
    "cat": "cats", "dog": "dogs", "book": "books", "tree": "trees", "house": "houses", "apple": "apples",
    "bird": "birds", "car": "cars", "pen": "pens", "girl": "girls", "boy": "boys", "cup": "cups", "key": "keys",
    "toy": "toys", "day": "days", "box": "boxes", "bus": "buses", "fox": "foxes", "church": "churches",
    "dish": "dishes", "glass": "glasses", "watch": "watches", "brush": "brushes", "wish": "wishes",
    "city": "cities", "baby": "babies", "party": "parties", "story": "stories", "lady": "ladies",
    "leaf": "leaves", "knife": "knives", "wolf": "wolves", "life": "lives", "wife": "wives", "half": "halves",
    "shelf": "shelves", "potato": "potatoes", "tomato": "tomatoes", "hero": "heroes", "child": "children",
    "mouse": "mice", "man": "men", "woman": "women", "foot": "feet", "tooth": "teeth", "goose": "geese",
    "person": "people", "ox": "oxen", "sheep": "sheep", "deer": "deer", "chair": "chairs", "river": "rivers",
    "bench": "benches", "fly": "flies", "loaf": "loaves",
}
SINGULARS = {p: s for s, p in PLURALS.items()}

PAST_TENSE = {
    "walk": "walked", "jump": "jumped", "play": "played", "cook": "cooked", "talk": "talked", "open": "opened",
    "call": "called", "cry": "cried", "try": "tried", "stop": "stopped", "plan": "planned", "go": "went",
    "eat": "ate", "see": "saw", "run": "ran", "write": "wrote", "take": "took", "give": "gave", "come": "came",
    "sing": "sang", "drink": "drank", "swim": "swam", "buy": "bought", "think": "thought", "bring": "brought",
    "teach": "taught", "catch": "caught", "fly": "flew", "know": "knew", "grow": "grew", "draw": "drew",
    "sleep": "slept", "keep": "kept", "feel": "felt", "leave": "left", "make": "made", "say": "said",
    "find": "found", "sit": "sat", "stand": "stood", "speak": "spoke", "break": "broke", "choose": "chose",
    "drive": "drove", "ride": "rode", "fall": "fell", "forget": "forgot", "begin": "began", "wear": "wore",
    "win": "won", "tell": "told", "sell": "sold", "hold": "held", "meet": "met", "dance": "danced",
    "smile": "smiled", "hope": "hoped", "help": "helped", "wash": "washed", "climb": "climbed", "listen": "listened",
}

CAPITALS = {
    "France": "Paris", "Germany": "Berlin", "Italy": "Rome", "Spain": "Madrid", "Portugal": "Lisbon",
    "Japan": "Tokyo", "China": "Beijing", "Russia": "Moscow", "Egypt": "Cairo", "Greece": "Athens",
    "Norway": "Oslo", "Sweden": "Stockholm", "Finland": "Helsinki", "Denmark": "Copenhagen", "Poland": "Warsaw",
    "Austria": "Vienna", "Ireland": "Dublin", "Belgium": "Brussels", "Netherlands": "Amsterdam",
    "Hungary": "Budapest", "Czechia": "Prague", "Canada": "Ottawa", "Mexico": "Mexico City", "Brazil": "Brasilia",
    "Argentina": "Buenos Aires", "Peru": "Lima", "Chile": "Santiago", "Colombia": "Bogota", "Kenya": "Nairobi",
    "Nigeria": "Abuja", "India": "New Delhi", "Thailand": "Bangkok", "Vietnam": "Hanoi", "South Korea": "Seoul",
    "Indonesia": "Jakarta", "Turkey": "Ankara", "Iran": "Tehran", "Australia": "Canberra",
    "New Zealand": "Wellington", "United Kingdom": "London", "Cuba": "Havana", "Switzerland": "Bern",
    "Morocco": "Rabat", "Philippines": "Manila",
}

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")

FIRST_NAMES = tuple("""anna ben carla david emma frank grace henry iris jack kate leo maria nina oscar paul rosa sam
    tina victor wendy omar lucy mark sara tom eva hugo""".split())
LAST_NAMES = tuple("""smith jones brown garcia miller davis lopez wilson moore taylor clark lewis walker young king
    wright scott green baker adams nelson hill turner parker evans reed cook bell""".split())
DOMAINS = ("example.com", "mail.org", "school.edu", "shop.net", "acme.io", "company.com", "post.de", "web.fr",
           "city.gov", "studio.art", "lab.science", "home.net")
EXTENSIONS = ("txt", "pdf", "doc", "csv", "png", "jpg", "mp3", "zip", "html", "json", "py", "xls", "gif", "md")
VOWELS = frozenset("aeiou")
ALPHABET = "abcdefghijklmnopqrstuvwxyz"


# -- samplers: rng → input text -------------------------------------------------------------------------------------


def word(rng: random.Random) -> str:
    return rng.choice(WORDS)


def short_word(rng: random.Random) -> str:
    return rng.choice(SHORT_WORDS)


def phrase(rng: random.Random, lo: int = 2, hi: int = 5, words=WORDS) -> str:
    """`lo`..`hi` distinct words, at most 40 characters."""
    while True:
        text = " ".join(rng.sample(words, rng.randint(lo, hi)))
        if len(text) <= 40:
            return text


def numbers(rng: random.Random, lo: int = 3, hi: int = 6, top: int = 99, distinct: bool = True) -> list[int]:
    k = rng.randint(lo, hi)
    return rng.sample(range(top + 1), k) if distinct else [rng.randint(0, top) for _ in range(k)]


def number_list(values) -> str:
    return ", ".join(str(v) for v in values)


def parse_numbers(text: str) -> list[int]:
    return [int(t) for t in text.replace(",", " ").split()]


def spell(n: int) -> str:
    """0..99 in English words: 42 → forty-two."""
    if n < 20:
        return ONES[n]
    tens, ones = divmod(n, 10)
    return TENS[tens] + ("-" + ONES[ones] if ones else "")


NUMBER_WORDS = {spell(n): n for n in range(100)}
