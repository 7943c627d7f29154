"""compose.yaml (Docker cannot run here): its services, the order they start in, and that
every command it runs is a real `groundwork` command with real options."""

from __future__ import annotations

import re
from typing import Any

import typer.main
import yaml

from app.cli import app as cli_app
from app.config import ROOT, Settings

COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
APPS = ["app1", "app2"]
GROUNDWORK = ["migrate", *APPS, "worker"]


def _command(args: list[str]) -> str:
    """The name of the command that ``groundwork ARGS…`` runs (``db upgrade``); fails on an
    unknown command or option."""
    assert args[0] == "groundwork"
    command: Any = typer.main.get_command(cli_app)
    rest, names = list(args[1:]), []
    while hasattr(command, "get_command"):  # a group (Typer vendors its own click)
        names.append(rest.pop(0))
        found = command.get_command(command.context_class(command), names[-1])
        assert found is not None, f"no command 'groundwork {' '.join(names)}'"
        command = found
    options = {opt for param in command.params for opt in getattr(param, "opts", [])}
    for arg in rest:
        if arg.startswith("--"):
            assert arg in options, f"{args}: {arg} is not an option of {' '.join(names)}"
    return " ".join(names)


def test_the_services_of_a_several_instance_deployment() -> None:
    assert set(SERVICES) == {"db", "migrate", *APPS, "worker", "proxy"}
    assert SERVICES["db"]["image"].startswith("postgres:")
    assert SERVICES["proxy"]["image"].startswith("caddy:")
    for name in GROUNDWORK:
        service = SERVICES[name]
        assert service["build"] == "."
        assert (ROOT / "Dockerfile").exists()
        assert service["environment"]["GROUNDWORK_ENVIRONMENT"] == "production"
        assert service["environment"]["GROUNDWORK_DATABASE_URL"].endswith("@db:5432/groundwork")


def test_migrations_run_once_before_any_instance_or_worker() -> None:
    migrate = SERVICES["migrate"]
    assert migrate["command"] == ["groundwork", "db", "upgrade"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert "healthcheck" in SERVICES["db"]
    for name in [*APPS, "worker"]:
        assert SERVICES[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}
        }


def test_every_command_is_a_groundwork_command() -> None:
    assert _command(SERVICES["migrate"]["command"]) == "db upgrade"
    assert _command(SERVICES["worker"]["command"]) == "worker"
    for name in APPS:
        args = SERVICES[name]["command"]
        assert _command(args) == "serve"
        assert args[args.index("--port") + 1] == "8000"  # where the proxy sends them
        assert args[args.index("--host") + 1] == "0.0.0.0"  # noqa: S104 (inside a container)
    # The command that the header tells operators to run after a content change.
    sync = re.search(r"docker compose run --rm migrate (groundwork content sync)", _header())
    assert sync is not None
    assert _command(sync.group(1).split()) == "content sync"


def test_every_instance_shares_the_same_settings() -> None:
    settings = {f"GROUNDWORK_{name.upper()}" for name in Settings.model_fields}
    environments = [SERVICES[name]["environment"] for name in GROUNDWORK]
    assert all(env == environments[0] for env in environments)
    named = {k for k in environments[0] if k.startswith("GROUNDWORK_")}
    assert named <= settings, named - settings
    assert environments[0]["GROUNDWORK_WEBHOOK_DELIVERY"] == "worker"  # not in the web process
    assert float(environments[0]["GROUNDWORK_CONTENT_CHECK_SECONDS"]) > 0


def test_the_proxy_balances_over_both_instances() -> None:
    mounted = [v.split(":")[0] for v in SERVICES["proxy"]["volumes"]]
    caddyfile = (ROOT / mounted[0]).read_text()
    proxied = re.search(r"reverse_proxy ([^{\n]+)", caddyfile)
    assert proxied is not None
    assert proxied.group(1).split() == [f"{name}:8000" for name in APPS]
    assert "health_uri /healthz" in caddyfile


def _header() -> str:
    return (ROOT / "compose.yaml").read_text().split("\nservices:")[0]
