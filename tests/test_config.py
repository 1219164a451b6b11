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


def test_smtp_settings_from_toml_and_environment(tmp_path):
    toml = tmp_path / "marsad.toml"
    toml.write_text('[marsad]\nsmtp_host = "mail.example.org"\nsmtp_port = 465\nsmtp_user = "desk"\n', encoding="utf-8")
    env = {"MARSAD_SMTP_PORT": "2525", "MARSAD_SMTP_STARTTLS": "0", "MARSAD_SMTP_PASSWORD": "s3cret"}
    settings = Settings.load(toml_path=toml, env=env)
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_starttls) == ("mail.example.org", 2525, False)
    assert (settings.smtp_user, settings.smtp_password) == ("desk", "s3cret")
    assert "s3cret" not in repr(settings)


def test_the_analytics_backend_from_the_environment(tmp_path):
    default = Settings.load(tmp_path / "none.toml", env={})
    assert (default.backend, default.lake, default.spark_master) == ("duckdb", None, "local[2]")
    s = Settings.load(tmp_path / "none.toml", env={"MARSAD_BACKEND": "spark", "MARSAD_LAKE": str(tmp_path / "lake"),
                                                   "MARSAD_SPARK_MASTER": "spark://10.0.0.5:7077"})
    assert (s.backend, s.lake, s.spark_master) == ("spark", tmp_path / "lake", "spark://10.0.0.5:7077")
    with pytest.raises(ValueError, match="not one of duckdb, spark"):
        Settings.load(tmp_path / "none.toml", env={"MARSAD_BACKEND": "hadoop"})


def test_the_arabic_ner_model_from_the_environment(tmp_path):
    assert Settings.load(tmp_path / "none.toml", env={}).arabic_ner == "crf"
    assert Settings.load(tmp_path / "none.toml", env={"MARSAD_ARABIC_NER": "neural"}).arabic_ner == "neural"
    with pytest.raises(ValueError, match="not one of crf, neural"):
        Settings.load(tmp_path / "none.toml", env={"MARSAD_ARABIC_NER": "bert"})
