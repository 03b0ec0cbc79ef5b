#!/usr/bin/env python3
"""Runs one job of a GitHub Actions workflow on this machine, the way a
runner would, for suite 87-ci-kit: the CI kit's workflow is tested by
executing its own steps, not a copy of them.

Usage:
  gha_run.py WORKFLOW JOB --work DIR --repo GITDIR --sha SHA
             [--event pull_request|push] [--pr N --base-sha SHA]
             [--pipec BINARY --pipec-src DIR] [--aws-env FILE]
             [--api URL] [--token T] [--artifacts DIR] [--needs JSON]
             [--set-env K=V]... [--var K=V]... [--run-id N]

Every `run:` step runs as GitHub runs it (`bash --noprofile --norc -eo
pipefail`, in the job's working directory, with the workflow's, job's and
step's env, GITHUB_ENV, GITHUB_PATH, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
RUNNER_TEMP and the GITHUB_* variables), `${{ }}` expressions are
evaluated (contexts github, env, vars, secrets, runner, steps, needs; the
functions format, always, success, failure; GitHub's case-insensitive
string comparison), and `if:` decides whether a job or step runs.  The
steps that cannot run here are replaced by local equivalents:

  actions/checkout (this repository)  a clone of GITDIR checked out at SHA
  actions/checkout (with repository:) a symbolic link PATH -> --pipec-src
                                      (pipec's source under test)
  the step with id `pipec` (it builds pipec: apt-get, make)
                                      the directory of --pipec added to
                                      GITHUB_PATH (the binary under test)
  aws-actions/configure-aws-credentials  the KEY=VALUE lines of --aws-env
                                      (static keys of the test server) into
                                      GITHUB_ENV; the job must have
                                      permissions id-token: write, as OIDC
                                      needs, and role-to-assume must be set
  actions/upload-artifact             a copy of `path` into ARTIFACTS/NAME
  actions/download-artifact           a copy of ARTIFACTS/NAME into `path`

Any other `uses:` is an error.  --set-env replaces a value of the
workflow's env block (what a user edits); --var sets a repository
variable (vars.K).  The report is WORK/JOB/report.json: the job's result
(success, failure, skipped), each step's name, result, exit status and
output files, and the job's outputs.  Exit status: 0 success, 1 failure,
3 skipped, 2 usage error.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys

import yaml


# --- expressions ---------------------------------------------------------

TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>\d+(?:\.\d+)?)|"
                   r"(?P<op>==|!=|&&|\|\||[!().,\[\]])|(?P<name>[A-Za-z_][\w-]*)|(?P<bad>\S))")


class Expr:
    """GitHub's expression language, as far as the workflows here use it."""

    def __init__(self, text, ctx):
        self.toks = []
        for m in TOKEN.finditer(text):
            if m.group("bad"):
                raise ValueError("cannot read expression %r" % text)
            for k in ("str", "num", "op", "name"):
                if m.group(k) is not None:
                    self.toks.append((k, m.group(k)))
                    break
        self.i = 0
        self.ctx = ctx

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self, val=None):
        t = self.peek()
        if val is not None and t[1] != val:
            raise ValueError("expected %r, got %r" % (val, t[1]))
        self.i += 1
        return t

    def run(self):
        v = self.or_()
        if self.i != len(self.toks):
            raise ValueError("trailing tokens in expression")
        return v

    def or_(self):
        v = self.and_()
        while self.peek()[1] == "||":
            self.take()
            w = self.and_()
            v = v if truthy(v) else w
        return v

    def and_(self):
        v = self.cmp()
        while self.peek()[1] == "&&":
            self.take()
            w = self.cmp()
            v = w if truthy(v) else v
        return v

    def cmp(self):
        v = self.unary()
        while self.peek()[1] in ("==", "!="):
            op = self.take()[1]
            w = self.unary()
            eq = fold(v) == fold(w)
            v = eq if op == "==" else not eq
        return v

    def unary(self):
        if self.peek()[1] == "!":
            self.take()
            return not truthy(self.unary())
        return self.primary()

    def primary(self):
        kind, val = self.take()
        if kind == "str":
            return val[1:-1].replace("''", "'")
        if kind == "num":
            return float(val)
        if val == "(":
            v = self.or_()
            self.take(")")
            return v
        if kind != "name":
            raise ValueError("unexpected %r" % val)
        if val in ("true", "false"):
            return val == "true"
        if val == "null":
            return None
        if self.peek()[1] == "(":
            self.take()
            args = []
            while self.peek()[1] != ")":
                args.append(self.or_())
                if self.peek()[1] == ",":
                    self.take()
            self.take(")")
            return self.call(val, args)
        v = self.ctx.get(val)
        while self.peek()[1] in (".", "["):
            if self.take()[1] == ".":
                key = self.take()[1]
            else:
                key = self.or_()
                self.take("]")
            v = v.get(key) if isinstance(v, dict) else None
        return v

    def call(self, name, args):
        if name == "format":
            return re.sub(r"\{(\d+)\}", lambda m: text(args[1 + int(m.group(1))]), args[0])
        if name in ("always", "success", "failure"):
            status = self.ctx["_status"]
            return {"always": True, "success": status == "success",
                    "failure": status == "failure"}[name]
        raise ValueError("function %s() is not known here" % name)


