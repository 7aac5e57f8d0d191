"""load_settings: pure, typed, with development defaults and per-service overrides."""
import pytest

from shared.settings import DEV_JWT_SECRET, load_settings


def test_dev_defaults_from_an_empty_environment():
    settings = load_settings("checkins", {})
    assert settings.service == "checkins"
    assert settings.database_url == "sqlite:///var/checkins.db"
    assert settings.kafka_bootstrap_servers == "127.0.0.1:9092"
    assert settings.jwt_secret == DEV_JWT_SECRET
    assert (settings.jwt_issuer, settings.jwt_audience) == ("circles", "circles")
    assert settings.testing is False
    assert settings.event_source == "/circles/checkins"


def test_default_database_is_per_service():
    assert load_settings("people", {}).database_url == "sqlite:///var/people.db"


def test_database_url_override():
    env = {"DATABASE_URL": "postgresql+psycopg://db/circles"}
    assert load_settings("checkins", env).database_url == "postgresql+psycopg://db/circles"


def test_service_specific_database_url_wins():
    env = {"DATABASE_URL": "postgresql+psycopg://db/shared", "CHECKINS_DATABASE_URL": "postgresql+psycopg://db/checkins"}
    assert load_settings("checkins", env).database_url == "postgresql+psycopg://db/checkins"


def test_another_services_override_does_not_leak():
    env = {"DATABASE_URL": "postgresql+psycopg://db/shared", "PEOPLE_DATABASE_URL": "postgresql+psycopg://db/people"}
    assert load_settings("checkins", env).database_url == "postgresql+psycopg://db/shared"


def test_service_prefix_applies_to_other_fields_too():
    env = {"KAFKA_BOOTSTRAP_SERVERS": "kafka:9092", "CHECKINS_KAFKA_BOOTSTRAP_SERVERS": "other:9092"}
    assert load_settings("checkins", env).kafka_bootstrap_servers == "other:9092"


def test_empty_value_keeps_the_default():
    assert load_settings("checkins", {"DATABASE_URL": ""}).database_url == "sqlite:///var/checkins.db"


def test_int_fields_are_parsed():
    settings = load_settings("people", {"JWT_TTL_SECONDS": "60", "CONSUMER_MAX_RETRIES": "2", "RELAY_BATCH_SIZE": "10"})
    assert settings.jwt_ttl_seconds == 60 and isinstance(settings.jwt_ttl_seconds, int)
    assert settings.consumer_max_retries == 2
    assert settings.relay_batch_size == 10


def test_float_fields_are_parsed():
    settings = load_settings("people", {"RELAY_IDLE_SECONDS": "0.5", "CONSUMER_BACKOFF_SECONDS": "1"})
    assert settings.relay_idle_seconds == 0.5
    assert settings.consumer_backoff_seconds == 1.0 and isinstance(settings.consumer_backoff_seconds, float)


def test_housekeeping_keeps_a_week_of_outbox_and_the_topics_retention_of_processed_events():
    settings = load_settings("people", {})
    assert (settings.outbox_keep_days, settings.processed_events_keep_days) == (7, 414)


def test_housekeeping_days_are_parsed_and_zero_keeps_forever():
    env = {"OUTBOX_KEEP_DAYS": "0", "PROCESSED_EVENTS_KEEP_DAYS": "430", "CHECKINS_OUTBOX_KEEP_DAYS": "2"}
    people = load_settings("people", env)
    assert (people.outbox_keep_days, people.processed_events_keep_days) == (0, 430)
    assert load_settings("checkins", env).outbox_keep_days == 2


@pytest.mark.parametrize("name", ["OUTBOX_KEEP_DAYS", "PROCESSED_EVENTS_KEEP_DAYS"])
@pytest.mark.parametrize("raw", ["-1", "a week", "7.5"])
def test_housekeeping_days_must_be_a_whole_number_not_below_zero(name, raw):
    with pytest.raises(ValueError):
        load_settings("people", {name: raw})


def test_bad_number_is_an_error():
    with pytest.raises(ValueError):
        load_settings("people", {"JWT_TTL_SECONDS": "an hour"})


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "on", " True "])
def test_circles_testing_truthy(raw):
    assert load_settings("people", {"CIRCLES_TESTING": raw}).testing is True


@pytest.mark.parametrize("raw", ["0", "false", "no", "off", "", "maybe"])
def test_circles_testing_falsy(raw):
    assert load_settings("people", {"CIRCLES_TESTING": raw}).testing is False


def test_strings_are_taken_verbatim():
    settings = load_settings("people", {"JWT_SECRET": "s" * 40, "JWT_ISSUER": "iss", "LOG_LEVEL": "DEBUG"})
    assert (settings.jwt_secret, settings.jwt_issuer, settings.log_level) == ("s" * 40, "iss", "DEBUG")


def test_unrelated_variables_are_ignored():
    assert load_settings("people", {"HOME": "/root", "PATH": "/bin"}) == load_settings("people", {})


def test_reads_os_environ_when_no_mapping_is_given(monkeypatch):
    monkeypatch.setenv("PEOPLE_DATABASE_URL", "sqlite:///elsewhere.db")
    assert load_settings("people").database_url == "sqlite:///elsewhere.db"


def test_explicit_mapping_ignores_os_environ(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///from-os.db")
    assert load_settings("people", {}).database_url == "sqlite:///var/people.db"


def test_with_overrides_returns_a_changed_copy():
    base = load_settings("people", {})
    changed = base.with_overrides(testing=True, relay_batch_size=1)
    assert (changed.testing, changed.relay_batch_size) == (True, 1)
    assert (base.testing, base.relay_batch_size) == (False, 2000)


def test_settings_are_immutable():
    with pytest.raises(AttributeError):
        load_settings("people", {}).database_url = "sqlite://"


def test_empty_service_specific_value_falls_back_to_the_shared_one():
    env = {"DATABASE_URL": "postgresql+psycopg://db/shared", "CHECKINS_DATABASE_URL": ""}
    assert load_settings("checkins", env).database_url == "postgresql+psycopg://db/shared"
