"""Personal data is replaced by stable placeholders before text goes to an LLM, and nothing else is."""

from __future__ import annotations

import pytest

from upphandlingsgranskare.llm.redact import Redaction, Redactor, luhn_ok


def with_check_digit(nine: str) -> str:
    """The nine digits YYMMDDNNN plus their Luhn check digit, computed here independently of redact."""
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d // 10 + d % 10
    return nine + str((10 - total % 10) % 10)


def pnr(nine: str, sep: str = "-", century: str = "") -> str:
    ten = with_check_digit(nine)
    return f"{century}{ten[:6]}{sep}{ten[6:]}"


def bad_check_digit(nine: str) -> str:
    ten = with_check_digit(nine)
    return f"{ten[:6]}-{ten[6:9]}{(int(ten[9]) + 1) % 10}"


def test_skatteverket_test_number_passes_luhn() -> None:
    assert with_check_digit("121212121") == "1212121212"
    assert luhn_ok("1212121212")
    assert not luhn_ok("1212121213")


@pytest.mark.parametrize(
    "value",
    [
        "19121212-1212",  # Skatteverket's test number
        "121212-1212",
        "121212+1212",  # over 100 years old
        "191212121212",
        "1212121212",
        pnr("800101123"),
        pnr("800101123", sep=""),
        pnr("800101123", century="19"),
        pnr("800101123", sep="", century="19"),
        pnr("050615987", century="20"),
        pnr("010203456"),  # born 2001: starts with 0, still a personnummer, not a phone number
        pnr("701063239"),  # samordningsnummer: day 03 + 60
        pnr("701091239"),  # samordningsnummer: day 31 + 60
        pnr("991231000"),
    ],
)
def test_personnummer_is_redacted(value: str) -> None:
    result = Redactor().redact(f"Sökande: Anna Andersson, {value}, Storgatan 1.")
    assert result.text == "Sökande: [NAMN-1], [PERSONNUMMER-1], Storgatan 1."
    assert result.replacements == {"[NAMN-1]": "Anna Andersson", "[PERSONNUMMER-1]": value}


@pytest.mark.parametrize(
    "value",
    [
        bad_check_digit("121212121"),
        bad_check_digit("800101123"),
        "19" + bad_check_digit("800101123"),
        "19800101" + "1232",
    ],
)
def test_personnummer_with_a_wrong_check_digit_is_redacted(value: str) -> None:
    """A typo in the check digit leaves someone's personnummer: the dash or the century says what it is."""
    assert Redactor().redact(f"Sökande {value}.").text == "Sökande [PERSONNUMMER-1]."


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("Kontaktperson är Anna Svensson på förvaltningen.", "Kontaktperson är [NAMN-1] på förvaltningen."),
        ("Frågor besvaras av Maria Lindqvist-Berg.", "Frågor besvaras av [NAMN-1]."),
        ("Projektledare Karl Johan Andersson leder arbetet.", "Projektledare [NAMN-1] leder arbetet."),
        ("Contact: Jennifer Smith, procurement officer.", "Contact: [NAMN-1], procurement officer."),
    ],
)
def test_names_of_people_are_redacted(text: str, redacted: str) -> None:
    assert Redactor().redact(text).text == redacted


@pytest.mark.parametrize(
    "text",
    [
        "Systemet ska integreras med Microsoft Teams och Region Stockholm.",
        "Västra Götaland och Skåne län ska kunna använda tjänsten.",
        "Per månad ska högst 5 incidenter få inträffa.",
        "Anna Kommun ska ha tillgång till e-tjänsten.",  # a first name before an organisation word
        "Leverans till Karl Johans gata 5.",
        "Systemet Ska stödja BankID. Eva ska kunna logga in.",
        "The system shall let Mary log in with SAML 2.0.",
    ],
)
def test_ordinary_words_and_places_are_not_taken_for_names(text: str) -> None:
    assert Redactor().redact(text).text == text


@pytest.mark.parametrize(
    "text",
    [
        "1212121213",  # ten digits failing Luhn, no dash: an order number or amount
        "Ordernummer 4711234567",
        pnr("801301123"),  # month 13
        pnr("800001123"),  # month 00
        pnr("800132123"),  # day 32
        pnr("800100123"),  # day 00
        pnr("800192123"),  # day 92 is beyond samordningsnummer
        "212000-0142",  # organisationsnummer (month part >= 20), not personal data
        "556036-0793",
        "5560360793",
        "16556036-0793",
        "1" + with_check_digit("121212121"),  # inside a longer digit run
        with_check_digit("121212121") + "7",
        "Belopp: 12" + with_check_digit("121212121") + " kr",
        "2024-05-01",
        "Dnr 2024/" + with_check_digit("121212121"),
    ],
)
def test_not_a_personnummer(text: str) -> None:
    assert Redactor().redact(text).text == text


