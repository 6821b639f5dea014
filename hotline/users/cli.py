"""Command-line administration: users, API tokens, demo data."""
import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from hotline.core import clock
from hotline.core.errors import DomainError, ValidationFailed
from hotline.core.extensions import db
from hotline.users.models import ApiToken, Role
from hotline.users.schemas import MAX_TOKEN_DAYS
from hotline.users.services import create_token_for, create_user, revoke_token


def _problem(exc: DomainError) -> str:
    return "; ".join(exc.fields.values()) if isinstance(exc, ValidationFailed) else exc.message


def register_cli(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option("--name", "display_name")
    @click.password_option()
    def create_user_command(username, role, display_name, password):
        """Add a person who signs in."""
        try:
            create_user(username, password, Role(role), display_name)
        except DomainError as exc:
            raise click.ClickException(_problem(exc)) from None
        db.session.commit()
        click.echo(f"created {role} {username}")

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