def truthy(v):
    return not (v is None or v is False or v == "" or v == 0)


def fold(v):
    return v.lower() if isinstance(v, str) else v


def text(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def evaluate(expr, ctx):
    return Expr(expr, ctx).run()


def substitute(s, ctx):
    """A string with every ${{ expr }} replaced by its value."""
    if not isinstance(s, str):
        return text(s)
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: text(evaluate(m.group(1), ctx)), s)


def condition(cond, ctx):
    """An if: value: an expression with or without ${{ }}; success() by default."""
    if cond is None:
        return ctx["_status"] == "success"
    if isinstance(cond, bool):
        return cond
    c = cond.strip()
    m = re.fullmatch(r"\$\{\{(.*)\}\}", c, re.S)
    c = m.group(1) if m else c
    if not re.search(r"\b(always|success|failure|cancelled)\(", c):
        c = "success() && (%s)" % c
    return truthy(evaluate(c, ctx))


# --- the job ---------------------------------------------------------------

def read_kv_file(path):
    """GITHUB_ENV / GITHUB_OUTPUT: NAME=VALUE lines and NAME<<DELIM blocks."""
    out = {}
    if not os.path.exists(path):
        return out
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            val = []
            while i < len(lines) and lines[i] != delim:
                val.append(lines[i])
                i += 1
            i += 1
            out[name] = "\n".join(val)
        elif "=" in line:
            name, val = line.split("=", 1)
            out[name] = val
    return out


def copy_into(src, dst):
    if os.path.isdir(src):
        shutil.copytree(src, dst, dirs_exist_ok=True)
    else:
        os.makedirs(dst, exist_ok=True)
        shutil.copy(src, dst)


