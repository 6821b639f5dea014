"""Duty rosters 排班: shift templates, the month roster, swap and leave requests."""
