"""Settings.load: defaults ← marsad.toml ← MARSAD_* environment, with each value coerced to its field's type."""

import pytest

from marsad.config import Settings


@pytest.mark.parametrize(("text", "value"), [
    ("1", True), ("true", True), ("Yes", True), (" on ", True),
    ("0", False), ("false", False), ("NO", False), ("off", False), ("", False),
])
def test_boolean_from_the_environment(tmp_path, text, value):
    env = {"MARSAD_ALLOW_PRIVATE_NETWORKS": text}
    assert Settings.load(toml_path=tmp_path / "absent.toml", env=env).allow_private_networks is value


def test_boolean_that_is_not_one_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="'maybe' is not a boolean"):
        Settings.load(toml_path=tmp_path / "absent.toml", env={"MARSAD_ALLOW_PRIVATE_NETWORKS": "maybe"})


@pytest.mark.parametrize("value", [True, False])
def test_boolean_from_toml(tmp_path, value):
    toml = tmp_path / "marsad.toml"
    toml.write_text(f"[marsad]\nallow_private_networks = {str(value).lower()}\n", encoding="utf-8")
    assert Settings.load(toml_path=toml, env={}).allow_private_networks is value
