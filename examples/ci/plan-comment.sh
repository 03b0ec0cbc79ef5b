#!/bin/sh
# plan-comment.sh MARKER FILE
#
# Posts FILE (the Markdown of `pipec plan --format markdown --marker MARKER
# --max-bytes N`) as the pipec plan comment of a GitHub pull request, or
# updates that comment in place when it is there already: the pull
# request's comments are listed (100 a page, every page) and the first one
# written by PIPEC_COMMENT_AUTHOR whose body starts with the line
# `<!-- MARKER -->` is edited (PATCH); otherwise a new comment is created
# (POST).  So a pull request keeps one plan comment per environment.
#
# Environment (set by GitHub Actions, or by the workflow step):
#   GITHUB_API_URL        the REST API (https://api.github.com)
#   GITHUB_REPOSITORY     owner/name
#   GITHUB_TOKEN          a token with pull-requests: write
#   PR_NUMBER             the pull request's number
#   PIPEC_COMMENT_AUTHOR  the login whose comment is updated
#                         (default github-actions[bot]; empty: any author)
# Needs curl and jq (both on GitHub's runners).  Prints "created comment ID"
# or "updated comment ID"; exit status 1 on any failure, with the API's
# answer on stderr.  The token is sent in a header read from a file, never
# on the command line.
set -eu

die() { echo "plan-comment.sh: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: plan-comment.sh MARKER FILE"
marker=$1
file=$2
: "${GITHUB_API_URL:?}" "${GITHUB_REPOSITORY:?}" "${GITHUB_TOKEN:?}" "${PR_NUMBER:?}"
author=${PIPEC_COMMENT_AUTHOR-github-actions[bot]}
first="<!-- $marker -->"
[ -f "$file" ] || die "$file: no such file"
[ "$(head -n 1 "$file")" = "$first" ] || die "$file does not start with the line $first"
case $PR_NUMBER in *[!0-9]*|'') die "PR_NUMBER '$PR_NUMBER' is not a number" ;; esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'Authorization: Bearer %s\n' "$GITHUB_TOKEN" > "$tmp/auth"
api="$GITHUB_API_URL/repos/$GITHUB_REPOSITORY"

# call METHOD URL [BODY_FILE]: the answer in $tmp/answer, fails on a non-2xx
call() {
	if [ -n "${3:-}" ]; then
		set -- "$1" "$2" -H 'Content-Type: application/json' --data-binary @"$3"
	fi
	method=$1
	url=$2
	shift 2
	code=$(curl -sS -o "$tmp/answer" -w '%{http_code}' -X "$method" \
		-H @"$tmp/auth" -H 'Accept: application/vnd.github+json' \
		-H 'X-GitHub-Api-Version: 2022-11-28' "$@" "$url") ||
		die "$method $url: curl failed"
	case $code in
	2??) ;;
	*) cat "$tmp/answer" >&2; die "$method $url: HTTP $code" ;;
	esac
}

id=""
page=1
while [ -z "$id" ]; do
	call GET "$api/issues/$PR_NUMBER/comments?per_page=100&page=$page"
	id=$(jq -r --arg first "$first" --arg author "$author" '
		[.[] | select((.body // "") | split("\n")[0] | rtrimstr("\r") == $first)
		     | select($author == "" or .user.login == $author) | .id][0] // empty' "$tmp/answer")
	[ "$(jq 'length' "$tmp/answer")" -lt 100 ] && break
	page=$((page + 1))
done

jq -Rs '{body: .}' "$file" > "$tmp/body.json"
if [ -n "$id" ]; then
	call PATCH "$api/issues/comments/$id" "$tmp/body.json"
	echo "updated comment $id"
else
	call POST "$api/issues/$PR_NUMBER/comments" "$tmp/body.json"
	echo "created comment $(jq -r .id "$tmp/answer")"
fi
