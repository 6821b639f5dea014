"""Duty log endpoints of the JSON API: entries, the daily review, the search."""
from datetime import date

from flask import jsonify, request
from flask_login import current_user

from hotline.core import clock
from hotline.core.api import bp, committed, json_body
from hotline.core.openapi import operation
from hotline.core.permissions import DUTY_LOG, REVIEW_DUTY_LOG, require
from hotline.core.validation import parse, parse_day, parse_query
from hotline.duty.dutylog import services
from hotline.duty.dutylog.schemas import (
    DayQuery,
    DutyLogDayOut,
    DutyLogEntryOut,
    DutyLogHitPageOut,
    DutyLogReviewOut,
    EntryIn,
    LogQuery,
    ReviewIn,
)
from hotline.duty.dutylog.serialize import entry_view, hit_view, review_view


def _day_arg(value: str | None) -> date:
    return parse_day(value, "day") if value else clock.local().date()


@bp.get("/v1/duty-log")
@operation("One local day of the duty log (default today) and its review", query=DayQuery, response=DutyLogDayOut,
           returns="Entries and review")
@require(DUTY_LOG)
def duty_log_day():
    day = _day_arg(request.args.get("day"))
    review = services.review_of(day)
    return jsonify(
        day=day.isoformat(),
        entries=[entry_view(e) for e in services.entries_of(day)],
        review=review_view(review) if review else None,
    )


@bp.post("/v1/duty-log")
@operation("Write a duty log entry (event, call of note, visit, fault, other); refused (409) once the day is signed",
           body=EntryIn, response=DutyLogEntryOut, status=201, returns="The entry", errors=[409])
@require(DUTY_LOG)
def add_duty_log_entry():
    data = parse(EntryIn, json_body())
    entry = services.add_entry(data, current_user)
    view = entry_view(entry)
    return committed(view, 201)


@bp.post("/v1/duty-log/reviews")
@operation("The supervisor's daily review and signature of a local day (closes the day)", body=ReviewIn,
           response=DutyLogReviewOut, status=201, returns="The review", errors=[409])
@require(REVIEW_DUTY_LOG)
def review_duty_log():
    data = parse(ReviewIn, json_body())
    review = services.review_day(data.day, data.comment, current_user)
    view = review_view(review)
    return committed(view, 201)


@bp.get("/v1/duty-log/search")
@operation("Search past duty logs and handovers: words, local days from/to, kinds (entry kinds and 'handover')",
           query=LogQuery, response=DutyLogHitPageOut, returns="Hits, newest first: {type: entry|handover, at, entry|handover}")
@require(DUTY_LOG)
def search_duty_log():
    query = parse_query(LogQuery, request.args)
    hits, total = services.search(query)
    return jsonify(items=[hit_view(h) for h in hits], total=total, page=query.page, per_page=query.per_page)
