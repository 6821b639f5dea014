"""The architecture holds: domains import lower to higher only, the ground floor
imports no domain, no package cycles (import-linter, configured in pyproject.toml);
an import inside a function says why, on its line or in a comment atop its block
of imports."""
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _inner_imports(path: Path):
    tree = ast.parse(path.read_text())
    lines = path.read_text().splitlines()
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(fn):
                if isinstance(node, (ast.Import, ast.ImportFrom)) and not _explained(lines, node.lineno - 1):
                    yield f"{path.relative_to(ROOT)}:{node.lineno}: {lines[node.lineno - 1].strip()}"


def _explained(lines: list[str], at: int) -> bool:
    """A comment on the import's line, or above it among the imports it opens with."""
    for line in reversed(lines[: at + 1]):
        text = line.strip()
        if "#" in text:
            return True
        if not (text.startswith(("import ", "from ")) or text == ""):
            return False
    return False


def test_imports_inside_functions_say_why():
    offenders = [
        hit
        for package in ("hotline", "dispatch")
        for path in sorted((ROOT / package).rglob("*.py"))
        for hit in _inner_imports(path)
    ]
    assert not offenders, "imports inside functions without a comment saying why:\n" + "\n".join(offenders)
