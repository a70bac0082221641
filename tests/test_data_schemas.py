"""Every YAML data file in the package fits its schema, and a misspelt key or a wrong type is rejected with a
message that names the file and the key."""

from __future__ import annotations

import copy
from importlib import resources

import pytest

from upphandlingsgranskare._data_schemas import SCHEMAS
from upphandlingsgranskare._yaml import DataFileError, check_data, load_data_file, load_yaml

_ROOT = resources.files("upphandlingsgranskare")


def _data_files() -> list[str]:
    found = []

    def walk(folder, prefix: str) -> None:
        for entry in folder.iterdir():
            name = f"{prefix}{entry.name}"
            if entry.is_dir():
                walk(entry, f"{name}/")
            elif entry.name.endswith((".yaml", ".yml")):
                found.append(name)

    walk(_ROOT, "")
    return sorted(found)


DATA_FILES = _data_files()


def test_the_package_has_its_data_files():
    assert {
        "nlp/lexicons/sv.yaml",
        "nlp/lexicons/en.yaml",
        "checks/data/brands.yaml",
        "trace/data/vocabulary.yaml",
        "segment/data/near_languages.yaml",
    } <= set(DATA_FILES)


@pytest.mark.parametrize("relative", DATA_FILES)
def test_every_data_file_fits_its_schema(relative):
    parts = relative.split("/")
    # The file through the loader the package uses (a package for each folder that is one; prompts/ is not).
    folder = parts[0] if parts[0] in {"nlp", "checks", "trace", "segment", "extract"} else ""
    package = "upphandlingsgranskare" + (f".{folder}" if folder else "")
    data = load_data_file(package, *(parts[1:] if folder else parts))
    assert data


@pytest.mark.parametrize("relative", DATA_FILES)
def test_a_misspelt_key_is_rejected_naming_file_and_key(relative):
    data = load_yaml(_ROOT.joinpath(*relative.split("/")).read_text("utf-8"))
    assert isinstance(data, dict)
    broken = copy.deepcopy(data)
    key = next(iter(broken))
    broken[key + "x"] = broken.pop(key)  # a typo in a key name
    with pytest.raises(DataFileError) as error:
        check_data(broken, relative)
    message = str(error.value)
    assert relative in message and f"{key}x" in message


def test_a_misspelt_nested_key_and_a_yaml_boolean_are_rejected():
    text = _ROOT.joinpath("nlp", "lexicons", "en.yaml").read_text("utf-8")
    data = load_yaml(text)
    data["purpose_marker"] = data.pop("purpose_markers")
    data["copulas"] = load_yaml("[is, are, on]")  # unquoted "on": YAML 1.1 reads True
    with pytest.raises(DataFileError) as error:
        check_data(data, "nlp/lexicons/en.yaml")
    message = str(error.value)
    assert "nlp/lexicons/en.yaml" in message
    assert "purpose_marker" in message and "copulas.2" in message

    brands = load_yaml(_ROOT.joinpath("checks", "data", "brands.yaml").read_text("utf-8"))
    category = next(iter(brands["categories"].values()))
    category["brands"].append({"name": "Exempel", "any_cases": True})
    with pytest.raises(DataFileError, match=r"checks/data/brands\.yaml.*any_cases"):
        check_data(brands, "checks/data/brands.yaml")


def test_a_data_file_without_a_schema_is_an_error():
    with pytest.raises(DataFileError, match="no schema"):
        check_data({}, "checks/data/unknown.yaml")


def test_every_schema_pattern_has_a_file():
    from fnmatch import fnmatch

    for pattern in SCHEMAS:
        assert any(fnmatch(f, pattern) for f in DATA_FILES), pattern


def test_a_pattern_that_does_not_compile_is_rejected_naming_file_and_key():
    with pytest.raises(DataFileError) as caught:
        check_data({"sv": ["likvärdig", "(unclosed"], "en": []}, "segment/data/qualifiers.yaml")
    message = str(caught.value)
    assert "segment/data/qualifiers.yaml" in message and "sv.1" in message and "not a regular expression" in message


@pytest.mark.parametrize(
    ("template", "why"),
    [("Kravet {names", "not a format string"), ("Kravet {} ", "must be named"), ("Kravet {0}", "must be named")],
)
def test_a_message_template_with_a_broken_or_unnamed_field_is_rejected(template, why):
    data = load_yaml(_ROOT.joinpath("checks", "data", "messages.sv.yaml").read_text("utf-8"))
    data["UG103"]["templates"]["question"] = template
    with pytest.raises(DataFileError) as caught:
        check_data(data, "checks/data/messages.sv.yaml")
    message = str(caught.value)
    assert "messages.sv.yaml" in message and "UG103.templates.question" in message and why in message


# -- the compiled copies in the cache folder ---------------------------------------------------------------


def test_a_checked_file_is_kept_compiled_and_read_back_without_parsing(tmp_path, monkeypatch):
    import upphandlingsgranskare._yaml as loader

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = load_data_file("upphandlingsgranskare.checks", "data", "brands.yaml")
    compiled = tmp_path / "upphandlingsgranskare" / "data" / "checks--data--brands.yaml.marshal"
    assert compiled.is_file()

    def no_parsing(text):
        raise AssertionError("read the YAML again")

    monkeypatch.setattr(loader, "load_yaml", no_parsing)
    monkeypatch.setattr(loader, "check_data", no_parsing)
    assert load_data_file("upphandlingsgranskare.checks", "data", "brands.yaml") == first


def test_a_compiled_copy_of_other_bytes_is_not_used(tmp_path, monkeypatch):
    """A copy stored for another version of the file (or of the schemas) is read, checked and replaced."""
    import marshal

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    compiled = tmp_path / "upphandlingsgranskare" / "data" / "checks--data--brands.yaml.marshal"
    compiled.parent.mkdir(parents=True)
    compiled.write_bytes(marshal.dumps(("another version", {"categories": {}})))
    data = load_data_file("upphandlingsgranskare.checks", "data", "brands.yaml")
    assert data["categories"]
    assert marshal.loads(compiled.read_bytes())[1] == data
    compiled.write_bytes(b"not marshal data")  # a damaged copy is a miss too
    assert load_data_file("upphandlingsgranskare.checks", "data", "brands.yaml") == data


def test_an_unwritable_cache_folder_only_costs_the_check(tmp_path, monkeypatch):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert load_data_file("upphandlingsgranskare.checks", "data", "brands.yaml")["categories"]
