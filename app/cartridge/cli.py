"""`groundwork courses export-cc`: a course as an IMS Common Cartridge of LTI links."""

from __future__ import annotations

from pathlib import Path

import typer

from app.cartridge.export import CartridgeError, check_slug, launch_url, write_cartridge
from app.config import get_settings
from app.content.loader import load_course

courses_app = typer.Typer(help="Courses, for other systems.", no_args_is_help=True)


@courses_app.command("export-cc")
def export_cc(
    slug: str = typer.Argument(..., help="The course's slug, like data-for-liberation."),
    platform: str = typer.Option(..., help="The LMS platform's issuer (as registered)."),
    output: Path = typer.Option(..., "-o", "--output", help="The .imscc file to write."),
) -> None:
    """Write an IMS Common Cartridge 1.3 (thin: one LTI link per module) for an LMS."""
    settings = get_settings()
    problem = check_slug(slug)
    if problem:
        typer.echo(problem, err=True)
        raise typer.Exit(2)
    folder = settings.content_dir / slug
    if not (folder / "course.yaml").is_file():
        typer.echo(f"There is no course {slug!r} in {settings.content_dir}.", err=True)
        raise typer.Exit(1)
    load = load_course(folder, content_root=settings.content_dir)
    if load.course is None:
        typer.echo(
            f"The course {slug!r} has errors; `groundwork content check` lists them.", err=True
        )
        raise typer.Exit(1)
    try:
        modules = write_cartridge(
            load.course, base_url=settings.base_url, platform=platform, path=output
        )
    except CartridgeError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"Wrote {output}: {len(modules)} LTI links to {launch_url(settings.base_url)} "
        f"({', '.join(modules)})."
    )
