"""Countries, currencies, languages and scripts: ISO codes (pycountry) and CLDR facts (babel), in both directions
where the reverse has one answer."""

from __future__ import annotations

import datetime
import functools
import json

from ..format import Metric
from .realdata import balanced, clean, need, package_file, source, table_family, unique_inverse
from .wording import Wording

THEME = "countries"
ISO, CLDR = source("pycountry"), source("babel")
ISO_AND_CLDR = source("pycountry", "babel")
FACTS = source("countryinfo", "pycountry")
REGIONS = ("Africa", "Americas", "Asia", "Europe", "Oceania")
# Countries with two or more capitals (administrative / legislative / judicial / royal), a capital in dispute, or one
# moved since countryinfo's data was gathered: their capital has no one answer. ISO 3166 alpha-2.
SEVERAL_CAPITALS = frozenset("""ZA BO NL MY LK CI BJ SZ IL PS TZ CL BI MM NG KZ ID ME YE EH KI NR BN CH""".split())
CURRENCY_DATE = datetime.date(2025, 1, 1)  # currencies in use on this day (the data is pinned, and so is the day)


def _plain(name: str) -> bool:
    """A name without qualifiers ("Bolivia, Plurinational State of", "Korea (the Republic of)")."""
    return not any(c in name for c in ",();[]")


@functools.cache
def _countries() -> tuple:
    """pycountry's countries with a plain usual name: (name, alpha_2, alpha_3, numeric)."""
    out = []
    for c in need("pycountry").countries:
        name = getattr(c, "common_name", None) or c.name
        if _plain(name):
            out.append((name, c.alpha_2, c.alpha_3, c.numeric))
    return tuple(out)


def _country_field(i: int) -> dict[str, str]:
    return unique_inverse(unique_inverse({c[0]: c[i] for c in _countries()}))


@functools.cache
def _currencies() -> dict[str, str]:
    """Country name -> the one currency it uses (countries with two legal tenders are left out)."""
    numbers = need("babel", "numbers")
    out = {}
    for name, a2, _, _ in _countries():
        codes = numbers.get_territory_currencies(a2, CURRENCY_DATE, tender=True)
        if len(codes) == 1:
            out[name] = codes[0]
    return out


def _currency_names() -> dict[str, str]:
    numbers = need("babel", "numbers")
    table = {code: numbers.get_currency_name(code, locale="en") for code in set(_currencies().values())}
    return unique_inverse(unique_inverse(table))  # code -> name, for names no two codes share


def _currency_symbols() -> dict[str, str]:
    numbers = need("babel", "numbers")
    table = {code: clean(numbers.get_currency_symbol(code, locale="en")) for code in set(_currencies().values())}
    return {k: v for k, v in table.items() if v != k}  # only currencies that have a symbol of their own


def _official_languages() -> dict[str, str]:
    """Country -> its one official language (CLDR), named in English."""
    languages = need("babel", "languages")
    en = need("babel").Locale.parse("en").languages
    out = {}
    for name, a2, _, _ in _countries():
        official = languages.get_official_languages(a2)
        if len(official) == 1 and official[0] in en:
            out[name] = en[official[0]]
    return out


def _iso639_1() -> dict[str, str]:
    """Language name -> ISO 639-1 code."""
    table = {l.name: l.alpha_2 for l in need("pycountry").languages if hasattr(l, "alpha_2") and _plain(l.name)}
    return unique_inverse(unique_inverse(table))


def _scripts() -> dict[str, str]:
    """ISO 15924 code -> script name."""
    return unique_inverse(unique_inverse({s.alpha_4: s.name for s in need("pycountry").scripts if _plain(s.name)}))


