#!/usr/bin/env python3
"""Checks of the CI kit (examples/ci/) for suite 87-ci-kit.

  ci_kit_check.py structure GITHUB_WORKFLOW GITLAB_CI
      the files are YAML with the jobs, triggers, permissions, concurrency
      and pipec commands docs/ci.md describes; one `ok`/`not ok` line each
  ci_kit_check.py comments STATE_URL THREAD MARKER MAX [EXPECT_ID]
      the fake forge (tests/tools/fake_forge.py) holds exactly one comment
      of the bot in THREAD starting with <!-- MARKER -->, at most MAX bytes
      (and with id EXPECT_ID); prints its id
"""

import json
import sys
import urllib.request

import yaml

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from gha_run import evaluate  # noqa: E402

RESULTS = []


def check(name, cond, detail=""):
    RESULTS.append(bool(cond))
    print(("ok " if cond else "not ok ") + "ci-kit: " + name)
    if not cond and detail:
        print("# " + str(detail).replace("\n", "\n# "))


def runs(job):
    return "\n".join(s.get("run", "") for s in job.get("steps", []))


def uses(job):
    return [s.get("uses", "").split("@")[0] for s in job.get("steps", [])]


def github(path):
    wf = yaml.safe_load(open(path))
    on = wf.get("on", wf.get(True))     # YAML 1.1 reads `on` as true
    check("github: triggers are pull_request and push to main",
          "pull_request" in on and on["push"]["branches"] == ["main"], on)
    jobs = wf["jobs"]
    check("github: jobs pull-request, plan, deploy", sorted(jobs) == ["deploy", "plan", "pull-request"],
          sorted(jobs))
    check("github: workflow token read-only by default", wf["permissions"] == {"contents": "read"})
    pr, plan, dep = jobs["pull-request"], jobs["plan"], jobs["deploy"]
    check("github: the pull-request job writes comments and has no OIDC",
          pr["permissions"] == {"contents": "read", "pull-requests": "write"}, pr["permissions"])
    for name, job in (("plan", plan), ("deploy", dep)):
        check("github: the %s job assumes the role by OIDC (id-token: write, contents: read)" % name,
              job["permissions"] == {"contents": "read", "id-token": "write"} and
              "aws-actions/configure-aws-credentials" in uses(job))
        step = [s for s in job["steps"] if s.get("uses", "").startswith("aws-actions/")][0]
        check("github: the %s job's role is the PIPEC_ROLE_ARN variable" % name,
              step["with"]["role-to-assume"] == "${{ vars.PIPEC_ROLE_ARN }}")
    checkout = [s for s in pr["steps"] if s.get("uses", "").startswith("actions/checkout")][0]
    check("github: the pull request is checked out with its history (the base)",
          checkout["with"]["fetch-depth"] == 0)
    check("github: the base is a git worktree of the base sha",
          "git worktree add" in runs(pr) and
          any("github.event.pull_request.base.sha" in str(s.get("env")) for s in pr["steps"]))
    r = runs(pr)
    for cmd in ("pipec check --env \"$PIPEC_ENV\" --diagnostics-format github",
                "--from head-build --against base-build", "--format markdown --max-bytes",
                "--marker \"pipec-plan:$PIPEC_ENV\"", "plan-comment.sh"):
        check("github: pull-request runs " + cmd, cmd in r)
    check("github: the full plan is uploaded", "actions/upload-artifact" in uses(pr))
    r = runs(plan)
    check("github: plan saves plan.json and says whether it changes anything",
          "--out \"$out/plan.json\"" in r and "changes=true" in r and "changes=false" in r and
          plan["outputs"]["changes"] == "${{ steps.plan.outputs.changes }}")
    r = runs(dep)
    check("github: deploy applies the saved plan, after approval of environment production",
          "pipec deploy \"$@\"" in r and "--plan \"$RUNNER_TEMP/pipec-plan/plan.json\"" in r and
          dep.get("environment") == "production" and dep.get("needs") == "plan" and
          "actions/download-artifact" in uses(dep))
    ctx = {"github": {"event_name": "push", "event": {}}, "_status": "success"}
    g_push = evaluate(wf["concurrency"]["group"][3:-2], ctx)
    cancel_push = evaluate(wf["concurrency"]["cancel-in-progress"][3:-2], ctx)
    ctx["github"] = {"event_name": "pull_request", "event": {"pull_request": {"number": 7}}}
    g_pr = evaluate(wf["concurrency"]["group"][3:-2], ctx)
    check("github: one deploy at a time (never cancelled); a pull request's newer run cancels the older",
          g_push == "pipec-deploy" and cancel_push is False and g_pr == "pipec-pr-7",
          (g_push, cancel_push, g_pr))


def gitlab(path):
    ci = yaml.safe_load(open(path))
    jobs = {k: v for k, v in ci.items() if isinstance(v, dict) and "script" in v}
    check("gitlab: jobs check, mr-plan, plan, deploy",
          sorted(jobs) == ["check", "deploy", "mr-plan", "plan"], sorted(jobs))

    def s(j):
        return "\n".join(jobs[j]["script"])

    check("gitlab: check writes a Code Quality report",
          jobs["check"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json" and
          "--diagnostics-format json" in s("check"))
    check("gitlab: mr-plan builds the base and plans against it, note updated in place",
          "CI_MERGE_REQUEST_DIFF_BASE_SHA" in s("mr-plan") and "--max-bytes" in s("mr-plan") and
          "gitlab-note.sh" in s("mr-plan") and
          jobs["mr-plan"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}])
    aws = ci[".pipec-aws"]
    check("gitlab: plan and deploy use an OIDC ID token for sts.amazonaws.com through pipec's web identity",
          aws["id_tokens"]["PIPEC_ID_TOKEN"]["aud"] == "sts.amazonaws.com" and
          aws["variables"]["AWS_ROLE_ARN"] == "$PIPEC_ROLE_ARN" and
          "AWS_WEB_IDENTITY_TOKEN_FILE" in aws["variables"] and
          jobs["plan"]["extends"] == jobs["deploy"]["extends"] == ".pipec-aws")
    check("gitlab: deploy is manual, protected, one at a time, and applies the saved plan",
          jobs["deploy"]["rules"][0]["when"] == "manual" and
          jobs["deploy"]["environment"]["name"] == "production" and
          jobs["deploy"]["resource_group"] == jobs["plan"]["resource_group"] == "pipec-deploy" and
          "pipec deploy --plan" in s("deploy") and "--out" in s("plan"))


def comments(url, thread, marker, limit, expect_id=None):
    st = json.load(urllib.request.urlopen(url + "/_state"))
    mine = [c for c in st["comments"]
            if c["thread"] == thread and c["login"] in ("github-actions[bot]", "pipec-bot")]
    assert len(mine) == 1, "%d comments of the bot" % len(mine)
    c = mine[0]
    assert c["body"].split("\n")[0] == "<!-- %s -->" % marker, c["body"][:100]
    n = len(c["body"].encode())
    assert n <= int(limit), "%d bytes" % n
    if expect_id:
        assert str(c["id"]) == expect_id, (c["id"], expect_id)
    print(c["id"])


def main():
    if sys.argv[1] == "structure":
        for fn, path in ((github, sys.argv[2]), (gitlab, sys.argv[3])):
            try:
                fn(path)
            except Exception as e:  # a missing key is a failed check
                check("%s is read" % path, False, repr(e))
        return 0
    if sys.argv[1] == "comments":
        comments(*sys.argv[2:])
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
