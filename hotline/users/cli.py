"""Command-line administration: users, API tokens, demo data."""
import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from hotline.core import clock
from hotline.core.errors import DomainError, ValidationFailed
from hotline.core.extensions import db
from hotline.core.validation import parse
from hotline.users import admin
from hotline.users.models import ApiToken, Role
from hotline.users.schemas import MAX_TOKEN_DAYS, UserCreate
from hotline.users.services import create_token_for, revoke_token

FIRST_ADMIN_HINT = "flask --app wsgi create-admin USERNAME"


def _problem(exc: DomainError) -> str:
    return "; ".join(f"{path}: {msg}" if path else msg for path, msg in exc.fields.items()) if isinstance(exc, ValidationFailed) else exc.message


def _create(username: str, role: Role, display_name: str | None, unit: str | None, password: str) -> None:
    """Through the same service as the admin pages (audited, checked): the password is
    the person's own, typed at the prompt, so it is not temporary."""
    try:
        data = parse(UserCreate, {"username": username, "display_name": display_name or username,
                                  "role": role.value, "unit": unit})
        admin.create_user(data, password, must_change=False)
    except DomainError as exc:
        raise click.ClickException(_problem(exc)) from None
    db.session.commit()
    click.echo(f"created {role.value} {username}")


def register_cli(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option("--name", "display_name")
    @click.option("--unit", help="the unit's code (a field crew user's crew)")
    @click.password_option()
    def create_user_command(username, role, display_name, unit, password):
        """Add a person who signs in."""
        _create(username, Role(role), display_name, unit, password)

    @app.cli.command("create-admin")
    @click.argument("username")
    @click.option("--name", "display_name")
    @click.password_option(help="asked for twice when not given; checked for strength")
    def create_admin_command(username, display_name, password):
        """Add an administrator: the first person of a fresh install, who then adds the others on /settings/users."""
        _create(username, Role.ADMIN, display_name, None, password)

    # AppGroup, not click.Group: its commands run inside the app context.
    tokens = AppGroup("tokens", help="Bearer tokens for machines calling the API.")
    app.cli.add_command(tokens)

    @tokens.command("create")
    @click.option("--user", "username", required=True, help="the account the token acts as (a board account: a wall screen)")
    @click.option("--name", required=True, help="what the token is for, e.g. 'CTI gateway'")
    @click.option("--expires", "days", type=click.IntRange(1, MAX_TOKEN_DAYS), help="days until it expires (default: until revoked)")
    def create_token_command(username, name, days):
        """Create a token; it is shown once."""
        try:
            token, secret = create_token_for(username, name, days)
        except DomainError as exc:
            raise click.ClickException(_problem(exc)) from None
        db.session.commit()
        until = f", expires {token.expires_at:%Y-%m-%d %H:%M} UTC" if token.expires_at else ""
        click.echo(f"token {token.id} for {username} ({token.user.role.value}{until}): {secret}")
        if token.user.role == Role.BOARD:
            click.echo(f"kiosk address: <server>/board/kiosk?token={secret}")

    @tokens.command("revoke")
    @click.argument("token_id", type=int)
    def revoke_token_command(token_id):
        """Revoke a token at once."""
        try:
            revoke_token(token_id)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        db.session.commit()
        click.echo(f"revoked token {token_id}")

    @tokens.command("list")
    def list_tokens_command():
        for t in db.session.scalars(select(ApiToken).order_by(ApiToken.id)):
            if t.revoked_at:
                state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}"
            elif t.expires_at:
                state = f"{'active' if t.usable(clock.now()) else 'expired'} until {t.expires_at:%Y-%m-%d %H:%M}"
            else:
                state = "active"
            used = f"used {t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never used"
            click.echo(f"{t.id}\t{t.prefix}…\t{t.user.username}\t{t.name}\t{state}\t{used}")
