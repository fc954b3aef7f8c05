"""Wire types shared by every feature: strict input models and multilingual text."""

from pydantic import BaseModel, ConfigDict, Field, model_validator

LANGUAGES = ("uz", "ru", "kk", "en")
TEXT_MAX = 4000


class StrictInput(BaseModel):
    """Every request body: unknown fields are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LocalizedText(StrictInput):
    """One text in the languages it exists in: Uzbek (Latin script), Russian, Kazakh, English.

    At least one is required; none is assumed to be a translation of another.
    """

    uz: str | None = Field(default=None, min_length=1, max_length=TEXT_MAX)
    ru: str | None = Field(default=None, min_length=1, max_length=TEXT_MAX)
    kk: str | None = Field(default=None, min_length=1, max_length=TEXT_MAX)
    en: str | None = Field(default=None, min_length=1, max_length=TEXT_MAX)

    @model_validator(mode="after")
    def _at_least_one(self) -> "LocalizedText":
        if not any(getattr(self, language) for language in LANGUAGES):
            raise ValueError(f"give the text in at least one of {', '.join(LANGUAGES)}")
        return self

    def as_dict(self) -> dict[str, str]:
        return {
            language: value
            for language in LANGUAGES
            if (value := getattr(self, language)) is not None
        }


class LocalizedTextRead(BaseModel):
    uz: str | None = None
    ru: str | None = None
    kk: str | None = None
    en: str | None = None
