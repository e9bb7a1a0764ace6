"""The command line from a user's shell: ``ipcei render`` against bare WeasyPrint and LibreOffice, and the quick
commands against the interpreter's own start.

Run with ``.venv/bin/python -m benchmarks.bench_cli [--repeat N] [FILE]``.

Every command runs as a fresh process, as a user runs it; wall-clock seconds and the CPU seconds of the process
(and its children), interleaved, the best of N. Compared in the same run, on the same advice (default
``examples/ipcei-waterstof.yaml``, 17 pages):

* ``ipcei render FILE -o OUT.pdf``: load, check, HTML, PDF/A-3b with the assessment embedded;
* ``bare``: a four-line script that imports WeasyPrint and writes the same final HTML (``ipcei render
  --html``) as tagged PDF/A-3b: goal ``render / bare`` at most 1.4;
* ``LibreOffice .docx``: what a civil servant without this tool does: the same advice as a Word document
  (``ipcei render -o OUT.docx``) converted by ``soffice --headless --convert-to pdf`` to tagged PDF/A-3 (the
  Writer export filter): goal ``render / LibreOffice .docx`` below 1;
* ``LibreOffice HTML``: the same conversion of the final HTML (Writer/Web; it ignores the print stylesheet),
  printed for comparison with earlier figures;
* ``ipcei validate FILE`` and ``ipcei check FILE``: goal under 0.5 s; ``python -c pass`` and
  ``python -c "import pydantic"`` are printed as the floor the machine sets;
* with ``--before DIR``: the same ``ipcei render`` from another checkout of the project (``git archive REV |
  tar -x -C DIR``), timed in the same run, interleaved, so that a change is measured as a ratio.

The processes run with a bytecode cache (``PYTHONPYCACHEPREFIX`` in a temporary folder, filled by a first
untimed run), as an installed package does: where ``PYTHONDONTWRITEBYTECODE`` is set, every start would
compile its sources again.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_BARE, GOAL_QUICK = 1.4, 0.5
BARE = """import sys, weasyprint
weasyprint.HTML(filename=sys.argv[1], base_url=sys.argv[3]).write_pdf(
    sys.argv[2], pdf_variant="pdf/a-3b", pdf_tags=True)
"""
LO_OPTIONS = '{"SelectPdfVersion":{"type":"long","value":"3"},"UseTaggedPDF":{"type":"boolean","value":"true"}}'
LO_FILTER_HTML = f"pdf:writer_web_pdf_Export:{LO_OPTIONS}"
LO_FILTER_DOCX = f"pdf:writer_pdf_Export:{LO_OPTIONS}"


def timed(command: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, children included) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_cli", description=__doc__.split("\n")[0])
    parser.add_argument("file", nargs="?", default=str(ROOT / "examples" / "ipcei-waterstof.yaml"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--before", metavar="DIR", help="another checkout whose ipcei render is timed alongside")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="ipcei-bench-cli-"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    python = sys.executable
    ipcei = [str(Path(python).with_name("ipcei"))]
    try:
        html, docx, bare_script = work / "advice.html", work / "advice.docx", work / "bare.py"
        bare_script.write_text(BARE, encoding="utf-8")
        subprocess.run([*ipcei, "render", args.file, "--html", str(html)], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        subprocess.run([*ipcei, "render", args.file, "-o", str(docx)], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        soffice = shutil.which("soffice")
        commands = {
            "python -c pass": [python, "-c", "pass"],
            "import pydantic": [python, "-c", "import pydantic"],
            "ipcei validate": [*ipcei, "validate", args.file],
            "ipcei check": [*ipcei, "check", args.file],
            "ipcei render": [*ipcei, "render", args.file, "-o", str(work / "ours.pdf")],
            "bare WeasyPrint": [python, str(bare_script), str(html), str(work / "bare.pdf"),
                                str(ROOT / "report_templates" / "advice.html")],
        }  # fmt: skip
        cwds = dict.fromkeys(commands, ROOT)
        if args.before:  # started in that tree, whose code then comes first on the path; the way ipcei starts
            start = "import sys; from framework.cli import main; sys.exit(main())"
            commands["render (before)"] = [python, "-c", start, "render", str(Path(args.file).resolve()),
                                           "-o", str(work / "before.pdf")]  # fmt: skip
            cwds["render (before)"] = Path(args.before).resolve()
        if soffice:
            profile = f"-env:UserInstallation=file://{work / 'lo-profile'}"
            commands["LibreOffice .docx"] = [soffice, profile, "--headless", "--convert-to", LO_FILTER_DOCX,
                                             "--outdir", str(work / "lo-docx"), str(docx)]  # fmt: skip
            commands["LibreOffice HTML"] = [soffice, profile, "--headless", "--convert-to", LO_FILTER_HTML,
                                            "--outdir", str(work / "lo-html"), str(html)]  # fmt: skip
            cwds["LibreOffice .docx"] = cwds["LibreOffice HTML"] = ROOT
        for name, command in commands.items():  # fill the bytecode cache and LibreOffice's profile; not counted
            timed(command, env, cwds[name])
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, command in commands.items():
                results[name].append(timed(command, env, cwds[name]))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    best = {name: (min(w for w, _ in runs), min(c for _, c in runs)) for name, runs in results.items()}
    print(f"{'command':<20} {'wall s':>7} {'CPU s':>7}")
    for name, (wall, cpu) in best.items():
        print(f"{name:<20} {wall:>7.2f} {cpu:>7.2f}")
    render_wall, render_cpu = best["ipcei render"]
    bare_wall, bare_cpu = best["bare WeasyPrint"]
    ratio = render_wall / bare_wall
    print(f"\nrender / bare WeasyPrint: wall {ratio:.2f}, CPU {render_cpu / bare_cpu:.2f} (goal ≤ {GOAL_BARE}): "
          f"{'met' if ratio <= GOAL_BARE else 'NOT met'}")  # fmt: skip
    if "render (before)" in best:
        before_wall, before_cpu = best["render (before)"]
        print(f"render / render (before): wall {render_wall / before_wall:.2f}, CPU {render_cpu / before_cpu:.2f}")
    if "LibreOffice .docx" in best:
        for name in ("LibreOffice .docx", "LibreOffice HTML"):
            lo_wall, lo_cpu = best[name]
            goal = f"(goal < 1): {'met' if render_wall < lo_wall else 'NOT met'}" if name.endswith("docx") else ""
            print(f"render / {name}: wall {render_wall / lo_wall:.2f}, CPU {render_cpu / lo_cpu:.2f} {goal}")
    else:
        print("LibreOffice (soffice) not installed: apt-get install -y libreoffice-writer-nogui")
    for name in ("ipcei validate", "ipcei check"):
        wall = best[name][0]
        print(f"{name}: {wall:.2f} s wall (goal < {GOAL_QUICK} s): {'met' if wall < GOAL_QUICK else 'NOT met'}; "
              f"{wall / best['python -c pass'][0]:.1f}x python -c pass, "
              f"{wall / best['import pydantic'][0]:.1f}x import pydantic")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
