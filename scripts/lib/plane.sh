# Sourced by the scripts that need the local control plane for their duration:
#   start_plane DIR LOGFILE [components]  → exports MODELROLLOUT_PLANE, KUBECONFIG, DATABASE_URL
# The plane lives in a foreground process owned by the calling shell and stops on its EXIT.
start_plane() {
  local dir="$1" log="$2" components="${3:-kube,postgres,prometheus}"
  rm -f "$dir/plane.json" # a stale one from a killed run would look ready; its pid files stay for clean-up
  # node itself, not npx: stop_plane must signal, and wait for, the process that stops the parts.
  node --import tsx test/cluster/cli.ts up --foreground --dir "$dir" --components "$components" >"$log" 2>&1 &
  PLANE_PID=$!
  trap stop_plane EXIT
  for _ in $(seq 1 1200); do
    [[ -f "$dir/plane.json" ]] && break
    kill -0 "$PLANE_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [[ ! -f "$dir/plane.json" ]]; then
    cat "$log" >&2
    echo "the local control plane did not start" >&2
    return 1
  fi
  export MODELROLLOUT_PLANE="$PWD/$dir/plane.json"
  export KUBECONFIG="$PWD/$dir/kubeconfig"
  DATABASE_URL="$(node -e 'console.log(require(process.argv[1]).postgresUrl ?? "")' "$MODELROLLOUT_PLANE")"
  export DATABASE_URL
}

stop_plane() {
  if [[ -n "${PLANE_PID:-}" ]]; then
    kill -TERM "$PLANE_PID" 2>/dev/null && wait "$PLANE_PID" 2>/dev/null
    PLANE_PID=""
  fi
}
