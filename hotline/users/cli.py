"""Command-line administration: users, API tokens, demo data."""
import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from hotline.core.errors import DomainError, ValidationFailed
from hotline.core.extensions import db
from hotline.users.models import ApiToken, Role, User
from hotline.users.services import create_token, create_user, revoke_token


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
            raise click.ClickException("; ".join(exc.fields.values()) if isinstance(exc, ValidationFailed) else exc.message) from None
        db.session.commit()
        click.echo(f"created {role} {username}")

    # AppGroup, not click.Group: its commands run inside the app context.
    tokens = AppGroup("tokens", help="Bearer tokens for machines calling the API.")
    app.cli.add_command(tokens)

    @tokens.command("create")
    @click.option("--user", "username", required=True, help="the account the token acts as")
    @click.option("--name", required=True, help="what the token is for, e.g. 'CTI gateway'")
    def create_token_command(username, name):
        """Create a token; it is shown once."""
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.ClickException(f"no user {username}")
        token, secret = create_token(user, name)
        db.session.commit()
        click.echo(f"token {token.id} for {username} ({user.role.value}): {secret}")

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
            state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
            click.echo(f"{t.id}\t{t.prefix}…\t{t.user.username}\t{t.name}\t{state}")
