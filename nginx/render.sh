#!/usr/bin/env bash
# render.sh: write an instance's nginx config from the templates (VARDIR, PORT, FCGI_PORT, WEB from the environment).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${VARDIR:?}" "${PORT:?}" "${FCGI_PORT:?}" "${WEB:?}"
mkdir -p "$VARDIR/nginx/body" "$VARDIR/nginx/fastcgi" "$VARDIR/nginx/proxy" "$VARDIR/nginx/uwsgi" "$VARDIR/nginx/scgi" "$VARDIR/log" "$VARDIR/run"
# nginx started by root runs its workers as another user; the served tree may sit in a root-only home
# (a CI clone), so workers keep the starting user. Non-root nginx cannot switch users anyway.
if [ "$(id -u)" = 0 ]; then user_line="user root root;"; else user_line=""; fi
sub() {
  sed -e "s|@VARDIR@|$VARDIR|g" -e "s|@PORT@|$PORT|g" -e "s|@FCGI_PORT@|$FCGI_PORT|g" -e "s|@WEB@|$WEB|g" -e "s|@NGINX_DIR@|$here|g" \
      -e "s|@USER_LINE@|$user_line|g" -e "s|@LOGIN_RATE@|${LOGIN_RATE:-10r/s}|g" -e "s|@LOGIN_BURST@|${LOGIN_BURST:-20}|g" "$1"
}
sub "$here/nginx.conf.in" >"$VARDIR/nginx/nginx.conf"
sub "$here/fastcgi.inc.in" >"$VARDIR/nginx/fastcgi.inc"
