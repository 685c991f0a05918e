#!/usr/bin/env bash
# Runs the walk-through of deploy/README.md in a bare namespace lab (root): every command of the walk-through, each on
# its machine (deploy/netns-lab.sh exec MACHINE ...), printing "[machine]$ command" and its output. Files go to
# /tmp/odwalk; the lab is removed at the end. docs/measurements/deploy-walkthrough-2026-11-29-lab.txt is one run.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
L=deploy/netns-lab.sh
export OD=/tmp/odwalk/opt ETC=/tmp/odwalk/etc
export PG="postgres:Host=198.18.0.2;Port=5432;Username=orleans;Password=orleans-lab;Database=orleans"
rm -rf /tmp/odwalk; mkdir -p $OD $ETC /tmp/odwalk/logs
on() { local m="$1"; shift; echo; echo "[$m]\$ $*"; $L exec "$m" bash -c "$*" 2>&1; echo "(exit $?)"; }
bg() { local m="$1" log="$2"; shift 2; echo; echo "[$m]\$ $*   (in the background, output in $log)"; $L exec "$m" bash -c "$*" >"/tmp/odwalk/logs/$log" 2>&1 & }
waitfor() { for i in $(seq 1 240); do grep -q "$2" "/tmp/odwalk/logs/$1" 2>/dev/null && { grep -m1 "$2" "/tmp/odwalk/logs/$1"; return 0; }; sleep 0.5; done; echo "TIMEOUT waiting for $2 in $1"; tail -20 "/tmp/odwalk/logs/$1"; }
od='od() { dotnet $OD/client/OrleansDist.Client.dll --membership "$PG" --cluster-id prod --tls-cert $ETC/tls/client.pem --tls-key $ETC/tls/client.key --tls-ca $ETC/tls/ca.pem "$@"; }'

$L down >/dev/null 2>&1
echo "\$ deploy/netns-lab.sh up 3 --bare"; $L up 3 --bare 2>&1
echo; echo "== 1 build"
for p in Silo Client LineServer; do
  echo "\$ dotnet publish src/$p -c Release -o \$OD/$(echo $p | tr A-Z a-z)"
  dotnet publish src/$p -c Release -o $OD/$(echo $p | tr A-Z a-z) -nologo 2>&1 | tail -1
done
echo '$ cp -r ~/.nuget/packages/aspire.dashboard.sdk.linux-x64/13.6.5/tools $OD/aspire-dashboard'
cp -r ~/.nuget/packages/aspire.dashboard.sdk.linux-x64/13.6.5/tools $OD/aspire-dashboard
echo; echo "== 3 certificates"
on client 'dotnet $OD/client/OrleansDist.Client.dll certs make --out $ETC/tls --hosts silo1,198.18.0.11 silo2,198.18.0.12 silo3,198.18.0.13 client,198.18.0.4'
echo; echo "== dashboard + line server on db"
bg db dashboard 'set -a; . deploy/systemd/dashboard.env; set +a; HOME=$ETC/dashboard $OD/aspire-dashboard/Aspire.Dashboard'
bg db lines 'dotnet $OD/lineserver/OrleansDist.LineServer.dll --port 9801 --lines 1000 --rate 100'
waitfor lines "LINE SERVER READY"
echo; echo "== 4 silos"
bg silo1 silo1 'dotnet $OD/silo/OrleansDist.Silo.dll --name silo1 --advertised-ip 198.18.0.11 --listen-any --cluster-id prod --membership "$PG" --tls-cert $ETC/tls/silo1.pem --tls-key $ETC/tls/silo1.key --tls-ca $ETC/tls/ca.pem'
waitfor silo1 "SILO READY"
bg silo2 silo2 'dotnet $OD/silo/OrleansDist.Silo.dll --name silo2 --advertised-ip 198.18.0.12 --listen-any --cluster-id prod --membership "$PG" --tls-cert $ETC/tls/silo2.pem --tls-key $ETC/tls/silo2.key --tls-ca $ETC/tls/ca.pem'
waitfor silo2 "SILO READY"
on silo3 'sed -e "s/silo1/silo3/g" -e "s/198.18.0.11/198.18.0.13/" -e "s/Password=change-me/Password=orleans-lab/" -e "s|/etc/orleansdist|$ETC|" deploy/systemd/silo.env > $ETC/silo3.env'
bg silo3 silo3 'set -a; . $ETC/silo3.env; set +a; dotnet $OD/silo/OrleansDist.Silo.dll'
waitfor silo3 "SILO READY"
echo; echo "== 5 client"
on client "$od"'; od cluster status'
on client "$od"'; od register write 7 "written from the client machine"; od register read 7'
on client 'curl -s -H "x-api-key: change-me-too" http://198.18.0.2:18888/api/telemetry/resources | head -c 600; echo'
echo; echo "== 6 download"
on client "$od"'; od download --cluster --server 198.18.0.2:9801 --fetchers 3 --lines 1000 --no-dashboard | tail -9'
echo '[db]$ kill -TERM <line server pid>'
pid=$(ip netns pids odl-db | while read p; do grep -q LineServer /proc/$p/cmdline 2>/dev/null && echo $p; done | head -1); kill -TERM $pid; sleep 3; grep -E "^(LINE SERVER STOPPED|SESSION)" /tmp/odwalk/logs/lines
echo; echo "== 7 partition"
t0=$(date +%s)
echo '$ deploy/netns-lab.sh partition silo2'; $L partition silo2
sleep 22
on client "$od"'; od cluster status'
echo '$ deploy/netns-lab.sh heal silo2'; $L heal silo2
for i in $(seq 1 60); do grep -q "I have been told I am dead" /tmp/odwalk/logs/silo2 && break; sleep 1; done
echo "silo2 log after heal (about ${i} s):"; grep -m1 "I have been told I am dead" /tmp/odwalk/logs/silo2 | cut -c1-200
sleep 2
mv /tmp/odwalk/logs/silo2 /tmp/odwalk/logs/silo2.first
bg silo2 silo2 'dotnet $OD/silo/OrleansDist.Silo.dll --name silo2 --advertised-ip 198.18.0.12 --listen-any --cluster-id prod --membership "$PG" --tls-cert $ETC/tls/silo2.pem --tls-key $ETC/tls/silo2.key --tls-ca $ETC/tls/ca.pem'
waitfor silo2 "SILO READY"
on client "$od"'; od cluster status; od register read 7'
echo; echo "== done"
$L down 2>&1
