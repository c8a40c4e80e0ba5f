"""Translate a common word or short phrase between English and Spanish, French, German or Italian: colours, animals,
food and drink, family, things at home and outdoors, the body, the weather, a few set phrases.

The table is hand-written and hand-checked: an entry is here only when the word has one usual translation in each
language (no "orange": naranja / anaranjado; no "cow": mucca / vacca; no "grape": Traube / Weintraube). The other
direction uses only the entries whose foreign word has one usual English reading ("casa" is house or home,
"livre" is book or pound, "café" is coffee or café: those translate one way only)."""

from __future__ import annotations

from ..format import Metric
from .realdata import Table, unique_inverse
from .rows import row
from .wording import Wording

THEME = "translate_words"
SRC = "hand-checked bilingual table (t2l-edge, Apache-2.0)"
LANGUAGES = ("Spanish", "French", "German", "Italian")

# English: (Spanish, French, German, Italian)
BOTH_WAYS = {
    "red": ("rojo", "rouge", "rot", "rosso"), "blue": ("azul", "bleu", "blau", "blu"),
    "green": ("verde", "vert", "grün", "verde"), "yellow": ("amarillo", "jaune", "gelb", "giallo"),
    "black": ("negro", "noir", "schwarz", "nero"), "white": ("blanco", "blanc", "weiß", "bianco"),
    "dog": ("perro", "chien", "Hund", "cane"), "cat": ("gato", "chat", "Katze", "gatto"),
    "horse": ("caballo", "cheval", "Pferd", "cavallo"), "bear": ("oso", "ours", "Bär", "orso"),
    "wolf": ("lobo", "loup", "Wolf", "lupo"), "lion": ("león", "lion", "Löwe", "leone"),
    "frog": ("rana", "grenouille", "Frosch", "rana"), "duck": ("pato", "canard", "Ente", "anatra"),
    "elephant": ("elefante", "éléphant", "Elefant", "elefante"), "tiger": ("tigre", "tigre", "Tiger", "tigre"),
    "bee": ("abeja", "abeille", "Biene", "ape"), "butterfly": ("mariposa", "papillon", "Schmetterling", "farfalla"),
    "spider": ("araña", "araignée", "Spinne", "ragno"), "goat": ("cabra", "chèvre", "Ziege", "capra"),
    "mouse": ("ratón", "souris", "Maus", "topo"), "whale": ("ballena", "baleine", "Wal", "balena"),
    "bread": ("pan", "pain", "Brot", "pane"), "water": ("agua", "eau", "Wasser", "acqua"),
    "milk": ("leche", "lait", "Milch", "latte"), "cheese": ("queso", "fromage", "Käse", "formaggio"),
    "apple": ("manzana", "pomme", "Apfel", "mela"), "salt": ("sal", "sel", "Salz", "sale"),
    "sugar": ("azúcar", "sucre", "Zucker", "zucchero"),
    "wine": ("vino", "vin", "Wein", "vino"), "beer": ("cerveza", "bière", "Bier", "birra"),
    "tea": ("té", "thé", "Tee", "tè"), "honey": ("miel", "miel", "Honig", "miele"),
    "lemon": ("limón", "citron", "Zitrone", "limone"), "tomato": ("tomate", "tomate", "Tomate", "pomodoro"),
    "cherry": ("cereza", "cerise", "Kirsche", "ciliegia"), "father": ("padre", "père", "Vater", "padre"),
    "brother": ("hermano", "frère", "Bruder", "fratello"),
    "uncle": ("tío", "oncle", "Onkel", "zio"), "aunt": ("tía", "tante", "Tante", "zia"),
    "tree": ("árbol", "arbre", "Baum", "albero"), "sun": ("sol", "soleil", "Sonne", "sole"),
    "moon": ("luna", "lune", "Mond", "luna"), "star": ("estrella", "étoile", "Stern", "stella"),
    "door": ("puerta", "porte", "Tür", "porta"), "window": ("ventana", "fenêtre", "Fenster", "finestra"),
    "chair": ("silla", "chaise", "Stuhl", "sedia"),
    "rain": ("lluvia", "pluie", "Regen", "pioggia"), "snow": ("nieve", "neige", "Schnee", "neve"),
    "wind": ("viento", "vent", "Wind", "vento"), "summer": ("verano", "été", "Sommer", "estate"),
    "winter": ("invierno", "hiver", "Winter", "inverno"), "hand": ("mano", "main", "Hand", "mano"),
    "head": ("cabeza", "tête", "Kopf", "testa"), "mouth": ("boca", "bouche", "Mund", "bocca"),
    "nose": ("nariz", "nez", "Nase", "naso"), "foot": ("pie", "pied", "Fuß", "piede"),
    "cold": ("frío", "froid", "kalt", "freddo"),
    "good luck": ("buena suerte", "bonne chance", "viel Glück", "buona fortuna"),
}
# Entries whose translation is the usual one, but whose foreign word reads back as more than one English word
ONE_WAY = {
    "house": ("casa", "maison", "Haus", "casa"),  # casa: house or home
    "book": ("libro", "livre", "Buch", "libro"),  # livre: book or pound
    "coffee": ("café", "café", "Kaffee", "caffè"),  # café: the drink or the place
    "thank you": ("gracias", "merci", "danke", "grazie"),  # or "thanks"
    "pear": ("pera", "poire", "Birne", "pera"),  # Birne: pear or light bulb
    "rice": ("arroz", "riz", "Reis", "riso"),  # riso: rice or laughter
    "son": ("hijo", "fils", "Sohn", "figlio"),  # fils: son or wires
    "train": ("tren", "train", "Zug", "treno"),  # Zug: train, move or draught
    "mother": ("madre", "mère", "Mutter", "madre"),  # Mutter: mother or (screw) nut
    "see you tomorrow": ("hasta mañana", "à demain", "bis morgen", "a domani"),  # or "until tomorrow"
    "I am hungry": ("tengo hambre", "j'ai faim", "ich habe Hunger", "ho fame"),  # or "I'm hungry"
}
FORWARD = {**BOTH_WAYS, **ONE_WAY}


