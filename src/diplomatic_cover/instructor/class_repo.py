"""The class copy kept in git, refreshed in place: the repository a hub's link pulls from.

Students on a hub get the class copy through nbgitpuller, which pulls a git repository; to
hand out a new version of the kit, the instructor refreshes that repository and pushes. So
`release --out DIR`, where DIR is a git repository (it has `.git`), does not refuse a folder
that is not empty; it updates DIR in place:

1. it refuses, naming the files, when DIR has changes not committed (the release replaces
   every tracked file, and nothing uncommitted may be lost), when git has no name and email
   to commit with, and when DIR is the open kit itself (or holds it);
2. it builds a fresh class copy in a temporary folder with `release` (the same secret scan,
   the same refusals), adds the image recipe `binder/` from the kit's `deploy/binder/` (so
   repo2docker and Binder can build the students' image from the same repository), and
   releases again the answer keys released into DIR earlier (`release --with-key`), keeping
   their record as it was;
3. it makes DIR's tracked files exactly that copy: new and changed files are written,
   tracked files the new copy does not have are removed; `.git` and files git ignores are
   left alone;
4. it commits, with a message naming the kit version, and says what changed. It never pushes.

If nothing changed, nothing is committed. If a step fails half-way, the files are put back
as the last commit had them. `release --with-key NB --out DIR` in a repository commits the
released keys the same way.

`release.main` hands a repository to `main` here, passing the release module itself
(`releasing`): this module uses release's functions without importing it, so the two never
import each other.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import IO, Any

from diplomatic_cover import paths
from diplomatic_cover._version import __version__

IMAGE_RECIPE = "binder"


class ClassRepoError(Exception):
    """The repository cannot be updated safely as it is; the message says what to do."""


@dataclass
class Update:
    """What one in-place release changed, and the commit that holds it ("" if none)."""

    commit: str = ""
    branch: str = ""
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)

    def describe(self, repo: Path) -> str:
        if not self.commit:
            return f"{repo} already holds this class copy: nothing to commit."
        lines = [
            f"Committed {self.commit} on {self.branch or 'the current branch'} of {repo}: "
            f"{len(self.added)} file(s) added, {len(self.changed)} changed, "
            f"{len(self.removed)} removed."
        ]
        if self.removed:
            shown = ", ".join(self.removed[:10])
            more = f" and {len(self.removed) - 10} more" if len(self.removed) > 10 else ""
            lines.append(f"Removed (not in the new class copy): {shown}{more}.")
        if self.keys:
            shown = ", ".join(self.keys)
            lines.append(f"Answer keys released earlier are still released: {shown}.")
        lines.append(
            f"Push it (git -C {repo} push) so the hub's link pulls the new version; nbgitpuller "
            "keeps each student's own edits."
        )
        return "\n".join(lines)


def is_class_repo(folder: Path) -> bool:
    """True when `folder` is the top of a git repository (release then updates it in place)."""
    return (Path(folder) / ".git").exists()


# ---------------------------------------------------------------------------------------
# git


def _git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False
        )
    except OSError as error:
        raise ClassRepoError(f"git could not be run ({error}): install git.") from None
    if check and done.returncode != 0:
        raise ClassRepoError(f"git {' '.join(args[:2])} failed in {repo}: {done.stderr.strip()}")
    return done


def _check_not_the_kit(repo: Path, root: Path | None) -> None:
    """Refuse the open kit itself (or a folder holding it): a release would replace it."""
    inside = root is not None and root.resolve().is_relative_to(repo.resolve())
    if inside or (repo / "instructors").exists():
        raise ClassRepoError(
            f"{repo} is the open kit (or holds it): a release there would replace the kit with "
            "its class copy. Give the class copy's own repository, or a new folder."
        )


def _check_ready(repo: Path) -> None:
    """Refuse a repository the release could damage or could not commit to."""
    top = _git(repo, "rev-parse", "--show-toplevel", check=False)
    if top.returncode != 0 or Path(top.stdout.strip()).resolve() != repo.resolve():
        raise ClassRepoError(
            f"{repo} has a .git but is not the top of a git repository: give the repository's "
            "own folder, or a new folder for a plain class copy."
        )
    status = _git(repo, "status", "--porcelain", "--untracked-files=all").stdout.splitlines()
    if status:
        shown = "; ".join(line.strip() for line in status[:8])
        more = f" and {len(status) - 8} more" if len(status) > 8 else ""
        raise ClassRepoError(
            f"{repo} has changes not committed ({shown}{more}). The release replaces every "
            f"tracked file, so commit or discard them first (git -C {repo} status)."
        )
    for who in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
        if _git(repo, "var", who, check=False).returncode != 0:
            raise ClassRepoError(
                "git does not know who is committing: run git config --global user.name "
                '"Your Name" and git config --global user.email you@example.edu, then release '
                "again."
            )


def _head(repo: Path) -> str:
    done = _git(repo, "rev-parse", "--verify", "--quiet", "HEAD", check=False)
    return done.stdout.strip() if done.returncode == 0 else ""


def _tracked(repo: Path) -> set[str]:
    return {p for p in _git(repo, "ls-files", "-z").stdout.split("\0") if p}


def _restore(repo: Path, head: str, written: Sequence[str]) -> None:
    """Put the work tree back as the last commit had it (the tree was clean before)."""
    if head:
        _git(repo, "reset", "--quiet", "--hard", "HEAD", check=False)
    else:  # no commit yet: nothing was tracked, so everything written is ours
        _git(repo, "rm", "-r", "--cached", "--quiet", "--ignore-unmatch", ".", check=False)
    for relative in written:
        path = repo / relative
        if path.is_file() and not _git(repo, "ls-files", "--", relative).stdout.strip():
            path.unlink()
    _remove_empty_folders(repo)


def _commit(repo: Path, message: str) -> str:
    _git(repo, "add", "--all", ".")
    if _git(repo, "diff", "--cached", "--quiet", check=False).returncode == 0:
        return ""
    _git(repo, "commit", "--quiet", "--no-verify", "-m", message)
    return _git(repo, "rev-parse", "--short", "HEAD").stdout.strip()


def _branch(repo: Path) -> str:
    return _git(repo, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).stdout.strip()


# ---------------------------------------------------------------------------------------
# Files


def _files(folder: Path) -> dict[str, Path]:
    return {
        p.relative_to(folder).as_posix(): p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def _remove_empty_folders(repo: Path) -> None:
    for folder in sorted((p for p in repo.rglob("*") if p.is_dir()), reverse=True):
        if ".git" in folder.relative_to(repo).parts:
            continue
        with contextlib.suppress(OSError):  # not empty: ignored files stay
            folder.rmdir()


def _clear_way(repo: Path, relative: str) -> None:
    """Make room for a file at `relative`: a folder there, or a file where a folder goes."""
    target = repo / relative
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    for parent in Path(relative).parents:
        here = repo / parent
        if parent != Path(".") and (here.is_file() or here.is_symlink()):
            here.unlink()


def _apply(repo: Path, fresh: Path, update: Update, written: list[str]) -> None:
    """Make the tracked files of `repo` exactly the files of `fresh`."""
    new = _files(fresh)
    for relative in sorted(_tracked(repo) - set(new)):
        path = repo / relative
        if path.is_symlink() or path.is_file():
            path.unlink()
        update.removed.append(relative)
    for relative, source in new.items():
        target = repo / relative
        data = source.read_bytes()
        same_mode = target.exists() and (target.stat().st_mode & 0o111) == (
            source.stat().st_mode & 0o111
        )
        if (
            target.is_file()
            and not target.is_symlink()
            and same_mode
            and target.read_bytes() == data
        ):
            continue
        existed = target.is_file()
        _clear_way(repo, relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        target.chmod(source.stat().st_mode & 0o777)
        written.append(relative)
        (update.changed if existed else update.added).append(relative)
    _remove_empty_folders(repo)


def _kit_version_line(root: Path | None) -> str:
    """The open kit's commit, when it is a git checkout: which kit the copy came from."""
    if root is None or not (root / ".git").exists():
        return ""
    done = _git(root, "describe", "--always", "--dirty", check=False)
    return f"Built from the open kit at {done.stdout.strip()}." if done.returncode == 0 else ""


