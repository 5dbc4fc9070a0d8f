#!/usr/bin/env bash
# End-to-end check of profiles/slurm against a real SLURM controller on this machine.
#
#   sudo bash tests/slurm/run_slurm_smoke.sh          # as root; 25-35 minutes on 2 cores
#
# It brings up a single-node SLURM cluster from the Debian packages (munge, slurm-wlm;
# installed when missing), bound to 127.0.0.1 only, with its own munge key and socket and
# all state under a temporary directory. Then, each in a fresh copy of this checkout
# (HEAD plus the working tree's uncommitted and untracked files):
#
#   A. runs the smoke config through `--profile profiles/slurm` and, while it runs, cancels
#      one running SLURM job with scancel: the profile's retries must re-submit it and the
#      run must still succeed; the sampling jobs must have been bundled into fewer SLURM
#      jobs (group-components);
#   B. runs the same config locally through `--profile profiles/local`;
#   C. checks that the set of netCDF files under data/smoke/ is the same and that every
#      file is bit-identical (cmp) between A and B;
#   D. bad cluster input: an unknown partition and a memory request above the node's
#      RealMemory must make snakemake fail with sbatch's error and the offending value;
#   E. a job killed by the scheduler with retries off (--restart-times 0) must make the run
#      fail naming the SLURM state (CANCELLED); a re-run must re-submit only what is missing
#      (outputs finished before the kill keep their modification times) and end with the
#      same bit-identical netCDFs as B.
#
# Everything is torn down at exit, on failure too: SLURM jobs cancelled, slurmd, slurmctld
# and munged stopped (by their pid files), /etc/slurm/slurm.conf (written by this script;
# the job-step `srun` inside a SLURM job only finds the configuration there) removed, the
# temporary directory deleted (kept with SLURM_SMOKE_KEEP=1).
#
# Status is read with squeue (`--slurm-status-command squeue`, MinJobAge=300 s): this test
# cluster runs no accounting daemon (slurmdbd), so sacct has nothing to report.
#
# Environment (all optional):
#   SLURM_SMOKE_CONFIG    config file to run (default config/smoke.yaml)
#   SLURM_SMOKE_TARGETS   snakemake targets (default: the config's default target, i.e.
#                         everything); e.g. "data/smoke/ntk_stats_fnn.nc
#                         data/smoke/ntk_stats_pinn.nc" restricts to the Monte-Carlo
#                         netCDFs
#   SLURM_SMOKE_CPUS      CPUs of the SLURM node (default 2)
#   SLURM_SMOKE_PORT      slurmctld port; slurmd uses the next one (default 16817)
#   SLURM_SMOKE_TIMEOUT   seconds allowed for each snakemake run (default 2400)
#   SLURM_SMOKE_SKIP      space-separated phases to skip among: kill-retry bad-input resume
#   SLURM_SMOKE_KEEP      1 keeps the temporary directory (logs, both copies)
#   SLURM_SMOKE_VENV      virtual environment with snakemake and the plugin (default
#                         <repo>/.venv)
#   SLURM_SMOKE_NO_INSTALL=1  never run apt-get (fail if the packages are missing)
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CONFIG=${SLURM_SMOKE_CONFIG:-config/smoke.yaml}
TARGETS=${SLURM_SMOKE_TARGETS:-}
NODE_CPUS=${SLURM_SMOKE_CPUS:-2}
PORT=${SLURM_SMOKE_PORT:-16817}
RUN_TIMEOUT=${SLURM_SMOKE_TIMEOUT:-2400}
SKIP=" ${SLURM_SMOKE_SKIP:-} "
VENV=${SLURM_SMOKE_VENV:-$REPO/.venv}
SLURM_CONF_PATH=/etc/slurm/slurm.conf
MARKER="# written by tests/slurm/run_slurm_smoke.sh"
T_START=$(date +%s)

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { log "FATAL: $*"; FATAL="$*"; exit 1; }

RESULTS=()     # "PASS|FAIL<TAB>description"
FAILED=0
FATAL=""
record() {     # record PASS|FAIL description
  RESULTS+=("$1	$2")
  [ "$1" = PASS ] || FAILED=1
  log "$1: $2"
}
skipped() { [[ "$SKIP" == *" $1 "* ]]; }