def _to(i: int) -> dict[str, str]:
    return {en: words[i] for en, words in FORWARD.items()}


def _from(i: int) -> dict[str, str]:
    return unique_inverse({en: words[i] for en, words in BOTH_WAYS.items()})


TO_WORDING = Wording(
    ("translate the English word or phrase into {v}", "give the {v} word for this", "say it in {v}",
     "write the {v} translation of the English word", "translate this into {v}, answering with the word only",
     "tell me how a {v} speaker says this word"),
    ("What is this in {v}?", "How do you say this in {v}?", "What's the {v} word for this?",
     "Can you translate this word into {v}?"),
    ("English to {v}", "in {v}", "translate to {v}"))
FROM_WORDING = Wording(
    ("translate the {v} word or phrase into English", "give the English word for this {v} word",
     "say the {v} word in English", "write the English translation of the {v} word",
     "translate this {v} into English, answering with the word only", "tell me what this {v} word means in English"),
    ("What does this {v} word mean in English?", "How do you say this {v} word in English?",
     "What's the English for this {v} word?", "Can you translate this {v} word into English?"),
    ("{v} to English", "from {v}", "translate from {v}"))


# what the descriptions show, hand-written
EXAMPLES = {
    "translate_word_to_spanish": (("dog", "perro"), ("thank you", "gracias")),
    "translate_word_to_french": (("cheese", "fromage"), ("good luck", "bonne chance")),
    "translate_word_to_german": (("water", "Wasser"), ("house", "Haus")),
    "translate_word_to_italian": (("bread", "pane"), ("window", "finestra")),
    "translate_word_from_spanish": (("perro", "dog"), ("mariposa", "butterfly")),
    "translate_word_from_french": (("fromage", "cheese"), ("chien", "dog")),
    "translate_word_from_german": (("Wasser", "water"), ("Schmetterling", "butterfly")),
    "translate_word_from_italian": (("pane", "bread"), ("finestra", "window")),
}


def _rows(op: str, wording: Wording, load) -> list:
    out = []
    for i, language in enumerate(LANGUAGES):
        table = Table(lambda i=i: load(i), f"{op} ({language})")
        out.append(row(f"{op}_{language.lower()}", THEME, Metric.NORMALIZED, table.sample, table.solve,
                       wording.format(v=language), operation=op, parameter=language, source=SRC,
                       examples=EXAMPLES[f"{op}_{language.lower()}"]))
    return out


FAMILIES = _rows("translate_word_to", TO_WORDING, _to) + _rows("translate_word_from", FROM_WORDING, _from)
