# Sourced by scripts/demo and scripts/test: make .venv and install the project into it.
# ensure_venv EXTRAS -> pip install -e ".[EXTRAS]" (or "." when empty), skipped when
# nothing changed since the last install (stamp newer than pyproject.toml).
ensure_venv() {
  local spec="." stamp=".venv/.installed-${1:-base}"
  if [[ -n "${1:-}" ]]; then spec=".[$1]"; fi
  if [[ ! -x .venv/bin/python ]]; then
    echo "==> creating .venv"
    "${PYTHON:-python3}" -m venv .venv
  fi
  if [[ ! -f "$stamp" || pyproject.toml -nt "$stamp" ]]; then
    echo "==> pip install -e '$spec'"
    .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install -q --disable-pip-version-check -e "$spec"
    touch "$stamp"
  fi
  if [[ -x scripts/build-assets ]]; then
    echo "==> scripts/build-assets"
    VENV=.venv scripts/build-assets
  fi
}