# ---------------------------------------------------------------------------------------
# The two operations


def update_in_place(
    repo: Path, *, releasing: ModuleType, settings: Mapping[str, Any] | None = None
) -> Update:
    """Refresh the class-copy repository `repo` with a fresh class copy; commit.

    `releasing` is the release module; `settings` the keyword arguments its `release` takes
    besides `out` (`root`, the open kit, is also where `deploy/binder/` and the answer keys
    are read).
    """
    repo = Path(repo)
    settings = dict(settings or {})
    root = Path(settings["root"]) if settings.get("root") else paths.open_kit_root()
    _check_not_the_kit(repo, root)
    _check_ready(repo)
    update = Update(branch=_branch(repo))
    head = _head(repo)
    with tempfile.TemporaryDirectory(prefix="diplomatic-cover-release-") as temporary:
        fresh = releasing.release(out=Path(temporary) / "class-copy", **settings)
        recipe = root / "deploy" / IMAGE_RECIPE if root is not None else None
        if recipe is not None and recipe.is_dir():
            shutil.copytree(recipe, fresh / IMAGE_RECIPE)
        update.keys = sorted(releasing.released_keys(repo))
        if update.keys:
            releasing.release_keys(out=fresh, notebooks=update.keys, root=root)
            # The same record as before: when each key was released does not change.
            record = Path(releasing.ANSWER_KEY) / releasing.RELEASED
            shutil.copyfile(repo / record, fresh / record)
        written: list[str] = []
        try:
            _apply(repo, fresh, update, written)
            message = f"Class copy of Diplomatic Cover {__version__}"
            body = [
                f"{len(update.added)} file(s) added, {len(update.changed)} changed, "
                f"{len(update.removed)} removed, by `diplomatic-cover release --out`.",
                _kit_version_line(root),
            ]
            update.commit = _commit(repo, message + "\n\n" + "\n".join(b for b in body if b))
        except BaseException:
            _restore(repo, head, written)
            raise
    return update


