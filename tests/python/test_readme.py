"""The Python quick start in README.md runs as written (so the README stays true to the code).

The example's /tmp paths are redirected into pytest's temporary folder; it runs from the
repository root because it reads sample_edf/.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_readme_python_quick_start_runs(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks, "README.md has no python example"
    code = "import matplotlib\nmatplotlib.use('Agg')\n" + blocks[0].replace("/tmp/", f"{tmp_path}/")
    script = tmp_path / "readme_example.py"
    script.write_text(code, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "sim.edf").stat().st_size > 0
    assert (tmp_path / "sim.detections.json").stat().st_size > 0