# --- preconditions ---------------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || { echo "run as root: it starts munged, slurmctld and slurmd" >&2; exit 2; }
[ -x "$VENV/bin/snakemake" ] || { echo "no snakemake in $VENV (run tools/setup.sh)" >&2; exit 2; }
"$VENV/bin/python" -c "import snakemake_executor_plugin_slurm" 2>/dev/null \
  || { echo "snakemake-executor-plugin-slurm is not installed in $VENV" >&2; exit 2; }
if [ -e "$SLURM_CONF_PATH" ] && ! grep -qF "$MARKER" "$SLURM_CONF_PATH"; then
  echo "$SLURM_CONF_PATH exists and was not written by this script: this machine seems to" \
       "be part of a SLURM cluster already; not touching it." >&2
  exit 2
fi
for daemon in slurmctld slurmd; do
  if pgrep -x "$daemon" >/dev/null; then
    echo "a $daemon is already running on this machine; stop it first." >&2
    exit 2
  fi
done

WORK=$(mktemp -d /tmp/slurm-smoke.XXXXXX)
chmod 755 "$WORK"   # munged insists that everyone can traverse to its socket
SNAKEMAKE_PID=""

# --- teardown (always) -----------------------------------------------------------------
stop_pidfile() {  # stop_pidfile NAME FILE
  local pid
  [ -s "$2" ] || return 0
  pid=$(cat "$2")
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  log "teardown: $1 (pid $pid) did not stop on SIGTERM; sending SIGKILL"
  kill -9 "$pid" 2>/dev/null
}