def release_keys_in_place(
    repo: Path, notebooks: Sequence[str], *, releasing: ModuleType, root: Path | None = None
) -> tuple[list[Path], str]:
    """`release --with-key` into a class-copy repository: write the keys and commit them."""
    repo = Path(repo)
    _check_not_the_kit(repo, Path(root) if root else paths.open_kit_root())
    _check_ready(repo)
    head = _head(repo)
    keys = releasing.release_keys(out=repo, notebooks=notebooks, root=root)
    try:
        names = ", ".join(path.stem for path in keys)
        commit = _commit(repo, f"Answer keys released: {names} (Diplomatic Cover {__version__})")
    except BaseException:
        _restore(repo, head, [p.relative_to(repo).as_posix() for p in keys])
        raise
    return keys, commit


def main(
    *,
    out: Path,
    releasing: ModuleType,
    with_key: Sequence[str] | None = None,
    settings: Mapping[str, Any] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """`release --out REPO [--with-key NB ...]` for a class-copy repository: 0, or 1 and why.

    `settings` are `release`'s keyword arguments besides `out` (see `update_in_place`).
    """
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    root = (settings or {}).get("root")
    try:
        if with_key:
            keys, commit = release_keys_in_place(out, with_key, releasing=releasing, root=root)
            names = ", ".join(path.stem for path in keys)
            done = f"committed {commit}" if commit else "they were already released"
            print(f"Released the answer keys of {names} into {out} ({done}).", file=stdout)
            return 0
        update = update_in_place(out, releasing=releasing, settings=settings)
    except (ClassRepoError, releasing.ReleaseError, OSError, ValueError) as error:
        print(f"release: {error}", file=stderr)
        return 1
    print(update.describe(Path(out)), file=stdout)
    return 0