class Job:
    def __init__(self, args, wf, name):
        self.a = args
        self.wf = wf
        self.name = name
        self.job = wf["jobs"][name]
        self.root = os.path.abspath(os.path.join(args.work, name))
        shutil.rmtree(self.root, ignore_errors=True)
        self.ws = os.path.join(self.root, "workspace")
        self.temp = os.path.join(self.root, "temp")
        for d in (self.ws, self.temp, os.path.join(self.root, "steps")):
            os.makedirs(d)
        self.files = {k: os.path.join(self.root, f) for k, f in
                      (("env", "github_env"), ("path", "github_path"),
                       ("summary", "step_summary"))}
        for f in self.files.values():
            open(f, "w").close()
        self.steps_ctx = {}
        self.status = "success"
        self.report = {"job": name, "steps": []}

    def perms(self):
        p = self.job.get("permissions", self.wf.get("permissions", {}))
        return p if isinstance(p, dict) else {}

    def context(self):
        a = self.a
        event = {}
        if a.event == "pull_request":
            event = {"pull_request": {
                "number": a.pr, "base": {"sha": a.base_sha, "ref": "main"},
                "head": {"sha": a.sha, "repo": {"full_name": a.repository}}}}
        env = dict(self.wf_env)
        env.update(self.env_vars())
        return {
            "github": {"event_name": a.event, "sha": a.sha, "repository": a.repository,
                       "ref": "refs/heads/main" if a.event == "push" else
                       "refs/pull/%s/merge" % a.pr,
                       "run_id": a.run_id, "server_url": "https://github.example",
                       "token": a.token, "workspace": self.ws, "event": event},
            "env": env, "vars": a.vars, "secrets": {"GITHUB_TOKEN": a.token},
            "runner": {"temp": self.temp, "os": "Linux"},
            "steps": self.steps_ctx, "needs": a.needs, "_status": self.status,
        }

    def env_vars(self):
        return read_kv_file(self.files["env"])

    def base_env(self):
        a = self.a
        ev = os.path.join(self.root, "event.json")
        json.dump(self.context()["github"]["event"], open(ev, "w"))
        return {
            "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": self.ws,
            "GITHUB_REPOSITORY": a.repository, "GITHUB_SHA": a.sha,
            "GITHUB_EVENT_NAME": a.event, "GITHUB_EVENT_PATH": ev,
            "GITHUB_API_URL": a.api, "GITHUB_SERVER_URL": "https://github.example",
            "GITHUB_RUN_ID": a.run_id, "GITHUB_ENV": self.files["env"],
            "GITHUB_PATH": self.files["path"], "GITHUB_STEP_SUMMARY": self.files["summary"],
            "RUNNER_TEMP": self.temp, "RUNNER_OS": "Linux",
        }

    def run(self):
        wf_env = dict(self.wf.get("env") or {})
        wf_env.update(self.a.set_env)
        self.wf_env = {}
        for k, v in wf_env.items():
            self.wf_env[k] = substitute(v, self.context())
        if not condition(self.job.get("if"), self.context()):
            self.report["result"] = "skipped"
            return self.finish(3)
        for k, v in (self.job.get("env") or {}).items():
            self.wf_env[k] = substitute(v, self.context())
        for n, step in enumerate(self.job["steps"]):
            self.step(n, step)
        outputs = {k: substitute(v, self.context())
                   for k, v in (self.job.get("outputs") or {}).items()}
        self.report["outputs"] = outputs
        self.report["result"] = self.status
        return self.finish(0 if self.status == "success" else 1)

    def finish(self, rc):
        shutil.copy(self.files["summary"], os.path.join(self.root, "summary.md"))
        json.dump(self.report, open(os.path.join(self.root, "report.json"), "w"), indent=1)
        print("job %s: %s" % (self.name, self.report["result"]))
        return rc

    def step(self, n, step):
        ctx = self.context()
        name = step.get("name") or step.get("uses") or "step %d" % n
        rec = {"name": name, "id": step.get("id")}
        self.report["steps"].append(rec)
        if not condition(step.get("if"), ctx):
            rec["result"] = "skipped"
            print("  step %s: skipped" % name)
            return
        out = os.path.join(self.root, "steps", "%02d.out" % n)
        err = os.path.join(self.root, "steps", "%02d.err" % n)
        rec.update(out=out, err=err)
        outputs_file = os.path.join(self.root, "steps", "%02d.output" % n)
        open(outputs_file, "w").close()
        env = dict(os.environ)
        env.update(self.base_env())
        env.update(self.wf_env)
        env.update(self.env_vars())
        for k, v in (step.get("env") or {}).items():
            env[k] = substitute(v, ctx)
        env["GITHUB_OUTPUT"] = outputs_file
        paths = [p for p in open(self.files["path"]).read().split("\n") if p]
        env["PATH"] = os.pathsep.join(list(reversed(paths)) + [env.get("PATH", "")])
        with open(out, "w") as fo, open(err, "w") as fe:
            try:
                rc = self.do_step(step, ctx, env, fo, fe)
            except Exception as e:  # a step the runner cannot do is a failure
                fe.write("gha_run: %s\n" % e)
                rc = 1
        rec["rc"] = rc
        rec["result"] = "success" if rc == 0 else "failure"
        if step.get("id"):
            self.steps_ctx[step["id"]] = {"outputs": read_kv_file(outputs_file),
                                          "outcome": rec["result"]}
        if rc != 0 and not step.get("continue-on-error"):
            self.status = "failure"
        print("  step %s: %s%s" % (name, rec["result"], "" if rc == 0 else " (%d)" % rc))

    def do_step(self, step, ctx, env, fo, fe):
        w = {k: substitute(v, ctx) for k, v in (step.get("with") or {}).items()}
        uses = step.get("uses", "")
        if step.get("id") == "pipec":
            with open(self.files["path"], "a") as f:
                f.write(os.path.dirname(os.path.abspath(self.a.pipec)) + "\n")
            fo.write("local equivalent: the pipec under test\n")
            return 0
        if uses.startswith("actions/checkout@"):
            return self.checkout(w, fo, fe)
        if uses.startswith("aws-actions/configure-aws-credentials@"):
            if self.perms().get("id-token") != "write":
                fe.write("OIDC needs permissions id-token: write\n")
                return 1
            if not w.get("role-to-assume") or not w.get("aws-region"):
                fe.write("role-to-assume and aws-region are required\n")
                return 1
            with open(self.files["env"], "a") as f, open(self.a.aws_env) as src:
                f.write(src.read())
            fo.write("local equivalent: static credentials of the test server for %s\n"
                     % w["role-to-assume"])
            return 0
        if uses.startswith("actions/upload-artifact@"):
            src = os.path.join(self.ws, w["path"])
            copy_into(src, os.path.join(self.a.artifacts, w["name"]))
            return 0
        if uses.startswith("actions/download-artifact@"):
            dst = os.path.join(self.ws, w.get("path", "."))
            copy_into(os.path.join(self.a.artifacts, w["name"]), dst)
            return 0
        if uses:
            fe.write("no local equivalent for %s\n" % uses)
            return 1
        cwd = os.path.join(self.ws, substitute(step.get("working-directory") or
                                               ((self.job.get("defaults") or {}).get("run") or {})
                                               .get("working-directory") or ".", ctx))
        script = os.path.join(self.root, "steps", "script.sh")
        with open(script, "w") as f:
            f.write(substitute(step["run"], ctx))
        return subprocess.call(["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
                               cwd=cwd, env=env, stdout=fo, stderr=fe)

    def checkout(self, w, fo, fe):
        path = os.path.join(self.ws, w.get("path", "."))
        if w.get("repository"):
            os.symlink(os.path.abspath(self.a.pipec_src), path)
            fo.write("local equivalent: %s -> the pipec source under test\n" % w.get("path"))
            return 0
        for cmd in (["git", "clone", "-q", "--no-checkout", self.a.repo, path],
                    ["git", "-C", path, "checkout", "-q", "--detach", self.a.sha]):
            rc = subprocess.call(cmd, stdout=fo, stderr=fe)
            if rc:
                return rc
        return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("workflow")
    ap.add_argument("job")
    ap.add_argument("--work", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--sha", required=True)
    ap.add_argument("--event", default="push")
    ap.add_argument("--pr", type=int, default=0)
    ap.add_argument("--base-sha", default="")
    ap.add_argument("--repository", default="acme/lake")
    ap.add_argument("--pipec", default="pipec")
    ap.add_argument("--pipec-src", default=".")
    ap.add_argument("--aws-env", default="/dev/null")
    ap.add_argument("--api", default="http://127.0.0.1:9")
    ap.add_argument("--token", default="test-token")
    ap.add_argument("--artifacts", default="")
    ap.add_argument("--needs", default="{}")
    ap.add_argument("--run-id", default="1")
    ap.add_argument("--set-env", action="append", default=[])
    ap.add_argument("--var", action="append", default=[])
    a = ap.parse_args()
    a.set_env = dict(kv.split("=", 1) for kv in a.set_env)
    a.vars = dict(kv.split("=", 1) for kv in a.var)
    a.needs = json.loads(a.needs)
    a.artifacts = os.path.abspath(a.artifacts or os.path.join(a.work, "artifacts"))
    a.repo = os.path.abspath(a.repo)
    wf = yaml.safe_load(open(a.workflow))
    if a.job not in wf.get("jobs", {}):
        print("gha_run: no job %s" % a.job, file=sys.stderr)
        return 2
    return Job(a, wf, a.job).run()


if __name__ == "__main__":
    sys.exit(main())
