"""Executes notebooks in their Jupyter kernels and fails on the first cell error (called by execute.sh).

    python3 execute.py --output-dir DIR NOTEBOOK...   write the executed copies to DIR
    python3 execute.py --inplace NOTEBOOK...          save each notebook with its new outputs

This is `jupyter nbconvert --to notebook --execute` (nbconvert's ExecutePreprocessor, run in each notebook's folder,
without timing metadata), with one difference: after a cell's kernel reports idle, outputs addressed to that cell
are still collected for a moment. Deno's kernel (2.x) sometimes publishes a cell's result just after its idle
status; plain nbconvert stops listening at idle and drops it, so that cell would be saved without its output.
"""

import argparse
import inspect
import sys
from pathlib import Path
from queue import Empty

import nbformat
from nbclient.exceptions import CellExecutionComplete, CellExecutionError
from nbconvert.preprocessors import ExecutePreprocessor


class Executor(ExecutePreprocessor):
    late_output_seconds = 0.25

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        await super()._async_poll_output_msg(parent_msg_id, cell, cell_index)
        while True:
            try:
                msg = self.kc.iopub_channel.get_msg(timeout=self.late_output_seconds)
                msg = await msg if inspect.isawaitable(msg) else msg
            except Empty:
                return
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--inplace", action="store_true")
    where.add_argument("--output-dir", type=Path)
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args()

    failed = False
    for path in args.notebooks:
        notebook = nbformat.read(path, as_version=4)
        executor = Executor(timeout=600, record_timing=False)
        try:
            notebook, _ = executor.preprocess(notebook, {"metadata": {"path": str(path.resolve().parent)}})
        except CellExecutionError as error:
            print(f"{path.name}: a cell failed\n{error}", file=sys.stderr)
            failed = True
            continue
        silent = [cell.get("id", str(index)) for index, cell in enumerate(notebook.cells)
                  if cell.cell_type == "code" and cell.source.strip() and not cell.outputs]
        if silent:
            print(f"{path.name}: note: no output from the code cells {', '.join(silent)}")
        target = path if args.inplace else args.output_dir / path.name
        nbformat.write(notebook, target)
        print(f"{path.name}: executed without errors, saved to {target}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
