"""Writes the example notebook that the run command opens and the browser tests use.

Usage: python3 scripts/example-notebook.py PATH

One code cell with a result (for "Explain this cell") and one whose error output is a
real IPython traceback, ANSI colours included (for "Fix this error").
"""
import json
import sys


def code(cell_id, source, outputs, count):
    return {"cell_type": "code", "id": cell_id, "execution_count": count, "metadata": {},
            "outputs": outputs, "source": source}


TRACEBACK = [
    "\u001b[0;31m---------------------------------------------------------------------------\u001b[0m",
    "\u001b[0;31mZeroDivisionError\u001b[0m                         Traceback (most recent call last)",
    "Cell \u001b[0;32mIn[2], line 5\u001b[0m\n\u001b[1;32m      2\u001b[0m \u001b[38;5;28;01mreturn\u001b[39;00m "
    "\u001b[38;5;28msum\u001b[39m(values) \u001b[38;5;241m/\u001b[39m \u001b[38;5;28mlen\u001b[39m(values)\n"
    "\u001b[0;32m----> 5\u001b[0m \u001b[43mmean\u001b[49m\u001b[43m(\u001b[49m\u001b[43mreadings\u001b[49m"
    "\u001b[43m)\u001b[49m",
    "\u001b[0;31mZeroDivisionError\u001b[0m: division by zero",
]

NOTEBOOK = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    },
    "cells": [
        {"cell_type": "markdown", "id": "intro", "metadata": {},
         "source": "# Mooring example\n\nOpen the Mooring panel on the right. Right-click the second code cell "
                   "and choose **Fix this error**, or select a cell and choose **Explain this cell**."},
        code("roots", "import math\n\nvalues = [1, 4, 9, 16]\nroots = [math.sqrt(v) for v in values]\nroots", [
            {"output_type": "execute_result", "execution_count": 1, "metadata": {},
             "data": {"text/plain": "[1.0, 2.0, 3.0, 4.0]"}},
        ], 1),
        code("mean", "def mean(values):\n    return sum(values) / len(values)\n\n"
                     "readings = [r for r in [] if r > 0]\nmean(readings)", [
            {"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero",
             "traceback": TRACEBACK},
        ], 2),
    ],
}

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: example-notebook.py PATH")
    with open(sys.argv[1], "w", encoding="utf-8") as fh:
        json.dump(NOTEBOOK, fh, indent=1)
