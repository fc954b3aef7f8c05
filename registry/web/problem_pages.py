"""A page for each problem type: the ``type`` URI of every problem+json the API answers
(``/problems/not-found``…) opens to what the problem means and what to do about it
(RFC 9457 §3.1.1: the type URI, when dereferenced, should give human-readable documentation)."""

from dataclasses import dataclass
from typing import Annotated, Final

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from registry.core.errors import NotFound, RegistryError
from registry.web.i18n import N_
from registry.web.templating import render

router = APIRouter(tags=["portal"])


@dataclass(frozen=True)
class ProblemType:
    status: int
    title: str
    meaning: str
    remedy: str


PROBLEMS: Final = {
    "bad-request": ProblemType(
        400,
        N_("Bad request"),
        N_(
            "A query or path parameter is malformed, out of range, or not one the endpoint "
            "takes; the errors list names each."
        ),
        N_("Correct the named parameters; the API reference lists what each endpoint takes."),
    ),
    "unauthorized": ProblemType(
        401,
        N_("Unauthorized"),
        N_(
            "Writing needs a valid API key, and none was sent, or it is unknown, revoked or "
            "expired. Reading never needs a key."
        ),
        N_("Send Authorization: Bearer <key>, with a key the registry's administrator issued."),
    ),
    "forbidden": ProblemType(
        403,
        N_("Forbidden"),
        N_(
            "The key is valid but may not do this: a funder writes only for its own "
            "organization, only the addressed body answers a conclusion, and so on."
        ),
        N_("Use the key of the organization this write belongs to."),
    ),
    "not-found": ProblemType(
        404,
        N_("Not found"),
        N_("There is no record with that identifier (yet). Records are never deleted."),
        N_("Check the identifier; lists and search give every existing one."),
    ),
    "conflict": ProblemType(
        409,
        N_("Conflict"),
        N_(
            "The request is well formed but the record's state does not allow it now: a "
            "second answer, an event after an award was completed, a used source id."
        ),
        N_("Read the record's history (its GET) and send what its state allows."),
    ),
    "unprocessable": ProblemType(
        422,
        N_("Unprocessable content"),
        N_(
            "The request body breaks a rule: a missing or malformed field, an amount beyond "
            "a budget, a date in the wrong order. The errors list names each field. Nothing "
            "was written."
        ),
        N_("Correct the named fields and send the request again."),
    ),
    "content-too-large": ProblemType(
        413,
        N_("Content too large"),
        N_(
            "The request body is larger than the registry reads for this request; the "
            "errors list says how large a body it reads. Nothing was read beyond that and "
            "nothing was written."
        ),
        N_(
            "No single record needs that much: check what is being sent. Send a large batch "
            "as several smaller ones."
        ),
    ),
    "service-unavailable": ProblemType(
        503,
        N_("Service unavailable"),
        N_("A temporary shortage, such as every download connection being in use."),
        N_("Try again after the time the Retry-After header gives."),
    ),
    "internal-error": ProblemType(
        500,
        N_("Internal error"),
        N_(
            "Something failed inside the registry. Nothing half-done was written: every "
            "write is one transaction."
        ),
        N_("Try again later; if it persists, tell the registry's operators the time and URL."),
    ),
}


def _declared(cls: type[RegistryError] = RegistryError) -> set[str]:
    return {cls.slug} | {slug for sub in cls.__subclasses__() for slug in _declared(sub)}


DECLARED: Final = _declared()


@router.get("/problems", response_class=HTMLResponse)
def problem_index(request: Request) -> HTMLResponse:
    return render(request, "problems.html", {"problems": PROBLEMS, "slug": None})


@router.get("/problems/{slug}", response_class=HTMLResponse)
def problem_page(request: Request, slug: Annotated[str, Path(max_length=40)]) -> HTMLResponse:
    if slug not in PROBLEMS:
        raise NotFound.for_field("path.slug", f"no problem type {slug}")
    return render(request, "problems.html", {"problems": PROBLEMS, "slug": slug})
