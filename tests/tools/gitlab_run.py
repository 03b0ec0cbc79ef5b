#!/usr/bin/env python3
"""Runs one job of a GitLab CI/CD file on this machine, the way a runner
would, for suite 87-ci-kit: the CI kit's .gitlab-ci.yml is tested by
executing its own scripts.

Usage:
  gitlab_run.py CI_FILE JOB --work DIR --repo GITDIR --sha SHA
                [--source push|merge_request_event] [--mr IID --base-sha SHA]
                [--pipec BINARY --pipec-src DIR] [--aws-env FILE]
                [--api URL] [--token T] [--artifacts DIR] [--set K=V]...

The job (merged with the job it `extends`) runs when its first matching
rule says so (`$VAR == "x"`, `!=`, `&&`, `||`; `when: manual` counts as
started by an approver).  Its `script` items run in one
`bash -eo pipefail` in a clone of GITDIR at SHA (CI_PROJECT_DIR), with the
file's and job's variables (`$NAME` in them expanded), --set overrides (a
user's edits) and the CI_* variables of the pipeline source.  Local
equivalents:

  default before_script (apt-get, clone and build pipec)
                          PIPEC_HOME set to --pipec-src, the directory of
                          --pipec put first on PATH
  id_tokens               each token variable set to a dummy token, and the
                          KEY=VALUE lines of --aws-env (static keys of the
                          test server, which pipec's credential chain takes
                          before the web identity) added; an ID token must
                          have aud sts.amazonaws.com
  artifacts               `paths` (and reports) copied to ARTIFACTS/JOB after
                          the script; the artifacts of `needs` copied into
                          the project before it

PIPEC_TMP is set to a directory of the job.  Writes WORK/JOB/job.log
(stdout and stderr of the script).  Exit status: 0 success, 1 failure,
3 not run (no rule matched), 2 usage error.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

import yaml

RULE_TOKEN = re.compile(r'\s*(\$\w+|"[^"]*"|==|!=|&&|\|\||\(|\))')


def rule_true(expr, env):
    out, pos = [], 0
    while pos < len(expr.rstrip()):
        m = RULE_TOKEN.match(expr, pos)
        if not m:
            raise ValueError("cannot read rule %r" % expr)
        t = m.group(1)
        pos = m.end()
        if t.startswith("$"):
            out.append(repr(env.get(t[1:])))
        elif t.startswith('"'):
            out.append(repr(t[1:-1]))
        else:
            out.append({"&&": "and", "||": "or"}.get(t, t))
    return bool(eval(" ".join(out), {"__builtins__": {}}, {}))


def expand(value, env):
    return re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m.group(1), ""), str(value))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ci")
    ap.add_argument("job")
    ap.add_argument("--work", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--sha", required=True)
    ap.add_argument("--source", default="push")
    ap.add_argument("--mr", default="")
    ap.add_argument("--base-sha", default="")
    ap.add_argument("--pipec", default="pipec")
    ap.add_argument("--pipec-src", default=".")
    ap.add_argument("--aws-env", default="/dev/null")
    ap.add_argument("--api", default="http://127.0.0.1:9/api/v4")
    ap.add_argument("--token", default="test-token")
    ap.add_argument("--artifacts", default="")
    ap.add_argument("--set", action="append", default=[])
    a = ap.parse_args()
    ci = yaml.safe_load(open(a.ci))
    if a.job not in ci:
        print("gitlab_run: no job %s" % a.job, file=sys.stderr)
        return 2
    job = dict(ci[a.job])
    if "extends" in job:
        base = dict(ci[job["extends"]])
        merged_vars = dict(base.get("variables") or {})
        merged_vars.update(job.get("variables") or {})
        base.update(job)
        base["variables"] = merged_vars
        job = base
    root = os.path.abspath(os.path.join(a.work, a.job))
    shutil.rmtree(root, ignore_errors=True)
    proj = os.path.join(root, "project")
    tmp = os.path.join(root, "tmp")
    os.makedirs(tmp)
    arts = os.path.abspath(a.artifacts or os.path.join(a.work, "artifacts"))

    env = {k: v for k, v in os.environ.items()}
    ci_vars = {
        "CI": "true", "GITLAB_CI": "true", "CI_PROJECT_DIR": proj, "CI_PROJECT_ID": "42",
        "CI_API_V4_URL": a.api, "CI_PIPELINE_SOURCE": a.source, "CI_DEFAULT_BRANCH": "main",
        "CI_JOB_ID": "77", "CI_JOB_URL": "https://gitlab.example/acme/lake/-/jobs/77",
        "CI_COMMIT_SHA": a.sha, "PIPEC_GITLAB_TOKEN": a.token,
        "PIPEC_ROLE_ARN": "arn:aws:iam::123456789012:role/pipec-deployer",
    }
    if a.source == "merge_request_event":
        ci_vars.update(CI_MERGE_REQUEST_IID=a.mr, CI_MERGE_REQUEST_DIFF_BASE_SHA=a.base_sha)
    else:
        ci_vars["CI_COMMIT_BRANCH"] = "main"
    env.update(ci_vars)
    variables = dict(ci.get("variables") or {})
    variables.update(dict(kv.split("=", 1) for kv in a.set))
    variables.update(PIPEC_HOME=os.path.abspath(a.pipec_src), PIPEC_TMP=tmp)
    variables.update(job.get("variables") or {})
    for k, v in variables.items():
        env[k] = expand(v, env)

    rules = job.get("rules") or [{}]
    rule = next((r for r in rules if "if" not in r or rule_true(r["if"], env)), None)
    if rule is None or rule.get("when") == "never":
        print("job %s: not run" % a.job)
        return 3

    log = open(os.path.join(root, "job.log"), "w")
    for name, tok in (job.get("id_tokens") or {}).items():
        if tok.get("aud") != "sts.amazonaws.com":
            log.write("gitlab_run: ID token %s must have aud sts.amazonaws.com\n" % name)
            return 1
        env[name] = "local-test-id-token"
        for line in open(a.aws_env).read().split("\n"):
            if "=" in line:
                k, v = line.split("=", 1)
                env[k] = v
    env["PATH"] = os.path.dirname(os.path.abspath(a.pipec)) + os.pathsep + env.get("PATH", "")

    for cmd in (["git", "clone", "-q", "--no-checkout", os.path.abspath(a.repo), proj],
                ["git", "-C", proj, "checkout", "-q", "--detach", a.sha]):
        if subprocess.call(cmd, stdout=log, stderr=log):
            return 1
    for need in job.get("needs") or []:
        src = os.path.join(arts, need)
        if os.path.isdir(src):
            shutil.copytree(src, proj, dirs_exist_ok=True)
    script = os.path.join(root, "script.sh")
    with open(script, "w") as f:
        f.write("\n".join(job["script"]) + "\n")
    rc = subprocess.call(["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
                         cwd=proj, env=env, stdout=log, stderr=subprocess.STDOUT)
    art = job.get("artifacts") or {}
    if rc == 0 or art.get("when") == "always":
        keep = list(art.get("paths") or []) + list((art.get("reports") or {}).values())
        for p in keep:
            src = os.path.join(proj, p)
            dst = os.path.join(arts, a.job, p)
            if os.path.isdir(src):
                shutil.copytree(src, dst, dirs_exist_ok=True)
            elif os.path.exists(src):
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copy(src, dst)
    print("job %s: %s" % (a.job, "success" if rc == 0 else "failure (%d)" % rc))
    return 0 if rc == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