@pytest.mark.parametrize(
    "value",
    [
        "anna@kommun.se",
        "anna.andersson@kommun.se",
        "förnamn.efternamn@växjö.se",
        "åsa.öberg@region-örebro.se",
        "ÅSA@ÖRE.SE",
        "a.b+upphandling@mail.sub.example.org",
        "upphandling_2024@kommun.se",
        "first-last@example.co.uk",
    ],
)
def test_email_is_redacted(value: str) -> None:
    result = Redactor().redact(f"Frågor skickas till {value}.")
    assert result.text == "Frågor skickas till [E-POST-1]."
    assert result.replacements == {"[E-POST-1]": value}


@pytest.mark.parametrize(
    "text",
    [
        "Skicka till @kommun.se",
        "Skicka till anna@",
        "anna@kommun",
        "anna@@kommun.se",
        "Se www.kommun.se/upphandling",
        "SS-EN ISO 9001:2015",
    ],
)
def test_not_an_email(text: str) -> None:
    assert Redactor().redact(text).text == text


@pytest.mark.parametrize(
    "value",
    [
        "08-123 456 78",
        "08-12 34 56",
        "08-123 45 67",
        "08 123 456 78",
        "(08) 123 456 78",
        "070-123 45 67",
        "070 123 45 67",
        "0701234567",
        "070-1234567",
        "031-12 34 56",
        "0771-123 456",
        "0480-123 45",
        "+46 70 123 45 67",
        "+46701234567",
        "+46 (0)8 123 456 78",
        "+46 8 123 456 78",
        "00 46 8 123 456 78",
        "0046 70 123 45 67",
        "+1 202 555 0143",
        "+44 20 7946 0958",
        "+358 9 123 4567",
    ],
)
def test_phone_number_is_redacted(value: str) -> None:
    result = Redactor().redact(f"Ring kontaktpersonen på {value} under kontorstid.")
    assert result.text == "Ring kontaktpersonen på [TELEFON-1] under kontorstid."
    assert result.replacements == {"[TELEFON-1]": value}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tel: 08-123 456 78", "Tel: [TELEFON-1]"),
        ("tel.070-123 45 67, mobil", "tel.[TELEFON-1], mobil"),
        ("Växel 08-123 456 78 2024", "Växel [TELEFON-1] 2024"),  # the year is not part of the number
        ("Ring 070-123 45 67.", "Ring [TELEFON-1]."),
        ("Tel 08-123 456 78 070-123 45 67", "Tel [TELEFON-1] [TELEFON-2]"),  # two numbers in a row
        ("Leverans 2024-05-01 0701234567", "Leverans 2024-05-01 [TELEFON-1]"),
        ("Kontakt (070-123 45 67)", "Kontakt ([TELEFON-1])"),
    ],
)
def test_phone_number_boundaries(text: str, expected: str) -> None:
    assert Redactor().redact(text).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "Avtalet gäller från 2024.",
        "Startdatum 2024-05-01.",
        "Avtalsperiod 2024-05-01--2025-04-30.",
        "Datum 01-05-2024",
        "Öppet 08:00-17:00 vardagar.",
        "Öppet 08.00-17.00 vardagar.",
        "Support kl. 08-17.",
        "Support kl 08-17 15-18",
        "Öppet 08-12 13-16 vardagar",
        "Tillgänglighet 99,5 %.",
        "Tillgänglighet 0,5 % driftstopp.",
        "Takbelopp 1 000 000 kr.",
        "Takbelopp 100 000 000 kr.",
        "Takbelopp 1 050 000 000",
        "Takbelopp 2 012 345 678",
        "Värde 500 000 SEK",
        "En ökning med +2 000 000 kr.",
        "Se avsnitt 4.2.1 och 3.1.4.2.",
        "Certifiering enligt ISO 27001.",
        "Ledningssystem enligt SS-EN ISO 9001:2015.",
        "Tillgänglighet enligt WCAG 2.1 nivå AA.",
        "Krav K12 och KRAV-0123.",
        "Krav KRAV-01234567.",
        "Felet ska åtgärdas inom 4 timmar.",
        "Organisationsnummer 212000-0142.",
        "Postadress: Box 123, 111 22 Stockholm.",
        "Dnr 2024/0123456",
        "Version 0.12.3",
        "Antal användare: 0 till 5000",
        "Ring 08-123 4",  # six digits: too few
        "Kod 0701 2",
        "+46",
        "+5 grader",
    ],
)
def test_not_a_phone_number(text: str) -> None:
    assert Redactor().redact(text).text == text


