# The browser apps (web/): install the npm workspace from its lock file, build the apps when
# their sources changed, and let the proxy serve them. Sourced by devstack/stack; also runs on
# its own, which is what web/scripts/test does:
#
#   devstack/lib/web.sh [install | build]   (default: both)

# The web workspace's packages, reinstalled only when the lock file changes.
install_web() {
  local dir="$ROOT/web" stamp="$ROOT/web/node_modules/.lock.sha256" want
  [ -f "$dir/package-lock.json" ] || fail "web/package-lock.json is missing; run npm install in web/ and commit the lock file"
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  say "installing the web workspace's npm packages (npm ci)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >"$LOGS/web-npm.log" 2>&1 \
    || fail "npm ci failed in web/; see $LOGS/web-npm.log"
  echo "$want" >"$stamp"
}

# web_sources_hash: one hash over every file the builds read (sources, configs, the lock file).
web_sources_hash() {
  (cd "$ROOT/web" && find . \( -name node_modules -o -name dist -o -name e2e -o -name test \) -prune -o -type f \
    \( -name '*.ts' -o -name '*.tsx' -o -name '*.css' -o -name '*.html' -o -name '*.json' -o -name '*.svg' -o -name '*.mjs' \) \
    -print | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
}

WEB_APPS=(attendee organiser check-in)

# build_web: vite build of every app, skipped when nothing they read changed since the last one.
build_web() {
  local stamp="$STATE/web/build.sha256" want app missing=0
  want=$(web_sources_hash)
  for app in "${WEB_APPS[@]}"; do [ -f "$ROOT/web/apps/$app/dist/index.html" ] || missing=1; done
  if ((missing == 0)) && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  say "building the web apps (vite build)"
  mkdir -p "$STATE/web"
  (cd "$ROOT/web" && npm run build) >"$LOGS/web-build.log" 2>&1 \
    || fail "building the web apps failed; see $LOGS/web-build.log
$(grep -iE 'error|✗' "$LOGS/web-build.log" | head -n 10 | sed 's/^/    | /')"
  echo "$want" >"$stamp"
}

prepare_web() {
  command -v npm >/dev/null || fail "npm is required to build the web apps (it comes with Node.js 20+)"
  install_web
  build_web
}

# reload_proxy: re-render the proxy's config (as start_proxy does) and reload nginx in place,
# so a changed template takes effect without restarting anything else.
reload_proxy() {
  is_running proxy || fail "the proxy is not running; start it with devstack/stack up"
  render_proxy_config "$STATE/proxy/nginx.conf.next" \
    || fail "the rendered nginx config is invalid; see $LOGS/proxy.log (the running proxy is unchanged)"
  mv "$STATE/proxy/nginx.conf.next" "$STATE/proxy/nginx.conf"
  nginx -s reload -c "$STATE/proxy/nginx.conf" -p "$STATE/proxy" || fail "nginx did not accept the reload"
  say "proxy reloaded"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
  mkdir -p "$LOGS"
  case "${1:-all}" in
    install) install_web ;;
    build) build_web ;;
    all) prepare_web ;;
    *) fail "usage: devstack/lib/web.sh [install | build]" ;;
  esac
fi