summary() {
  local rc=$1 line status verdict
  echo
  echo "======================================================================"
  echo "SLURM profile end-to-end check: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "  SLURM:      ${SLURM_VERSION:-not started}  (single node localhost/127.0.0.1," \
       "CPUs=$NODE_CPUS, RealMemory=${REAL_MEMORY:-?} MB, MinJobAge=300 s, no accounting)"
  echo "  snakemake:  ${SMK_VERSION:-?}, snakemake-executor-plugin-slurm ${PLUGIN_VERSION:-?}"
  echo "  config:     $CONFIG  targets: ${TARGETS:-default (all)}"
  echo "  checkout:   $REPO @ ${REV:-?}"
  for line in "${RESULTS[@]}"; do
    status=${line%%	*}
    printf '  [%s] %s\n' "$status" "${line#*	}"
  done
  [ -z "$FATAL" ] || echo "  [FAIL] aborted: $FATAL"
  if [ "$rc" -eq 0 ] && [ "$FAILED" -eq 0 ] && [ -z "$FATAL" ] && [ ${#RESULTS[@]} -gt 0 ]; then
    verdict=PASS
  else
    verdict=FAIL
  fi
  echo "  wall time:  $(( $(date +%s) - T_START )) s"
  echo "RESULT: $verdict"
  echo "======================================================================"
  [ "$verdict" = PASS ]
}

teardown() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  if [ -n "$SNAKEMAKE_PID" ] && kill -0 "$SNAKEMAKE_PID" 2>/dev/null; then
    log "teardown: stopping snakemake (pid $SNAKEMAKE_PID)"
    kill -INT "$SNAKEMAKE_PID" 2>/dev/null; sleep 5; kill "$SNAKEMAKE_PID" 2>/dev/null
  fi
  if [ -s "$WORK/slurmctld.pid" ] && kill -0 "$(cat "$WORK/slurmctld.pid")" 2>/dev/null; then
    scancel --full --quiet --user=root 2>/dev/null   # the test cluster only runs our jobs
    sleep 1
  fi
  stop_pidfile slurmd "$WORK/slurmd.pid"
  stop_pidfile slurmctld "$WORK/slurmctld.pid"
  stop_pidfile munged "$WORK/munge/munged.pid"
  # Without cgroups (proctrack/linuxproc) a job process whose parent died first can outlive
  # its cancelled job. Stop whatever still runs in the two copies, by pid.
  local p cwd leftovers=()
  for p in /proc/[0-9]*; do
    cwd=$(readlink "$p/cwd" 2>/dev/null) || continue
    case "$cwd" in "$WORK"/*) [ "${p#/proc/}" != $$ ] && leftovers+=("${p#/proc/}") ;; esac
  done
  if [ ${#leftovers[@]} -gt 0 ]; then
    log "teardown: stopping ${#leftovers[@]} leftover job process(es): ${leftovers[*]}"
    kill "${leftovers[@]}" 2>/dev/null; sleep 2; kill -9 "${leftovers[@]}" 2>/dev/null
  fi
  if [ -e "$SLURM_CONF_PATH" ] && grep -qF "$MARKER" "$SLURM_CONF_PATH"; then
    rm -f "$SLURM_CONF_PATH"
  fi
  if [ "${SLURM_SMOKE_KEEP:-0}" = 1 ]; then
    log "teardown: kept $WORK"
  else
    rm -rf "$WORK"
  fi
  log "teardown: SLURM stopped, state removed"
  summary "$rc"
  exit $?
}
trap teardown EXIT
trap 'FATAL="interrupted"; exit 130' INT TERM

# --- packages --------------------------------------------------------------------------
need_pkgs=()
for pkg in munge slurm-wlm; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_pkgs+=("$pkg")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  [ "${SLURM_SMOKE_NO_INSTALL:-0}" = 1 ] && die "missing Debian packages: ${need_pkgs[*]}"
  log "installing Debian packages: ${need_pkgs[*]}"
  apt-get update -q >"$WORK/apt.log" 2>&1 \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
       "${need_pkgs[@]}" >>"$WORK/apt.log" 2>&1 \
    || die "apt-get install failed (see $WORK/apt.log)"
fi
SLURM_VERSION=$(slurmctld -V 2>/dev/null | awk '{print $2}')
SMK_VERSION=$("$VENV/bin/snakemake" --version 2>/dev/null)
PLUGIN_VERSION=$("$VENV/bin/python" -c \
  "from importlib.metadata import version as v; print(v('snakemake-executor-plugin-slurm'))")
REV=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null)$(
  [ -n "$(git -C "$REPO" status --porcelain 2>/dev/null)" ] && echo "+uncommitted")

# --- munge: own key, own socket --------------------------------------------------------
mkdir -p "$WORK/munge" "$WORK/munge-private" "$WORK/state" "$WORK/spool" "$WORK/log"
chmod 755 "$WORK/munge"; chmod 700 "$WORK/munge-private"
dd if=/dev/urandom of="$WORK/munge-private/munge.key" bs=1024 count=1 status=none
chmod 600 "$WORK/munge-private/munge.key"
MUNGE_SOCKET=$WORK/munge/munge.socket
munged --key-file="$WORK/munge-private/munge.key" --socket="$MUNGE_SOCKET" \
  --pid-file="$WORK/munge/munged.pid" --log-file="$WORK/log/munged.log" \
  --seed-file="$WORK/munge-private/munged.seed" \
  || die "munged did not start (see $WORK/log/munged.log)"
munge -S "$MUNGE_SOCKET" -n | unmunge -S "$MUNGE_SOCKET" >/dev/null \
  || die "munge round trip failed"
log "munged up (socket $MUNGE_SOCKET)"

# --- slurm.conf ------------------------------------------------------------------------
mem_total_mb=$(awk '/^MemTotal/ {print int($2 / 1024)}' /proc/meminfo)
REAL_MEMORY=$(( mem_total_mb * 3 / 4 ))       # below the machine's memory
[ "$REAL_MEMORY" -gt 64000 ] && REAL_MEMORY=64000
mkdir -p "$(dirname "$SLURM_CONF_PATH")"
cat >"$SLURM_CONF_PATH" <<EOF
$MARKER
# A single-node test cluster on the loopback interface; removed when the script exits.
ClusterName=smoketest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
# No cgroups in containers: plain process tracking, no task binding, no accounting.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
SlurmdParameters=config_overrides
# Bind to the address the host names resolve to (127.0.0.1), not to every interface.
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
ReturnToService=2
# Finished jobs stay visible to squeue for 5 minutes: the snakemake plugin reads job states
# with squeue when there is no accounting, and needs MinJobAge >= 3x its first-check delay.
MinJobAge=300
SlurmctldTimeout=30
SlurmdTimeout=60
InactiveLimit=0
KillWait=10
NodeName=localhost NodeAddr=127.0.0.1 NodeHostname=localhost CPUs=$NODE_CPUS RealMemory=$REAL_MEMORY State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld || die "slurmctld did not start (see $WORK/log/slurmctld.log)"
slurmd -N localhost || die "slurmd did not start (see $WORK/log/slurmd.log)"
for _ in $(seq 60); do
  state=$(sinfo -h -n localhost -o %T 2>/dev/null)
  [ "$state" = idle ] && break
  sleep 1
done
[ "$state" = idle ] || die "node localhost not idle after 60 s (state '$state'; see $WORK/log/)"
srun -N1 -n1 --mem=100 -t 1 true || die "srun test job failed"
log "SLURM $SLURM_VERSION up: $(sinfo -h -o '%P %D %T %c CPUs %m MB')"
listen=""
if command -v ss >/dev/null; then
  listen=$(ss -Hltn "( sport = :$PORT or sport = :$((PORT + 1)) )" | awk '{print $4}' | sort -u | paste -sd' ')
fi
if [ -z "$listen" ]; then
  record PASS "SLURM $SLURM_VERSION controller and node up on 127.0.0.1 (srun test job ran)"
elif ! grep -qvE '^(127\.[0-9.]+|\[::1\]):[0-9]+$' <<<"$(tr ' ' '\n' <<<"$listen" | sed '/^$/d')"; then
  record PASS "SLURM $SLURM_VERSION controller and node up, listening on loopback only ($listen); srun test job ran"
else
  record FAIL "SLURM daemons listen beyond loopback: $listen"
fi

# --- helpers ---------------------------------------------------------------------------
export PATH="$VENV/bin:$PATH"
unset SLURM_CONF

make_copy() {  # make_copy DIR: HEAD of the checkout plus the working tree's changes
  git clone -q --shared "$REPO" "$1" || return 1
  (cd "$REPO" && git ls-files -z -co --exclude-standard | tar --null -T - -cf -) \
    | tar -xf - -C "$1" || return 1
  (cd "$REPO" && git ls-files -z -d) | (cd "$1" && xargs -0 -r rm -f)
}

run_snakemake() {  # run_snakemake DIR LOGFILE ARGS...: runs with a time limit, returns rc
  local dir=$1 logf=$2 rc
  shift 2
  log "snakemake $* (in $dir)"
  (cd "$dir" && exec snakemake "$@") >"$logf" 2>&1 &
  SNAKEMAKE_PID=$!
  local waited=0
  while kill -0 "$SNAKEMAKE_PID" 2>/dev/null; do
    if [ "$waited" -ge "$RUN_TIMEOUT" ]; then
      log "snakemake ran past $RUN_TIMEOUT s; interrupting it"
      kill -INT "$SNAKEMAKE_PID"; sleep 20; kill "$SNAKEMAKE_PID" 2>/dev/null
      break
    fi
    sleep 2; waited=$((waited + 2))
  done
  wait "$SNAKEMAKE_PID"; rc=$?
  SNAKEMAKE_PID=""
  log "snakemake exited with $rc after ${waited} s (log: $logf)"
  return $rc
}

# cancel_one_running_job MIN_SECONDS OUTFILE: in the background, waits for a job that has
# been running for MIN_SECONDS, scancels it and writes its id to OUTFILE.
cancel_one_running_job() {
  local min=$1 out=$2
  (
    for _ in $(seq 600); do
      while IFS='|' read -r id elapsed; do
        [ -n "$id" ] || continue
        secs=$(awk -F: '{s=0; for (i=1;i<=NF;i++) s=s*60+$i; print s}' <<<"${elapsed%%-*}")
        if [ "$secs" -ge "$min" ]; then
          scancel "$id" && echo "$id" >"$out"
          exit 0
        fi
      done < <(squeue -h -t RUNNING -o '%i|%M' 2>/dev/null)
      sleep 1
    done
  ) &
}

# What snakemake shows for a cancelled SLURM job: the plugin's message for a single job;
# for a bundle (group job) snakemake prints the SLURM log instead (show-failed-logs), whose
# slurmstepd line names the job and its state.
cancel_pattern() {
  echo "SLURM-job '$1' failed, SLURM status is: 'CANCELLED'|\\*\\*\\* JOB $1 ON [^ ]+ CANCELLED AT [^ ]+"
}

list_nc() { (cd "$1" && find data -name '*.nc' -type f | LC_ALL=C sort); }

compare_nc() {  # compare_nc DIR_A DIR_B LABEL
  local a=$1 b=$2 label=$3 n=0 differ=() f
  if ! diff <(list_nc "$a") <(list_nc "$b") >"$WORK/nc-list.diff"; then
    record FAIL "$label: the two runs wrote different sets of netCDF files ($(wc -l <"$WORK/nc-list.diff") lines of diff)"
    return 1
  fi
  while IFS= read -r f; do
    n=$((n + 1))
    cmp -s "$a/$f" "$b/$f" || differ+=("$f")
  done < <(list_nc "$a")
  if [ "$n" -eq 0 ]; then
    record FAIL "$label: no netCDF files under data/"
  elif [ ${#differ[@]} -eq 0 ]; then
    record PASS "$label: all $n netCDF files under data/ bit-identical (cmp)"
  else
    record FAIL "$label: ${#differ[@]} of $n netCDF files differ: ${differ[*]:0:5}"
  fi
}

SLURM_ARGS=(--profile profiles/slurm --configfile "$CONFIG" --slurm-status-command squeue
            --slurm-init-seconds-before-status-checks 5)
LOCAL_ARGS=(--profile profiles/local --configfile "$CONFIG" --cores "$NODE_CPUS")
# shellcheck disable=SC2206
TARGET_ARGS=($TARGETS)

make_copy "$WORK/slurm-run" || die "could not copy the checkout"
make_copy "$WORK/local-run" || die "could not copy the checkout"
# Job counts of a dry run (its table goes to stderr, and is printed twice).
planned() {  # planned DIR PATTERN TARGETS...: number of planned jobs of rules matching PATTERN
  local dir=$1 pat=$2
  shift 2
  (cd "$dir" && snakemake -n -q rules --rerun-incomplete --configfile "$CONFIG" -- "$@" 2>&1) \
    | awk -v pat="$pat" '$1 ~ pat && NF == 2 && $2 ~ /^[0-9]+$/ && !seen[$1]++ {n += $2} END {print n + 0}'
}
n_sampling=$(planned "$WORK/slurm-run" '^sample_' "${TARGET_ARGS[@]}")
log "copies ready; $n_sampling sampling jobs in the plan"

# --- A: SLURM run (one job cancelled on the way; retries must cover it) -----------------
t0=$(date +%s)
if ! skipped kill-retry; then
  cancel_one_running_job 10 "$WORK/cancelled-A"
  CANCELLER=$!
fi
run_snakemake "$WORK/slurm-run" "$WORK/A-slurm.log" "${SLURM_ARGS[@]}" -- "${TARGET_ARGS[@]}"
rc=$?
[ -n "${CANCELLER:-}" ] && { kill "$CANCELLER" 2>/dev/null; wait "$CANCELLER" 2>/dev/null; }
T_SLURM=$(( $(date +%s) - t0 ))
n_submitted=$(grep -c "has been submitted with SLURM jobid" "$WORK/A-slurm.log")
if [ $rc -eq 0 ]; then
  record PASS "A: smoke workflow through profiles/slurm finished (${T_SLURM} s, $n_submitted sbatch submissions)"
else
  record FAIL "A: snakemake --profile profiles/slurm exited with $rc (see log below)"
  tail -40 "$WORK/A-slurm.log"
fi
if ! skipped kill-retry; then
  if [ -s "$WORK/cancelled-A" ]; then
    jid=$(cat "$WORK/cancelled-A")
    # The Snakemake job (or group) that SLURM job $jid ran, and how often it was submitted.
    smk_job=$(grep -o "Job [^ ]* has been submitted with SLURM jobid $jid " "$WORK/A-slurm.log" \
      | awk '{print $2}' | head -1)
    n_sub=0
    [ -n "$smk_job" ] && n_sub=$(grep -c "Job $smk_job has been submitted with SLURM jobid" "$WORK/A-slurm.log")
    if [ $rc -eq 0 ] && grep -Eq "$(cancel_pattern "$jid")" "$WORK/A-slurm.log" && [ "$n_sub" -ge 2 ]; then
      record PASS "A: SLURM job $jid cancelled mid-run: reported (\"$(grep -Eo -m1 "$(cancel_pattern "$jid")" "$WORK/A-slurm.log")\") and re-submitted by restart-times ($n_sub submissions), the run still succeeded"
    else
      record FAIL "A: SLURM job $jid cancelled mid-run was not reported and re-submitted as expected ($n_sub submissions of '$smk_job')"
    fi
  else
    record FAIL "A: no SLURM job ran for 10 s, none was cancelled to test retries"
  fi
fi
n_groups=$(grep "has been submitted with SLURM jobid" "$WORK/A-slurm.log" | grep -c "group_sampling")
if [ "$n_sampling" -gt 1 ] && [ "$n_groups" -gt 0 ] && [ "$n_groups" -lt "$n_sampling" ]; then
  record PASS "A: $n_sampling sampling jobs were bundled into $n_groups SLURM submissions (group 'sampling', retries included)"
elif [ "$n_sampling" -gt 1 ]; then
  record FAIL "A: sampling jobs not bundled ($n_sampling jobs, $n_groups group submissions)"
fi

# --- B: local run ----------------------------------------------------------------------
t0=$(date +%s)
run_snakemake "$WORK/local-run" "$WORK/B-local.log" "${LOCAL_ARGS[@]}" -- "${TARGET_ARGS[@]}"
rc=$?
T_LOCAL=$(( $(date +%s) - t0 ))
if [ $rc -eq 0 ]; then
  record PASS "B: same config through profiles/local finished (${T_LOCAL} s)"
else
  record FAIL "B: snakemake --profile profiles/local exited with $rc"
  tail -40 "$WORK/B-local.log"
fi

# --- C: bit-identical netCDF -----------------------------------------------------------
compare_nc "$WORK/slurm-run" "$WORK/local-run" "C: SLURM run vs local run"

# --- D: bad cluster input --------------------------------------------------------------
RUN_NAME=$(awk '/^run:/ {print $2}' "$REPO/$CONFIG")
if ! skipped bad-input; then
  # Reduce jobs are submitted (not local): force one to be re-run with a bad partition.
  run_snakemake "$WORK/slurm-run" "$WORK/D-partition.log" "${SLURM_ARGS[@]}" \
    --forcerun reduce_monte_carlo --restart-times 0 \
    --default-resources slurm_partition=nosuchpartition mem_mb=1000 runtime=10 \
    -- "data/$RUN_NAME/ntk_stats_fnn.nc"
  rc=$?
  if [ $rc -ne 0 ] && grep -q "SLURM sbatch failed" "$WORK/D-partition.log" \
     && grep -q "invalid partition specified: nosuchpartition" "$WORK/D-partition.log" \
     && grep -q -- "-p nosuchpartition" "$WORK/D-partition.log"; then
    msg=$(grep -m1 -o "sbatch: error: invalid partition specified: [A-Za-z0-9_]*" "$WORK/D-partition.log")
    record PASS "D: unknown partition fails the run (rc $rc): \"SLURM sbatch failed. The error message was '$msg ...'\" and the sbatch call with '-p nosuchpartition'"
  else
    record FAIL "D: unknown partition did not surface as a clear sbatch error (rc $rc)"
    tail -30 "$WORK/D-partition.log"
  fi
  big=$(( REAL_MEMORY * 4 ))
  run_snakemake "$WORK/slurm-run" "$WORK/D-memory.log" "${SLURM_ARGS[@]}" \
    --forcerun reduce_monte_carlo --restart-times 0 \
    --set-resources "reduce_monte_carlo:mem_mb=$big" \
    -- "data/$RUN_NAME/ntk_stats_fnn.nc"
  rc=$?
  if [ $rc -ne 0 ] && grep -q "SLURM sbatch failed" "$WORK/D-memory.log" \
     && grep -q "sbatch: error: Memory specification can not be satisfied" "$WORK/D-memory.log" \
     && grep -q -- "--mem $big" "$WORK/D-memory.log"; then
    record PASS "D: memory above RealMemory ($big MB) fails the run (rc $rc): \"SLURM sbatch failed. The error message was 'sbatch: error: Memory specification can not be satisfied ...'\" and the call with '--mem $big'"
  else
    record FAIL "D: memory above the node's RealMemory did not surface as a clear sbatch error (rc $rc)"
    tail -30 "$WORK/D-memory.log"
  fi
fi

# --- E: a job killed by the scheduler, then a re-run -----------------------------------
if ! skipped resume; then
  E_TARGET="data/$RUN_NAME/ntk_stats_fnn.nc"
  # Start the FNN half again from scratch: delete its samples and its reduction.
  find "$WORK/slurm-run/data/$RUN_NAME/samples/fnn" -name '*.nc' -delete 2>/dev/null
  rm -f "$WORK/slurm-run/$E_TARGET"
  n_before=$(planned "$WORK/slurm-run" '^total$' "$E_TARGET")
  cancel_one_running_job 5 "$WORK/cancelled-E"
  CANCELLER=$!
  run_snakemake "$WORK/slurm-run" "$WORK/E-killed.log" "${SLURM_ARGS[@]}" --restart-times 0 \
    -- "$E_TARGET"
  rc=$?
  kill "$CANCELLER" 2>/dev/null; wait "$CANCELLER" 2>/dev/null
  jid=$(cat "$WORK/cancelled-E" 2>/dev/null)
  if [ -n "$jid" ] && [ $rc -ne 0 ] && grep -Eq "$(cancel_pattern "$jid")" "$WORK/E-killed.log"; then
    record PASS "E: SLURM job $jid killed with scancel fails the run (rc $rc), the error shows: \"$(grep -Eo -m1 "$(cancel_pattern "$jid")" "$WORK/E-killed.log")\""
  else
    record FAIL "E: killed SLURM job '${jid:-none}' did not fail the run with a clear message (rc $rc)"
    tail -30 "$WORK/E-killed.log"
  fi
  # Outputs that survived the failed run, with their modification times.
  (cd "$WORK/slurm-run" && find "data/$RUN_NAME/samples/fnn" -name '*.nc' -printf '%p %T@\n' \
    | LC_ALL=C sort) >"$WORK/E-survivors.txt"
  n_left=$(planned "$WORK/slurm-run" '^total$' "$E_TARGET")
  run_snakemake "$WORK/slurm-run" "$WORK/E-resume.log" "${SLURM_ARGS[@]}" -- "$E_TARGET"
  rc=$?
  (cd "$WORK/slurm-run" && find "data/$RUN_NAME/samples/fnn" -name '*.nc' -printf '%p %T@\n' \
    | LC_ALL=C sort) >"$WORK/E-after.txt"
  n_kept=$(join "$WORK/E-survivors.txt" "$WORK/E-after.txt" | awk '$2 == $3' | wc -l)
  n_surv=$(wc -l <"$WORK/E-survivors.txt")
  if [ $rc -eq 0 ] && [ "$n_surv" -gt 0 ] && [ "$n_kept" -eq "$n_surv" ] \
     && [ -n "$n_left" ] && [ -n "$n_before" ] && [ "$n_left" -lt "$n_before" ]; then
    record PASS "E: re-run picked up where it stopped: $n_left of $n_before jobs left to run, the $n_surv sample files written before the kill untouched"
  else
    record FAIL "E: re-run did not pick up where it stopped (rc $rc; jobs left $n_left of $n_before; $n_kept of $n_surv earlier files untouched)"
    tail -30 "$WORK/E-resume.log"
  fi
  compare_nc "$WORK/slurm-run" "$WORK/local-run" "E: after the resumed SLURM run vs local run"
fi

exit 0
