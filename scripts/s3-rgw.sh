#!/bin/sh
# A real S3 endpoint on loopback for the sidecar tests: Ceph's RADOS gateway (RGW) from Debian's
# packages, single node, in-memory object store (memstore), no cephx. Unlike s3rver it verifies
# SigV4 signatures, signed headers and expiry, so refused tampered and expired URLs are real.
#
#   scripts/s3-rgw.sh start    start (or reuse a running one); prints "S3 ready at <url>"
#   scripts/s3-rgw.sh stop     stop the daemons of the data dir
#   scripts/s3-rgw.sh status   exit 0 when the endpoint answers, 1 otherwise
#
# Environment (all optional):
#   EASEL_RGW_DIR        data dir (default <repo>/.easel/rgw); wiped on a fresh start
#   EASEL_RGW_PORT       S3 port (default 7480)
#   EASEL_RGW_MON_PORT   ceph-mon port (default 6789)
#   EASEL_S3_ACCESS_KEY  access key of the S3 user (default devkey)
#   EASEL_S3_SECRET_KEY  secret key of the S3 user (default devsecret)
# Installs radosgw, ceph-mon and ceph-osd with apt-get when radosgw is missing (needs root).
# Use path-style addressing. Starting takes ~15 s; the data lives in memory and goes with stop.
set -eu
cmd=${1:-start}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
D=${EASEL_RGW_DIR:-$ROOT/.easel/rgw}
PORT=${EASEL_RGW_PORT:-7480}
MON_PORT=${EASEL_RGW_MON_PORT:-6789}
ACCESS_KEY=${EASEL_S3_ACCESS_KEY:-devkey}
SECRET_KEY=${EASEL_S3_SECRET_KEY:-devsecret}
URL="http://127.0.0.1:$PORT"
MARKER=.easel-rgw
export CEPH_CONF="$D/ceph.conf"

answers() { curl -s -o /dev/null --max-time 2 "$URL/"; }

stop_daemons() {
  [ -d "$D/run" ] || return 0
  for p in "$D"/run/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
  for p in "$D"/run/*.pid; do
    [ -f "$p" ] || continue
    i=0
    while kill -0 "$(cat "$p" 2>/dev/null)" 2>/dev/null && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.2; done
    kill -9 "$(cat "$p" 2>/dev/null)" 2>/dev/null || true
    rm -f "$p"
  done
}

case "$cmd" in
  stop)
    stop_daemons
    echo "rgw stopped ($D)"
    exit 0
    ;;
  status)
    if answers; then echo "S3 answers at $URL"; exit 0; fi
    echo "S3 does not answer at $URL"
    exit 1
    ;;
  start) ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac

# Reuse a running gateway of this data dir whose user exists.
if [ -f "$D/$MARKER" ] && answers && radosgw-admin user info --uid=easel >/dev/null 2>&1; then
  echo "S3 ready at $URL (access key $ACCESS_KEY, reused)"
  exit 0
fi

if ! command -v radosgw >/dev/null 2>&1 || ! command -v ceph-osd >/dev/null 2>&1; then
  echo "installing radosgw ceph-mon ceph-osd with apt-get (one time, ~1 min)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    radosgw ceph-mon ceph-osd uuid-runtime curl >/dev/null
fi

if answers; then
  echo "port $PORT already answers but not as this data dir's RGW ($D): stop it or set EASEL_RGW_PORT" >&2
  exit 1
fi

stop_daemons
# Wipe only a directory this script made (or an empty / missing one).
if [ -d "$D" ] && [ ! -f "$D/$MARKER" ] && [ -n "$(ls -A "$D")" ]; then
  echo "$D exists and was not made by $0: refusing to wipe it (set EASEL_RGW_DIR)" >&2
  exit 1
fi
rm -rf "$D"
mkdir -p "$D/mon/a" "$D/osd/0" "$D/run" "$D/log"
touch "$D/$MARKER"
FSID=$(uuidgen)
cat >"$CEPH_CONF" <<CONF
[global]
fsid = $FSID
mon host = v1:127.0.0.1:$MON_PORT
public addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
osd pool default pg num = 8
osd pool default pgp num = 8
osd crush chooseleaf type = 0
osd objectstore = memstore
memstore device bytes = 1073741824
run dir = $D/run
log file = $D/log/\$name.log
admin socket = $D/run/\$name.asok
pid file = $D/run/\$name.pid
[mon.a]
mon data = $D/mon/a
[osd.0]
osd data = $D/osd/0
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$PORT
CONF
monmaptool --create --addv a "v1:127.0.0.1:$MON_PORT" --fsid "$FSID" "$D/monmap" >/dev/null
ceph-authtool --create-keyring "$D/mon.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-mon --mkfs -i a --monmap "$D/monmap" --keyring "$D/mon.keyring"
ceph-mon -i a
U=$(uuidgen)
i=0
until ceph --connect-timeout 5 osd new "$U" >/dev/null 2>&1; do
  i=$((i + 1))
  [ $i -gt 30 ] && { echo "ceph-mon did not answer (log: $D/log/mon.a.log)" >&2; exit 1; }
  sleep 1
done
ceph-osd -i 0 --mkfs --osd-uuid "$U" 2>"$D/log/osd-mkfs.err" ||
  { echo "ceph-osd --mkfs failed: $(tail -3 "$D/log/osd-mkfs.err")" >&2; exit 1; }
# The first start right after --mkfs sometimes exits 250 (seen on these machines); a retry starts it.
i=0
until ceph-osd -i 0 2>"$D/log/osd-start.err"; do
  i=$((i + 1))
  [ $i -gt 5 ] && { echo "ceph-osd did not start: $(tail -3 "$D/log/osd-start.err") (log: $D/log/osd.0.log)" >&2; exit 1; }
  sleep 1
done
radosgw -n client.rgw.a
i=0
until answers; do
  i=$((i + 1))
  [ $i -gt 120 ] && { echo "rgw did not start (log: $D/log/client.rgw.a.log)" >&2; exit 1; }
  sleep 0.5
done
radosgw-admin user create --uid=easel --display-name=easel \
  --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null
echo "S3 ready at $URL (access key $ACCESS_KEY)"
