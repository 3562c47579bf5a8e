#!/usr/bin/env bash
# Executes both notebooks in real Jupyter kernels (Deno for the TypeScript one, IPython for the Python one)
# against the committed seed dataset, and fails on any cell error.
#
#   bash notebooks/execute.sh            executes them into a temporary folder; the committed notebooks are untouched (CI)
#   bash notebooks/execute.sh --inplace  re-executes the committed notebooks and saves them with their new outputs
#
# Needs: this repository's node_modules (`npm ci`: Deno comes from the `deno` npm package) and a Python with
# nbconvert, ipykernel, pandas and matplotlib (on Debian: apt-get install jupyter-nbconvert python3-ipykernel
# python3-pandas python3-matplotlib). Nothing is installed in the user's Jupyter folders: the kernelspecs live in a
# temporary folder for the length of the run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
notebooks=("$here/seed-comparisons.ipynb" "$here/seed-comparisons-python.ipynb")

inplace=false
case "${1:-}" in
  "") ;;
  --inplace) inplace=true ;;
  *) echo "usage: bash notebooks/execute.sh [--inplace]" >&2; exit 2 ;;
esac

# A Python that has everything the Python kernel and nbconvert need. Debian's comes first: a python3 earlier on
# PATH (pyenv, a virtualenv) often lacks the Debian packages.
python=""
for candidate in /usr/bin/python3 "$(command -v python3 || true)"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ] &&
    "$candidate" -c "import nbconvert, ipykernel, pandas, matplotlib" 2>/dev/null; then
    python="$candidate"
    break
  fi
done
if [ -z "$python" ]; then
  echo "notebooks/execute.sh: no Python with nbconvert, ipykernel, pandas and matplotlib;" \
    "on Debian: apt-get install jupyter-nbconvert python3-ipykernel python3-pandas python3-matplotlib" >&2
  exit 1
fi

deno="$(readlink -f "$root/node_modules/.bin/deno" 2>/dev/null || true)"
if [ -z "$deno" ] || ! "$deno" --version >/dev/null 2>&1; then
  echo "notebooks/execute.sh: no Deno in node_modules; run npm ci first" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Kernelspecs named as in the notebooks' metadata ("deno", "python3"), found first through JUPYTER_PATH.
mkdir -p "$work/jupyter/kernels/deno" "$work/jupyter/kernels/python3" "$work/runtime" "$work/config" "$work/out"
"$python" - "$work/jupyter/kernels" "$deno" "$python" <<'EOF'
import json, sys
kernels, deno, python = sys.argv[1:]
specs = {
    "deno": {"argv": [deno, "jupyter", "--kernel", "--conn", "{connection_file}"],
             "display_name": "Deno", "language": "typescript"},
    "python3": {"argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (ipykernel)", "language": "python"},
}
for name, spec in specs.items():
    with open(f"{kernels}/{name}/kernel.json", "w") as file:
        json.dump(spec, file, indent=1)
EOF
export JUPYTER_PATH="$work/jupyter" JUPYTER_DATA_DIR="$work/jupyter" JUPYTER_RUNTIME_DIR="$work/runtime" \
  JUPYTER_CONFIG_DIR="$work/config"
export NO_COLOR=1 PYDEVD_DISABLE_FILE_VALIDATION=1 DENO_NO_UPDATE_CHECK=1

# execute.py is `jupyter nbconvert --to notebook --execute` (the kernels run in notebooks/, so DATASET's relative
# path holds; no timing metadata, so re-running changes nothing that the results do not), plus a wait for outputs
# that Deno's kernel publishes just after a cell's idle status.
if $inplace; then where=(--inplace); else where=(--output-dir "$work/out"); fi
start=$SECONDS
"$python" "$here/execute.py" "${where[@]}" "${notebooks[@]}"
echo "notebooks/execute.sh: both notebooks executed without errors in $((SECONDS - start)) s"
