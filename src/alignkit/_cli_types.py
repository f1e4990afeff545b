"""Parameter types the ``alignkit`` commands share."""

from __future__ import annotations

import datetime as dt

import click

__all__ = ["Moment"]


class Moment(click.ParamType[dt.datetime]):
    """An ISO 8601 moment with its offset (``2027-03-01T09:00:00+01:00``, ``...Z``)."""

    name = "moment"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value
        text = str(value).strip()
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            self.fail(
                f"{value!r} is not an ISO 8601 time, like 2027-03-01T09:00:00+00:00", param, ctx
            )
        if moment.tzinfo is None or moment.utcoffset() is None:
            self.fail(
                f"{value!r} has no UTC offset: add one, like {text}+00:00 or {text}Z", param, ctx
            )
        return moment
