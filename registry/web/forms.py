"""Reading typed form values for the pages (what was typed is kept as typed), and the one step
of every form post: store and leave a notice for the page it sends the person to, or show the
form again with the refusals."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any, TypeVar

from litestar import Request
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Response

from registry.kit.errors import (
    DomainError,
    FieldError,
    Forbidden,
    NotFound,
    Refusal,
    ValidationFailed,
    field_error,
)
from registry.web.deps import Visit
from registry.web.i18n import request_language
from registry.years.warnings import ChangeWarning

T = TypeVar("T")
E = TypeVar("E", bound=Enum)


async def form_values(request: Request[Any, Any, Any], *names: str) -> dict[str, str]:
    """The named fields of the posted form as text (missing fields are empty)."""
    form = await request.form()
    return {name: str(form.get(name) or "").strip() for name in names}


def chosen(value: str, default: E) -> E:
    """The option of `default`'s enum whose value was posted; `default` for any other text (a
    select offers only the enum's values, so anything else is not a choice made on the page)."""
    return next((option for option in type(default) if option.value == value), default)


def iso_date(text: str, field: str, refusal: Refusal) -> date:
    """The ISO date typed in a form field; `refusal` on the domain's `field` when it is not
    one (raised, so that a step run by `submit` shows it next to its field)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed.single(field, refusal) from None


def parse_date(
    values: Mapping[str, str],
    name: str,
    field: str,
    refusal: Refusal,
    errors: list[FieldError],
    *,
    required: bool = True,
) -> date | None:
    """The ISO date in `values[name]`; a refusal on the domain's `field` when it is not one."""
    text = values.get(name, "")
    if not text and not required:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(field_error(field, refusal))
        return None


async def posted(request: Request[Any, Any, Any]) -> dict[str, str]:
    """Every field of the posted form as text, without the CSRF token."""
    return {k: str(v) for k, v in (await request.form()).items() if k != "_csrf_token"}


def refusals(error: DomainError) -> tuple[FieldError, ...]:
    """What a refusal shows on a form: its field errors, or one error that names no field."""
    return error.errors if isinstance(error, ValidationFailed) else (FieldError("", error.phrase),)


def shown_again(
    page: Callable[..., Awaitable[Response[Any]]], *args: Any, **kwargs: Any
) -> Callable[[tuple[FieldError, ...]], Awaitable[Response[Any]]]:
    """What a refused form post shows (the `again` of `submit`): the form's page built by
    `page(*args, **kwargs)` with the refusals as `errors`, as a 422. Every form page takes
    `errors` and `status_code`, so the handlers need not spell out the same call again."""
    return lambda errors: page(*args, **kwargs, errors=errors, status_code=422)


@dataclass(frozen=True, slots=True)
class Flash:
    """Where a stored form sends the person (a 303) and the notice shown there once."""

    key: str
    notice: object
    url: str


async def warnings_first(
    request: Request[Any, Any, Any],
    confirmed: bool,
    preview: Callable[[], Awaitable[Sequence[ChangeWarning]]],
) -> list[str]:
    """What a change of an invoiced year would bill or credit, in the person's language, to
    show (with a confirm button) before it is stored; none once confirmed. A change the domain
    refuses has none here: storing it refuses the same, next to its field."""
    if confirmed:
        return []
    try:
        warned = await preview()
    except DomainError:
        return []
    language = request_language(request)
    return [w.phrase.text(language) for w in warned]


def notice_for(visit: Visit, key: str, errors: Sequence[FieldError] = ()) -> str | None:
    """The notice a stored form left for its page (the text of a `Flash`), shown once. While a
    refused form is shown again (`errors`) it stays where it is: that page shows the refusals."""
    if errors:
        return None
    notice = visit.request.session.pop(key, None)
    return notice if isinstance(notice, str) else None


def redirect_with(request: Request[Any, Any, Any], flash: Flash) -> Redirect:
    """Leave the notice of `flash` for the page it names (shown there once) and send the
    person there with a 303, so that reloading that page does not post the form again."""
    request.session[flash.key] = flash.notice
    return Redirect(flash.url, status_code=303)


async def submit(
    visit: Visit,
    store: Callable[[], Awaitable[T]] | None,
    done: Callable[[T], Flash],
    again: Callable[[tuple[FieldError, ...]], Awaitable[Response[Any]]],
    *,
    errors: Sequence[FieldError] = (),
    refused: type[DomainError] | tuple[type[DomainError], ...] = ValidationFailed,
    missing_is_404: bool = False,
    forbidden_is_403: bool = False,
) -> Response[Any]:
    """A form post: `store()` unless reading the form found `errors` (then `store` may be
    None); when stored, the notice of `done(result)` and a 303 to its page. Otherwise, or when
    the domain refuses (`refused`), nothing is stored (rolled back) and `again(errors)` shows
    the form with what was typed (a 422). With `missing_is_404`, a `NotFound` refusal shows
    the page that is not there (a 404); with `forbidden_is_403`, a `Forbidden` refusal the
    page that is not for this person (a 403)."""
    found = list(errors)
    if not found and store is not None:
        try:
            result = await store()
        except DomainError as error:
            if missing_is_404 and isinstance(error, NotFound):
                raise NotFoundException(error.message) from None
            if forbidden_is_403 and isinstance(error, Forbidden):
                raise PermissionDeniedException(error.message) from None
            if not isinstance(error, refused):
                raise
            found.extend(refusals(error))
        else:
            return redirect_with(visit.request, done(result))
    await visit.db.rollback()
    return await again(tuple(found))
