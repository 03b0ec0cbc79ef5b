#!/bin/sh
# gitlab-note.sh MARKER FILE
#
# Posts FILE (the Markdown of `pipec plan --format markdown --marker MARKER
# --max-bytes N`) as the pipec plan note of a GitLab merge request, or
# updates that note in place when it is there already: the merge request's
# notes are listed (100 a page, every page) and the first one written by
# the token's own user whose body starts with the line `<!-- MARKER -->`
# is edited (PUT); otherwise a new note is created (POST).
#
# Environment (set by GitLab CI/CD, or by the project's variables):
#   CI_API_V4_URL          the REST API (https://gitlab.example.com/api/v4)
#   CI_PROJECT_ID          the project's id
#   CI_MERGE_REQUEST_IID   the merge request's iid
#   PIPEC_GITLAB_TOKEN     a project access token with scope api
# Needs curl and jq.  Prints "created note ID" or "updated note ID"; exit
# status 1 on any failure, with the API's answer on stderr.  The token is
# sent in a header read from a file, never on the command line.
set -eu

die() { echo "gitlab-note.sh: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: gitlab-note.sh MARKER FILE"
marker=$1
file=$2
: "${CI_API_V4_URL:?}" "${CI_PROJECT_ID:?}" "${CI_MERGE_REQUEST_IID:?}" "${PIPEC_GITLAB_TOKEN:?}"
first="<!-- $marker -->"
[ -f "$file" ] || die "$file: no such file"
[ "$(head -n 1 "$file")" = "$first" ] || die "$file does not start with the line $first"
case $CI_MERGE_REQUEST_IID in *[!0-9]*|'') die "CI_MERGE_REQUEST_IID is not a number" ;; esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'PRIVATE-TOKEN: %s\n' "$PIPEC_GITLAB_TOKEN" > "$tmp/auth"
notes="$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID/notes"

# call METHOD URL [BODY_FILE]: the answer in $tmp/answer, fails on a non-2xx
call() {
	if [ -n "${3:-}" ]; then
		set -- "$1" "$2" -H 'Content-Type: application/json' --data-binary @"$3"
	fi
	method=$1
	url=$2
	shift 2
	code=$(curl -sS -o "$tmp/answer" -w '%{http_code}' -X "$method" \
		-H @"$tmp/auth" "$@" "$url") || die "$method $url: curl failed"
	case $code in
	2??) ;;
	*) cat "$tmp/answer" >&2; die "$method $url: HTTP $code" ;;
	esac
}

call GET "$CI_API_V4_URL/user"
me=$(jq -r .username "$tmp/answer")
id=""
page=1
while [ -z "$id" ]; do
	call GET "$notes?per_page=100&page=$page&sort=asc&order_by=created_at"
	id=$(jq -r --arg first "$first" --arg me "$me" '
		[.[] | select((.body // "") | split("\n")[0] | rtrimstr("\r") == $first)
		     | select(.author.username == $me) | .id][0] // empty' "$tmp/answer")
	[ "$(jq 'length' "$tmp/answer")" -lt 100 ] && break
	page=$((page + 1))
done

jq -Rs '{body: .}' "$file" > "$tmp/body.json"
if [ -n "$id" ]; then
	call PUT "$notes/$id" "$tmp/body.json"
	echo "updated note $id"
else
	call POST "$notes" "$tmp/body.json"
	echo "created note $(jq -r .id "$tmp/answer")"
fi
