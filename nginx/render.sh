#!/usr/bin/env bash
# render.sh: write an instance's nginx config from the templates (VARDIR, PORT, FCGI_PORT or FCGI_PORTS, WEB from the environment).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${VARDIR:?}" "${PORT:?}" "${FCGI_PORT:?}" "${WEB:?}"
mkdir -p "$VARDIR/nginx/body" "$VARDIR/nginx/fastcgi" "$VARDIR/nginx/proxy" "$VARDIR/nginx/uwsgi" "$VARDIR/nginx/scgi" "$VARDIR/log" "$VARDIR/run"
# nginx started by root runs its workers as another user; the served tree may sit in a root-only home
# (a CI clone), so workers keep the starting user. Non-root nginx cannot switch users anyway.
if [ "$(id -u)" = 0 ]; then user_line="user root root;"; else user_line=""; fi
# the upstream: FCGI_PORTS (a cluster's service processes, issue 15) or the one FCGI_PORT
upstream=""; for p in ${FCGI_PORTS:-$FCGI_PORT}; do upstream="${upstream}server 127.0.0.1:$p; "; done
sub() {
  sed -e "s|@VARDIR@|$VARDIR|g" -e "s|@PORT@|$PORT|g" -e "s|@FCGI_PORT@|$FCGI_PORT|g" -e "s|@UPSTREAM_SERVERS@|$upstream|g" -e "s|@WEB@|$WEB|g" -e "s|@NGINX_DIR@|$here|g" \
      -e "s|@USER_LINE@|$user_line|g" -e "s|@LOGIN_RATE@|${LOGIN_RATE:-10r/s}|g" -e "s|@LOGIN_BURST@|${LOGIN_BURST:-20}|g" "$1"
}
sub "$here/nginx.conf.in" >"$VARDIR/nginx/nginx.conf"
sub "$here/fastcgi.inc.in" >"$VARDIR/nginx/fastcgi.inc"

# The error bodies nginx answers itself, written by the service's own code: the one error shape with its texts
# (fcgi/err.c), and the upload route's 413 with the limits of R23 (fcgi/filetype.h, fcgi/api.h).
XUEJI=${XUEJI:-$here/../build/xueji}
mkdir -p "$VARDIR/nginx/errors"
"$XUEJI" --nginx-errors "$VARDIR/nginx/errors"
# one error_page per status page written (NNN.json); the evidence route's list answers 413 with R23's limits
# (a location's error_page replaces the server's list, so it repeats the others)
: >"$VARDIR/nginx/errors.inc"
: >"$VARDIR/nginx/errors-evidence.inc"
for f in "$VARDIR"/nginx/errors/[0-9][0-9][0-9].json; do
  s=$(basename "$f" .json)
  echo "error_page $s /_errors/$s.json;" >>"$VARDIR/nginx/errors.inc"
  if [ "$s" = 413 ]; then echo "error_page 413 /_errors/413-evidence.json;" >>"$VARDIR/nginx/errors-evidence.inc"
  else echo "error_page $s /_errors/$s.json;" >>"$VARDIR/nginx/errors-evidence.inc"; fi
done

# One location per path of the route table with the largest body cap of its methods (the service checks each
# method's own cap). A path none of whose methods takes a body gets 1k, as paths outside the table: the service refuses
# the body itself (413) or the method (405), in its own words. Per-path extras below.
"$XUEJI" --routes | awk -v burst="${LOGIN_BURST:-20}" '
  { if (!($2 in cap)) order[n++] = $2; if (!($2 in cap) || $4 + 0 > cap[$2]) cap[$2] = $4 + 0 }
  END {
    for (i = 0; i < n; i++) {
      p = order[i]
      if (p ~ /\{/) { re = p; gsub(/\{[a-z_]+\}/, "[^/]+", re); gsub(/\./, "\\.", re); print "location ~ ^" re "$ {" }
      else print "location = " p " {"
      print "  client_max_body_size " (cap[p] > 0 ? cap[p] : "1k") ";"
      if (cap[p] > 65536) print "  client_body_buffer_size 1m;"
      if (p == "/api/v1/session") print "  limit_req zone=login burst=" burst " nodelay;"
      if (p == "/api/v1/evidence") {
        # the refusal says what is allowed (R23); a location error_page replaces the server list: repeat the others
        print "  include " ENVIRON["VARDIR"] "/nginx/errors-evidence.inc;"
      }
      # evidence downloads: the service sends its own nosniff (it must hold without nginx too): drop that copy
      if (p ~ /^\/api\/v1\/evidence\//) print "  fastcgi_hide_header X-Content-Type-Options;"
      print "  include " ENVIRON["VARDIR"] "/nginx/fastcgi.inc;"
      print "}"
    }
  }' >"$VARDIR/nginx/routes.inc"
