#!/bin/sh
# Alertmanager for docker-compose.yml (profile "metrics"). Alertmanager does not read
# environment variables in its configuration, so this writes it from the ALERT_* variables
# of .env (see .env.example and docs/monitoring.md), then starts Alertmanager with it.
#   ALERT_EMAIL_TO, ALERT_EMAIL_FROM, ALERT_SMTP_SMARTHOST (host:port),
#   ALERT_SMTP_USERNAME, ALERT_SMTP_PASSWORD   alerts by email
#   ALERT_WEBHOOK_URL                          alerts POSTed as Alertmanager's JSON
# Either, both, or neither (then alerts are only listed at 127.0.0.1:9093).
# `entrypoint.sh --print` writes the configuration to stdout and exits (scripts/check-ops.sh
# checks it with amtool). POSIX sh: the image's shell is busybox.
set -eu

# A YAML double-quoted string: backslashes and double quotes escaped.
quote() {
  printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"
}

config() {
  cat <<'EOF'
# Written by deploy/alertmanager/entrypoint.sh from .env: do not edit here.
route:
  receiver: helpline
  group_by: [alertname, service]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h

# The daily alert for a service says nothing new while the hourly one fires for it.
inhibit_rules:
  - source_matchers: [alertname="HelplineServiceFailing"]
    target_matchers: [alertname="HelplineServiceFailingDaily"]
    equal: [service]

receivers:
  - name: helpline
EOF
  if [ -n "${ALERT_EMAIL_TO:-}" ]; then
    echo "    email_configs:"
    printf '%s%s\n' "      - to: " "$(quote "$ALERT_EMAIL_TO")"
    printf '%s%s\n' "        from: " "$(quote "${ALERT_EMAIL_FROM:-}")"
    printf '%s%s\n' "        smarthost: " "$(quote "${ALERT_SMTP_SMARTHOST:-}")"
    if [ -n "${ALERT_SMTP_USERNAME:-}" ]; then
      printf '%s%s\n' "        auth_username: " "$(quote "$ALERT_SMTP_USERNAME")"
      printf '%s%s\n' "        auth_password: " "$(quote "${ALERT_SMTP_PASSWORD:-}")"
    fi
    echo "        send_resolved: true"
  fi
  if [ -n "${ALERT_WEBHOOK_URL:-}" ]; then
    echo "    webhook_configs:"
    printf '%s%s\n' "      - url: " "$(quote "$ALERT_WEBHOOK_URL")"
    echo "        send_resolved: true"
  fi
}

if [ -n "${ALERT_EMAIL_TO:-}" ] && { [ -z "${ALERT_EMAIL_FROM:-}" ] || [ -z "${ALERT_SMTP_SMARTHOST:-}" ]; }; then
  echo "alertmanager: ALERT_EMAIL_TO needs ALERT_EMAIL_FROM and ALERT_SMTP_SMARTHOST (host:port) in .env" >&2
  exit 1
fi

if [ "${1:-}" = "--print" ]; then
  config
  exit 0
fi

if [ -z "${ALERT_EMAIL_TO:-}" ] && [ -z "${ALERT_WEBHOOK_URL:-}" ]; then
  echo "alertmanager: no receiver set (ALERT_EMAIL_TO or ALERT_WEBHOOK_URL in .env): alerts are only listed on its page" >&2
fi

# The SMTP password may be in it: only this user reads it, on the in-memory /tmp.
umask 077
config > /tmp/alertmanager.yml
# One Alertmanager: no cluster gossip port.
exec /bin/alertmanager --config.file=/tmp/alertmanager.yml --storage.path=/alertmanager --cluster.listen-address= "$@"