def test_kinds_are_numbered_separately_and_same_value_same_placeholder() -> None:
    redactor = Redactor()
    text = (
        "Kontakt: anna@kommun.se, 070-123 45 67. Ersättare: bo@kommun.se, 08-123 456 78. "
        "Frågor till anna@kommun.se eller 070-123 45 67. Pnr 19121212-1212."
    )
    result = redactor.redact(text)
    assert result.text == (
        "Kontakt: [E-POST-1], [TELEFON-1]. Ersättare: [E-POST-2], [TELEFON-2]. "
        "Frågor till [E-POST-1] eller [TELEFON-1]. Pnr [PERSONNUMMER-1]."
    )
    assert result.replacements == {
        "[E-POST-1]": "anna@kommun.se",
        "[E-POST-2]": "bo@kommun.se",
        "[TELEFON-1]": "070-123 45 67",
        "[TELEFON-2]": "08-123 456 78",
        "[PERSONNUMMER-1]": "19121212-1212",
    }


def test_placeholders_are_stable_across_calls() -> None:
    redactor = Redactor()
    first = redactor.redact("Kontakt anna@kommun.se, 070-123 45 67.")
    second = redactor.redact("Ny kontakt bo@kommun.se; gamla var anna@kommun.se och 070-123 45 67.")
    assert first.text == "Kontakt [E-POST-1], [TELEFON-1]."
    assert second.text == "Ny kontakt [E-POST-2]; gamla var [E-POST-1] och [TELEFON-1]."
    # Each Redaction lists what its own text holds; the Redactor remembers everything it issued.
    assert second.replacements == {
        "[E-POST-2]": "bo@kommun.se",
        "[E-POST-1]": "anna@kommun.se",
        "[TELEFON-1]": "070-123 45 67",
    }
    assert redactor.replacements == {
        "[E-POST-1]": "anna@kommun.se",
        "[TELEFON-1]": "070-123 45 67",
        "[E-POST-2]": "bo@kommun.se",
    }


def test_different_spellings_are_different_values() -> None:
    result = Redactor().redact("070-123 45 67 eller 0701234567")
    assert result.text == "[TELEFON-1] eller [TELEFON-2]"


def test_email_holding_a_phone_number_is_one_email() -> None:
    result = Redactor().redact("SMS via 0701234567@sms.operator.se")
    assert result.text == "SMS via [E-POST-1]"


@pytest.mark.parametrize(
    "text",
    [
        "Kontakt: Anna Andersson, anna@kommun.se, 070-123 45 67, pnr 19121212-1212.",
        "Växel +46 (0)8 123 456 78; fax 08-123 456 79; e-post registrator@växjö.se.\nSamordningsnummer "
        + pnr("701063239")
        + ".",
        "Avtalsperiod 2024-05-01--2025-04-30, takbelopp 1 000 000 kr, ISO 27001, ring 031-12 34 56.",
        "",
        "Ingen persondata här: krav K12 enligt avsnitt 4.2.1.",
    ],
)
def test_restore_round_trip(text: str) -> None:
    redactor = Redactor()
    redacted = redactor.redact(text)
    assert redactor.restore(redacted.text) == text


def test_restore_in_llm_output_and_leaves_unknown_placeholders() -> None:
    redactor = Redactor()
    redactor.redact("Kontakt anna@kommun.se, 070-123 45 67.")
    answer = "Kravet bör ange att [E-POST-1] kontaktas; [TELEFON-1] och [TELEFON-9] [E-POST-1]."
    assert redactor.restore(answer) == (
        "Kravet bör ange att anna@kommun.se kontaktas; 070-123 45 67 och [TELEFON-9] anna@kommun.se."
    )


def test_restore_tells_placeholder_1_from_10() -> None:
    redactor = Redactor()
    emails = [f"person{i}@kommun.se" for i in range(1, 11)]
    redacted = redactor.redact(" ".join(emails))
    assert redacted.text.split()[-1] == "[E-POST-10]"
    assert redactor.restore("[E-POST-10] [E-POST-1]") == "person10@kommun.se person1@kommun.se"


@pytest.mark.parametrize(
    "text",
    [
        "Systemet ska stödja inloggning med SSO enligt avsnitt 3.1.4.2.",
        "Leverantören ska åtgärda fel inom 4 timmar, dygnet runt (24/7), och nå 99,5 % tillgänglighet.",
        "The supplier shall deliver within 30 days from 2024-05-01, for 500 000 SEK, per ISO 27001.",
        "Tabell 2: K12, KRAV-0123, WCAG 2.1, org.nr 212000-0142, 111 22 Stockholm.",
    ],
)
def test_text_without_personal_data_is_unchanged(text: str) -> None:
    redactor = Redactor()
    assert redactor.redact(text) == Redaction(text, {})
    assert redactor.replacements == {}