@functools.cache
def _facts() -> dict[str, dict]:
    """ISO alpha-2 -> countryinfo's record (one JSON file per country, read as data)."""
    out = {}
    for path in sorted(package_file("countryinfo", "data").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        code = (record.get("ISO") or {}).get("alpha2")
        if code:
            out[code] = record
    return out


def _by_country(field) -> dict[str, str]:
    """pycountry's country name -> field(countryinfo record), where the field has a value."""
    facts = _facts()
    table = {name: field(facts[a2]) for name, a2, _, _ in _countries() if a2 in facts}
    return {k: v for k, v in table.items() if isinstance(v, str) and v.strip() == v and v}


def _capitals() -> dict[str, str]:
    table = _by_country(lambda r: None if r["ISO"]["alpha2"] in SEVERAL_CAPITALS else r.get("capital"))
    return unique_inverse(unique_inverse({k: v for k, v in table.items() if v != k}))  # not Singapore -> Singapore


def _calling_codes() -> dict[str, str]:
    """Country -> "+33": countries with one calling code; the North American plan's "1xxx" area codes are left out
    (they are written "+1 242" as often as "+1242")."""
    def code(r):
        codes = r.get("callingCodes") or []
        return f"+{codes[0]}" if len(codes) == 1 and codes[0].isdigit() and (codes[0] == "1" or codes[0][0] != "1") \
            else None
    return _by_country(code)


# How people ask for each row's operation, poured into the training frames beside its own descriptions
# (realdata.worded).
WORDINGS = {
    "country_to_alpha2": Wording(
        ("give the two-letter ISO code of the country", "write the country's ISO 3166-1 alpha-2 code",
         "abbreviate the country name to its two-letter code"),
        ("What is the two-letter code of this country?", "Which ISO alpha-2 code does the country have?"),
        ("alpha-2 code", "2-letter country code"),
    ),
    "alpha2_to_country": Wording(
        ("name the country that has this two-letter code", "write the country for the ISO alpha-2 code",
         "expand the two-letter code into the country's name"),
        ("Which country does this two-letter code stand for?", "What country has this alpha-2 code?"),
        ("alpha-2 to country", "country for the code"),
    ),
    "country_to_alpha3": Wording(
        ("give the three-letter ISO code of the country", "write the country's ISO 3166-1 alpha-3 code",
         "abbreviate the country name to its three-letter code"),
        ("What is the three-letter code of this country?", "Which ISO alpha-3 code does the country have?"),
        ("alpha-3 code", "3-letter country code"),
    ),
    "alpha3_to_country": Wording(
        ("name the country that has this three-letter code", "write the country for the ISO alpha-3 code",
         "expand the three-letter code into the country's name"),
        ("Which country does this three-letter code stand for?", "What country has this alpha-3 code?"),
        ("alpha-3 to country", "country for the 3 letters"),
    ),
    "country_to_numeric_code": Wording(
        ("give the three-digit ISO numeric code of the country",
         "write the country's ISO 3166-1 numeric code, keeping leading zeros",
         "look up the numeric code of the country"),
        ("What is this country's numeric ISO code?", "Which three-digit number does ISO give the country?"),
        ("numeric country code", "ISO number"),
    ),
    "country_to_currency_code": Wording(
        ("give the ISO 4217 code of the country's currency",
         "write the three-letter code of the money the country uses", "name the currency code of the country"),
        ("What is the code of this country's currency?", "Which ISO currency code does the country use?"),
        ("currency code of the country", "its currency code"),
    ),
    "currency_code_to_name": Wording(
        ("give the English name of the currency with this code", "write out the currency the ISO code stands for",
         "expand the three-letter currency code into its name"),
        ("Which currency has this code?", "What is this currency called?"),
        ("currency code to name", "name of the currency"),
    ),
    "currency_name_to_code": Wording(
        ("give the three-letter ISO code of the currency", "write the ISO 4217 code for the named currency",
         "abbreviate the currency name to its code"),
        ("What is the ISO code of this currency?", "Which three letters stand for this currency?"),
        ("code of the currency", "currency name to code"),
    ),
    "currency_symbol": Wording(
        ("give the symbol of the currency with this code", "write the sign used for the currency",
         "replace the currency code with its symbol"),
        ("What symbol does this currency use?", "Which sign stands for this currency?"),
        ("symbol for the code", "currency sign"),
    ),
    "country_official_language": Wording(
        ("name the official language of the country", "give the one language that is official in the country",
         "write the English name of the country's official language"),
        ("Which language is official in this country?", "What language does the country use officially?"),
        ("its official language", "country's language"),
    ),
    "language_to_iso639": Wording(
        ("give the two-letter ISO 639-1 code of the language", "write the language's two-letter code in lowercase",
         "abbreviate the language name to its ISO code"),
        ("What is the ISO 639-1 code of this language?", "Which two letters stand for this language?"),
        ("639-1 code", "language code"),
    ),
    "iso639_to_language": Wording(
        ("name the language with this two-letter code",
         "write the English name of the language the ISO 639-1 code stands for",
         "expand the two-letter language code into the language's name"),
        ("Which language has this code?", "What language does this two-letter code stand for?"),
        ("code to language", "language for the code"),
    ),
    "script_code_to_name": Wording(
        ("name the writing system with this ISO 15924 code", "write the script the four-letter code stands for",
         "expand the four-letter script code into the script's name"),
        ("Which script has this code?", "What writing system does this code stand for?"),
        ("ISO 15924 to script", "script for the code"),
    ),
    "script_name_to_code": Wording(
        ("give the four-letter ISO 15924 code of the script",
         "write the code of the writing system, with a capital first letter",
         "abbreviate the script name to its four-letter code"),
        ("What is the ISO 15924 code of this script?", "Which four letters stand for this writing system?"),
        ("script code", "ISO 15924 code"),
    ),
    "country_capital": Wording(
        ("name the city that is the capital of the country", "write the country's capital",
         "give the national capital of the country"),
        ("What city is the capital of this country?", "Which city is this country governed from?"),
        ("the capital", "capital of the country"),
    ),
    "capital_to_country": Wording(
        ("name the country whose capital is this city", "give the country that has this city as its capital",
         "write the country governed from this capital"),
        ("Which country is this the capital of?", "What country has this city as its capital?"),
        ("country of the capital", "whose capital"),
    ),
    "country_region": Wording(
        ("give the world region of the country: Africa, Americas, Asia, Europe or Oceania",
         "name the continent the country is in", "say which of the five world regions the country belongs to"),
        ("Which region of the world is this country in?", "On what continent does the country lie?"),
        ("world region", "region of the country"),
    ),
    "country_calling_code": Wording(
        ("give the international calling code of the country, with a plus sign",
         "write the telephone prefix for calls to the country", "look up the dialling code of the country"),
        ("What is this country's calling code?", "Which code do you dial to call this country?"),
        ("phone code", "calling code of the country"),
    ),
    "country_demonym": Wording(
        ("give the word for a person from the country", "write the nationality adjective of the country",
         "name what the people of the country are called"),
        ("What do you call the people of this country?", "What is the demonym of this country?"),
        ("nationality word", "people of the country"),
    ),
}

FAMILIES = [
    table_family("country_to_alpha2", THEME, Metric.EXACT, lambda: _country_field(1), (
        "Give the country's two-letter ISO code.",
        "What is the ISO 3166 alpha-2 code of this country?",
        "ISO alpha-2 code",
        'Write the two-letter country code, e.g. "France" -> "FR".',
        "Abbreviate the country to its 2-letter code.",
        "The input names a country or territory; answer with the two capital letters ISO 3166-1 assigns to it.",
        "country -> 2-letter code",
        'Which two letters stand for this country? For example "Japan" becomes "JP".',
        "Could you look up the alpha-2 code?",
        "Two-letter code, please.",
        "Code of the country (two letters)?",
        "Tell me the short country code used in internet domains and passports, in capitals, for the given country.",
    ), ISO, wording=WORDINGS["country_to_alpha2"]),
    table_family("alpha2_to_country", THEME, Metric.NORMALIZED, lambda: unique_inverse(_country_field(1)), (
        "Which country has this two-letter ISO code?",
        "Name the country for the ISO alpha-2 code.",
        "2-letter code to country",
        'Expand the two-letter country code, e.g. "DE" -> "Germany".',
        "Give the country's name for the code.",
        "The input is a two-letter ISO 3166-1 country code in capitals; answer with the usual English name of that country.",
        "code -> country name",
        'What country is this? For example "BR" becomes "Brazil".',
        "Decode the alpha-2 country code.",
        "Whose code is this?",
        "Country name from its two-letter code.",
        "Look up the two-letter code in the ISO list of countries and write the English name of the country it belongs to.",
    ), ISO, wording=WORDINGS["alpha2_to_country"]),
    table_family("country_to_alpha3", THEME, Metric.EXACT, lambda: _country_field(2), (
        "Give the country's three-letter ISO code.",
        "What is the ISO 3166 alpha-3 code of this country?",
        "ISO alpha-3 code",
        'Write the three-letter country code, e.g. "France" -> "FRA".',
        "Abbreviate the country to its 3-letter code.",
        "The input names a country or territory; answer with the three capital letters ISO 3166-1 alpha-3 assigns to it.",
        "country -> 3-letter code",
        'Which three letters stand for this country? For example "Germany" becomes "DEU".',
        "Could you look up the alpha-3 code?",
        "Three-letter code, please.",
        "Code of the country (three letters)?",
        "Tell me the three-letter country code, the one seen on passports and at sports events, for the given country.",
    ), ISO, wording=WORDINGS["country_to_alpha3"]),
    table_family("alpha3_to_country", THEME, Metric.NORMALIZED, lambda: unique_inverse(_country_field(2)), (
        "Which country has this three-letter ISO code?",
        "Name the country for the ISO alpha-3 code.",
        "3-letter code to country",
        'Expand the three-letter country code, e.g. "ESP" -> "Spain".',
        "Give the country's name for the three letters.",
        "The input is a three-letter ISO 3166-1 alpha-3 code in capitals; answer with the usual English name of that country.",
        "alpha-3 -> country",
        'What country is this code? For example "CAN" becomes "Canada".',
        "Decode the alpha-3 country code.",
        "Which country does the three-letter code mean?",
        "Country name from its three-letter code.",
        "Look up the three-letter code in the ISO list of country codes and write the English name of its country.",
    ), ISO, wording=WORDINGS["alpha3_to_country"]),
    table_family("country_to_numeric_code", THEME, Metric.EXACT, lambda: _country_field(3), (
        "Give the country's ISO numeric code.",
        "What is the three-digit ISO 3166 number of this country?",
        "ISO numeric code",
        'Write the numeric country code with three digits, e.g. "France" -> "250".',
        "Which UN M49 / ISO number does the country have?",
        "The input names a country; answer with its ISO 3166-1 numeric code, three digits with leading zeros kept.",
        "country -> numeric code",
        'Number code of the country, please. For example "Japan" becomes "392".',
        "Could you look up the numeric code of this country?",
        "Three-digit country number.",
        "Tell me the country's numeric code.",
        "Find the country in the ISO 3166-1 table and reply with the three-digit numeric code written in its row.",
    ), ISO, wording=WORDINGS["country_to_numeric_code"]),
    table_family("country_to_currency_code", THEME, Metric.EXACT, _currencies, (
        "Which currency code does this country use?",
        "Give the ISO 4217 code of the country's currency.",
        "currency code",
        'Write the three-letter code of the money used in the country, e.g. "Japan" -> "JPY".',
        "What is the currency of the country, as a code?",
        "The input names a country; answer with the three-letter ISO 4217 code of the currency that is legal tender there.",
        "country -> currency code",
        'Name the currency code. For example "United Kingdom" becomes "GBP".',
        "Could you tell me which currency they pay with there (code)?",
        "Currency of the country, ISO code only.",
        "Look up the currency code.",
        "Tell me the code a bank would use for the currency of this country, three capital letters and nothing more.",
    ), ISO_AND_CLDR, wording=WORDINGS["country_to_currency_code"]),
    table_family("currency_code_to_name", THEME, Metric.NORMALIZED, _currency_names, (
        "What currency does this code stand for?",
        "Give the English name of the currency with this ISO code.",
        "currency name",
        'Expand the currency code, e.g. "JPY" -> "Japanese Yen".',
        "Name the currency.",
        "The input is a three-letter ISO 4217 currency code; answer with the currency's full English name as CLDR gives it.",
        "code -> currency",
        'Which money is this? For example "GBP" becomes "British Pound".',
        "Could you decode this currency code?",
        "Full name of the currency?",
        "Currency name from its code.",
        "Write out the name of the currency that a foreign exchange board lists under this three-letter code.",
    ), ISO_AND_CLDR, wording=WORDINGS["currency_code_to_name"]),
    table_family("currency_name_to_code", THEME, Metric.EXACT, lambda: unique_inverse(_currency_names()), (
        "Give the ISO code of the currency.",
        "What is the three-letter code for this currency?",
        "currency to code",
        'Abbreviate the currency to its ISO 4217 code, e.g. "Swiss Franc" -> "CHF".',
        "Write the code of the currency.",
        "The input is the English name of a currency; answer with its three-letter ISO 4217 code in capital letters.",
        "currency name -> code",
        'Code of this money? For example "Euro" becomes "EUR".',
        "Could you give me the currency's code?",
        "ISO 4217 code, please.",
        "Which code does this currency trade under?",
        "Tell me the three capital letters that banks and exchanges use to identify the currency named in the input.",
    ), ISO_AND_CLDR, wording=WORDINGS["currency_name_to_code"]),
    table_family("currency_symbol", THEME, Metric.EXACT, _currency_symbols, (
        "Give the symbol of the currency.",
        "What sign is used for this currency?",
        "currency symbol",
        'Write the symbol of the currency with this code, e.g. "EUR" -> "€".',
        "Which symbol stands for the currency?",
        "The input is an ISO 4217 currency code; answer with the symbol English text uses for it, as CLDR gives it.",
        "code -> symbol",
        'Show the currency sign. For example "GBP" becomes "£".',
        "Could you give me the symbol for this currency code?",
        "Currency sign, please.",
        "Symbol for the code?",
        "Replace the three-letter currency code with the short symbol that is printed in front of prices in that currency.",
    ), ISO_AND_CLDR, wording=WORDINGS["currency_symbol"]),
    table_family("country_official_language", THEME, Metric.NORMALIZED, _official_languages, (
        "What is the official language of this country?",
        "Name the country's official language.",
        "official language",
        'Give the one official language of the country, e.g. "Brazil" -> "Portuguese".',
        "Which language is official in the country?",
        "The input names a country that has a single official language; answer with that language's English name.",
        "country -> official language",
        'Language of the state? For example "Japan" becomes "Japanese".',
        "Could you tell me the official language there?",
        "Tell me the country's language.",
        "Official tongue of this country?",
        "Look up which language the government of the given country uses officially and write its name in English.",
    ), ISO_AND_CLDR, wording=WORDINGS["country_official_language"]),
    table_family("language_to_iso639", THEME, Metric.EXACT, _iso639_1, (
        "Give the two-letter ISO 639-1 code of the language.",
        "What is the language code of this language?",
        "ISO 639-1 code",
        'Write the two-letter code of the language, e.g. "German" -> "de".',
        "Abbreviate the language to its two-letter code.",
        "The input is the English name of a language; answer with its ISO 639-1 code, two lowercase letters.",
        "language -> code",
        'Which two letters stand for the language? For example "Spanish" becomes "es".',
        "Could you look up the language code?",
        "Two-letter language code, please.",
        "Code for this language?",
        "Tell me the short lowercase code that software locale settings use for the language named in the input.",
    ), ISO, wording=WORDINGS["language_to_iso639"]),
    table_family("iso639_to_language", THEME, Metric.NORMALIZED, lambda: unique_inverse(_iso639_1()), (
        "Which language has this ISO 639-1 code?",
        "Name the language for the two-letter code.",
        "language code to name",
        'Expand the two-letter language code, e.g. "fr" -> "French".',
        "Give the language's English name for the code.",
        "The input is a two-letter ISO 639-1 language code in lowercase; answer with the English name of the language.",
        "code -> language",
        'What language is this code? For example "it" becomes "Italian".',
        "Decode this language code.",
        "Language name, please.",
        "Which language does the code mean?",
        "Look up the two lowercase letters in the ISO 639-1 table and write the name of the language they identify.",
    ), ISO, wording=WORDINGS["iso639_to_language"]),
    table_family("script_code_to_name", THEME, Metric.NORMALIZED, _scripts, (
        "Which writing system has this ISO 15924 code?",
        "Name the script for the four-letter code.",
        "script code to name",
        'Expand the ISO 15924 script code, e.g. "Cyrl" -> "Cyrillic".',
        "Give the name of the script.",
        "The input is a four-letter ISO 15924 script code, first letter capital; answer with the name of the writing system.",
        "script code -> script",
        'What script is this? For example "Grek" becomes "Greek".',
        "Decode this script code.",
        "Writing system name, please.",
        "Which alphabet or script does the code mean?",
        "Look the four-letter code up in the ISO 15924 list of writing systems and answer with the script's English name.",
    ), ISO, wording=WORDINGS["script_code_to_name"]),
    table_family("script_name_to_code", THEME, Metric.EXACT, lambda: unique_inverse(_scripts()), (
        "Give the ISO 15924 code of the script.",
        "What is the four-letter code for this writing system?",
        "script to code",
        'Write the ISO 15924 code of the script, e.g. "Latin" -> "Latn".',
        "Abbreviate the script name to its code.",
        "The input names a writing system; answer with its four-letter ISO 15924 code, capital first letter, then lowercase.",
        "script -> 4-letter code",
        'Which code stands for this script? For example "Arabic" becomes "Arab".',
        "Could you look up the script code?",
        "Four-letter script code, please.",
        "Code of the writing system?",
        "Tell me the short four-letter tag that Unicode locale identifiers use for the writing system named in the input.",
    ), ISO, wording=WORDINGS["script_name_to_code"]),
    table_family("country_capital", THEME, Metric.NORMALIZED, _capitals, (
        "Which city is this country's capital?",
        "Give the capital of the country.",
        "capital city",
        'Name the country\'s seat of government, e.g. "Germany" -> "Berlin".',
        "Write the capital of this nation.",
        "The input names a country with one capital city; answer with the English name of that capital.",
        "country -> capital",
        'Where is the capital? For example "Peru" becomes "Lima".',
        "Could you tell me the capital of this country?",
        "Capital, please.",
        "Name its capital.",
        "Look the country up in an atlas and write the name of the city that is its national capital, nothing else.",
    ), FACTS, operation="capital_of_country", wording=WORDINGS["country_capital"]),
    table_family("capital_to_country", THEME, Metric.NORMALIZED, lambda: unique_inverse(_capitals()), (
        "Which country has this city as its capital?",
        "Name the country whose capital this is.",
        "capital to country",
        'Give the country of the capital city, e.g. "Berlin" -> "Germany".',
        "Write the nation this city is the capital of.",
        "The input is the capital city of a country; answer with the English name of the country it is the capital of.",
        "capital -> country",
        'Whose capital is it? For example "Lima" becomes "Peru".',
        "Could you tell me which country this capital belongs to?",
        "Country of the capital?",
        "Capital of which country?",
        "The city in the input is a national capital: reply with the usual English name of the country governed from it.",
    ), FACTS, wording=WORDINGS["capital_to_country"]),
    table_family("country_region", THEME, Metric.CHOICE, lambda: _by_country(lambda r: r.get("region")), (
        "On which continent is this country?",
        "Name the world region of the country.",
        "continent",
        'Answer Africa, Americas, Asia, Europe or Oceania, e.g. "Kenya" -> "Africa".',
        "Which part of the world is the country in?",
        "The input names a country; answer with its region of the world: Africa, Americas, Asia, Europe or Oceania.",
        "country -> region",
        'Where in the world is it? For example "Chile" gives "Americas".',
        "Could you tell me the continent of this country?",
        "Region, please.",
        "Continent of the country?",
        "Place the country on the map of the world and say which of the five regions, as the UN groups them, it belongs to.",
    ), FACTS, choices=REGIONS, sample=balanced, wording=WORDINGS["country_region"]),
    table_family("country_calling_code", THEME, Metric.NORMALIZED, _calling_codes, (
        "What is the country's international calling code?",
        "Give the telephone country code.",
        "dialling code",
        'Write the code you dial before a phone number of the country, e.g. "France" -> "+33".',
        "Which prefix do international calls to this country use?",
        "The input names a country; answer with its international telephone calling code, written with a leading plus sign.",
        "country -> phone code",
        'Phone prefix of the country? For example "Germany" becomes "+49".',
        "Could you tell me the dialling code for this country?",
        "Calling code, please.",
        "Country code for phone calls.",
        "Tell me what to type after the plus sign when phoning someone in the given country from abroad, with the plus sign.",
    ), FACTS, wording=WORDINGS["country_calling_code"]),
    table_family("country_demonym", THEME, Metric.NORMALIZED, lambda: _by_country(lambda r: r.get("demonym")), (
        "What are the people of this country called?",
        "Give the demonym of the country.",
        "demonym",
        'Write the word for someone from the country, e.g. "Norway" -> "Norwegian".',
        "Name the nationality adjective for the country.",
        "The input names a country; answer with the English word for its people and for things from there, like Swiss or Dutch.",
        "country -> nationality",
        'What do you call someone from there? For example "Peru" becomes "Peruvian".',
        "Could you give me the nationality word for this country?",
        "Nationality, please.",
        "People of the country are called?",
        "Fill in 'a ... citizen' for the given country with the usual English adjective of nationality, capitalized.",
    ), FACTS, wording=WORDINGS["country_demonym"]),
]
