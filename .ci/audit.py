"""pip-audit over the installed dependencies: fail on a known vulnerability, say plainly when nothing was audited.

pip-audit asks the package index's vulnerability service about every installed distribution. Where that service
cannot be reached (a mirror without it, no network), every package comes back "skipped": that is reported as
NOT AUDITED, never as a clean result.
"""

import json
import subprocess
import sys


def main() -> int:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip_audit",
            "--local",
            "--vulnerability-service",
            "pypi",
            "--format",
            "json",
            "--progress-spinner",
            "off",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(result.stdout + result.stderr)
        print("pip-audit: no report (see above)")
        return 1
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = [d for d in dependencies if not d.get("skip_reason")]
    vulnerable = [d for d in audited if d.get("vulns")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
            print(f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixes})")
    if dependencies and not audited:
        print(
            f"pip-audit: NOT AUDITED: the vulnerability service answered for none of the {len(dependencies)} "
            "installed packages (unreachable from this machine). No result, good or bad."
        )
        return 0
    if skipped:
        print(
            f"pip-audit: {len(skipped)} package(s) could not be audited: {', '.join(d['name'] for d in skipped)}"
        )
    print(f"pip-audit: {len(audited)} packages audited, {len(vulnerable)} with known vulnerabilities")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
