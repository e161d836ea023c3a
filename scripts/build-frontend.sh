#!/usr/bin/env bash
# Rebuilds the committed front-end assets from GOV.UK Frontend (npm) with Convenor's settings:
# system fonts instead of GDS Transport, no crown. Only needed when upgrading GOV.UK Frontend;
# `make demo` and `make test` use the committed output and need no Node.js.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --silent govuk-frontend@6.6.0 sass@1.108.2
cp "$here/assets/scss/convenor.scss" .
npx sass --quiet --load-path=node_modules --style=compressed --no-source-map convenor.scss \
  "$here/src/convenor/static/convenor/convenor.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$here/src/convenor/static/govuk/"
