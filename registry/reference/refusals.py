"""A value the reference data does not take, said so that a person may read why in another
language than the API's.

``reference`` imports nothing of the registry outside itself, so it cannot refuse with a
``Rule`` (``registry.core.messages``); its refusals carry what a ``Rule`` is made of instead,
a template with named placeholders (gettext's ``%(amount)s``) and the values it names, and a
service refuses with ``messages.rule_of(refusal)``. The text (``str``) is the English the
API says. Babel extracts the templates from these classes' calls (``babel.cfg``).
"""


class Refusal(ValueError):
    """A refusal's English text, with the template and the values it was said from."""

    def __init__(self, template: str, /, **values: object) -> None:
        super().__init__(template % values)
        self.template = template
        self.values = values

    def __reduce__(self) -> tuple[object, ...]:
        # Copied or pickled from its template and values: rebuilt from its text alone, the
        # text would be read as a template ("'5%' is not …" is none).
        return (_refusal, (type(self), self.template, self.values))


def _refusal(kind: type[Refusal], template: str, values: dict[str, object]) -> Refusal:
    made: Refusal = kind(template, **values)
    return made
