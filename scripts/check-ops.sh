#!/usr/bin/env bash
# Checks the monitoring files of deploy/ and docker-compose.yml (docs/monitoring.md):
#   promtool check config / check rules   the Prometheus configuration, the alerting rules
#                                         and the Grafana dashboard's queries (parsed)
#   promtool test rules                   the alerts' unit tests (deploy/*.test.yml)
#   amtool check-config                   Alertmanager's configuration as the entrypoint
#                                         writes it, with no receiver, email and webhook
#   docker-compose config                 the compose file, with and without --profile metrics
# Installs Debian's prometheus, prometheus-alertmanager and docker-compose when missing (as
# root, with apt; CI runs so), and never leaves a Prometheus or Alertmanager running.
# Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n== %s\n' "$*"; }

# --- tools -------------------------------------------------------------------------------
missing=()
command -v promtool >/dev/null || missing+=(prometheus)
command -v amtool >/dev/null || missing+=(prometheus-alertmanager)
command -v docker-compose >/dev/null || missing+=(docker-compose)
if ((${#missing[@]})); then
  say "installing ${missing[*]} (apt)"
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    echo "check-ops: needs ${missing[*]}; run as root on Debian, or install them" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Only their tools are wanted: stop the daemons that the packages just installed may have
  # started (none where policy-rc.d forbids it, as in containers).
  for daemon in "${missing[@]}"; do
    [[ $daemon == docker-compose ]] && continue
    if command -v systemctl >/dev/null && systemctl is-active --quiet "$daemon" 2>/dev/null; then
      systemctl stop "$daemon" || true
    elif [[ -x /etc/init.d/$daemon ]]; then
      /etc/init.d/"$daemon" stop >/dev/null 2>&1 || true
    fi
  done
fi
promtool --version 2>&1 | head -n 1
amtool --version 2>&1 | head -n 1
docker-compose version --short 2>/dev/null || docker-compose version | head -n 1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- Prometheus --------------------------------------------------------------------------
say "promtool check rules"
promtool check rules deploy/alerts.yml deploy/in-use-hours.yml deploy/figures.yml

say "promtool check config"
# The scrape reads the token from the file the container's entrypoint writes: check a copy
# that points at a token file here, with the rule files beside it as in the container.
cp deploy/prometheus.yml deploy/alerts.yml deploy/in-use-hours.yml deploy/figures.yml "$tmp/"
printf 'check-ops' > "$tmp/metrics_token"
sed -i "s|/tmp/metrics_token|$tmp/metrics_token|" "$tmp/prometheus.yml"
promtool check config "$tmp/prometheus.yml"

say "promtool check rules: the dashboard's queries"
# Each query of the Grafana dashboard as a recording rule, so that promtool parses it
# (Grafana's own variables replaced by durations). tests/dashboard.test.ts checks its names.
node -e '
  const fs = require("fs");
  const dir = "deploy/grafana/dashboards";
  const rules = fs.readdirSync(dir).filter((f) => f.endsWith(".json")).flatMap((f) => {
    const d = JSON.parse(fs.readFileSync(dir + "/" + f, "utf8"));
    return d.panels.flatMap((p) => (p.targets || []).map((t, i) => ({
      record: "dashboard:" + f.replace(/\W/g, "_") + ":panel" + p.id + ":" + i,
      expr: t.expr.replace(/\$__range|\$__rate_interval|\$__interval/g, "5m"),
    })));
  });
  process.stdout.write(JSON.stringify({ groups: [{ name: "dashboard", rules }] }));
' > "$tmp/dashboard-rules.yml"
promtool check rules "$tmp/dashboard-rules.yml"

say "promtool test rules"
promtool test rules deploy/alerts.test.yml deploy/in-use-hours.test.yml deploy/figures.test.yml
# promtool prints no count: these are the cases it has just passed.
for f in deploy/alerts.test.yml deploy/in-use-hours.test.yml deploy/figures.test.yml; do
  echo "$f: $(grep -c '^  - interval:\|^  - name:' "$f") test groups," \
    "$(grep -c 'alertname:' "$f") alert checks, $(grep -c '^      - expr:' "$f") expression checks"
done

# --- Alertmanager ------------------------------------------------------------------------
say "amtool check-config"
env -i PATH="$PATH" sh deploy/alertmanager/entrypoint.sh --print > "$tmp/am-none.yml"
env -i PATH="$PATH" ALERT_EMAIL_TO='oncall@example.org' ALERT_EMAIL_FROM='alerts@example.org' \
  ALERT_SMTP_SMARTHOST='smtp.example.org:587' ALERT_SMTP_USERNAME='alerts' ALERT_SMTP_PASSWORD='p"a\ss' \
  sh deploy/alertmanager/entrypoint.sh --print > "$tmp/am-email.yml"
env -i PATH="$PATH" ALERT_WEBHOOK_URL='https://hooks.example.org/helpline?key=a&b' \
  sh deploy/alertmanager/entrypoint.sh --print > "$tmp/am-webhook.yml"
amtool check-config "$tmp/am-none.yml" "$tmp/am-email.yml" "$tmp/am-webhook.yml"
# An email receiver without its sender or server is refused before Alertmanager starts.
if env -i PATH="$PATH" ALERT_EMAIL_TO='oncall@example.org' sh deploy/alertmanager/entrypoint.sh --print >/dev/null 2>&1; then
  echo "check-ops: the entrypoint accepted ALERT_EMAIL_TO without ALERT_EMAIL_FROM and ALERT_SMTP_SMARTHOST" >&2
  exit 1
fi

# --- docker-compose.yml ------------------------------------------------------------------
say "docker-compose config"
# .env is the operator's (never committed): validate a copy of the files with an .env made
# from .env.example, in a directory of its own.
mkdir "$tmp/compose"
cp -r docker-compose.yml Dockerfile deploy "$tmp/compose/"
cp .env.example "$tmp/compose/.env"
compose() { docker-compose --project-directory "$tmp/compose" -f "$tmp/compose/docker-compose.yml" "$@"; }
compose config -q
compose --profile metrics config -q
compose --profile purge config -q
services=$(compose --profile metrics config --services | sort | tr '\n' ' ')
echo "services with --profile metrics: $services"
[[ $(compose --profile purge config --services | sort | tr '\n' ' ') == *purge* ]] || { echo "check-ops: no service purge in docker-compose.yml" >&2; exit 1; }
for s in helpline prometheus alertmanager grafana; do
  [[ " $services " == *" $s "* ]] || { echo "check-ops: no service $s in docker-compose.yml" >&2; exit 1; }
done

say "check-ops: all passed"
