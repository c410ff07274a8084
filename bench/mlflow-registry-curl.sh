#!/usr/bin/env bash
# Drives Keel's MLflow-compatible MODEL REGISTRY with raw curl calls whose paths, methods and JSON
# bodies follow MLflow's own REST API reference (mlflow/protos/model_registry.proto, from which
# mlflow.org's "REST API" page is generated) and its artifacts proxy (`mlflow server
# --serve-artifacts`). The npm `mlflow` client that bench/tracking-mlflow-client.ts uses has no
# registry calls; this is the registry's outside-client check.
#
# It starts `npx keel server` on a fresh temporary KEEL_HOME (SQLite), waits for /healthz, runs a new
# user's registry session, checks each answer with jq against what MLflow documents, prints
# PASS/FAIL per check and a total, and exits non-zero on any FAIL. The server and the temporary
# directory are removed on exit.
#
# Run: bash bench/mlflow-registry-curl.sh          (needs curl and jq)
#      KEEL_URL=http://host:port bash bench/mlflow-registry-curl.sh   (against a running server)
set -uo pipefail
cd "$(dirname "$0")/.."

for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }
done

ONNX=src/serving/testdata/torch-mlp.onnx # a small real ONNX model (an MLP exported by torch)
[[ -f $ONNX ]] || { echo "missing $ONNX" >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/keel-registry-curl-XXXXXX")
SERVER_PID=''
cleanup() {
  # setsid made the server its own process group: end npx and the node it started together.
  if [[ -n $SERVER_PID ]]; then
    kill -TERM -- "-$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ -n ${KEEL_URL:-} ]]; then
  BASE=${KEEL_URL%/}
else
  PORT=${PORT:-$((20000 + RANDOM % 20000))}
  BASE="http://127.0.0.1:$PORT"
  # A fresh embedded store: no database URL or artifact directory from the caller's environment.
  unset KEEL_DATABASE_URL KEEL_ARTIFACTS_DIR
  KEEL_HOME="$TMP/home" setsid npx keel server --host 127.0.0.1 --port "$PORT" --no-monitors >"$TMP/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 120); do
    curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "keel server exited:" >&2; cat "$TMP/server.log" >&2; exit 2; }
    sleep 0.5
  done
  curl -fsS "$BASE/healthz" >/dev/null || { echo "keel server did not answer /healthz within 60 s" >&2; cat "$TMP/server.log" >&2; exit 2; }
fi
echo "keel server at $BASE"

PASSED=0
FAILED=0
BODY=''
STATUS=''

# call METHOD PATH [JSON]: a request with a JSON body (POST, PATCH, DELETE); sets BODY and STATUS.
call() {
  local out
  if [[ $# -ge 3 ]]; then
    out=$(curl -sS -X "$1" "$BASE$2" -H 'Content-Type: application/json' -d "$3" -w '\n%{http_code}')
  else
    out=$(curl -sS -X "$1" "$BASE$2" -w '\n%{http_code}')
  fi
  STATUS=${out##*$'\n'}
  BODY=${out%$'\n'*}
}

# get PATH [key=value ...]: a GET with its parameters in the query string, as MLflow sends them.
get() {
  local path=$1 out
  shift
  local args=()
  for kv in "$@"; do args+=(--data-urlencode "$kv"); done
  out=$(curl -sS -G "$BASE$path" "${args[@]}" -w '\n%{http_code}')
  STATUS=${out##*$'\n'}
  BODY=${out%$'\n'*}
}

# check WHAT STATUS JQ_EXPR: the last answer had this HTTP status and the jq expression is true on it.
check() {
  local what=$1 want=$2 expr=$3
  if [[ $STATUS == "$want" ]] && jq -e "$expr" >/dev/null 2>&1 <<<"$BODY"; then
    PASSED=$((PASSED + 1))
    echo "PASS  $what"
  else
    FAILED=$((FAILED + 1))
    echo "FAIL  $what"
    echo "      expected HTTP $want and: $expr"
    echo "      got HTTP $STATUS: $(head -c 400 <<<"$BODY")"
  fi
}

API=/api/2.0/mlflow
STAMP=$(date +%s)-$$
MODEL="curl-fraud-$STAMP"
OTHER="curl-churn-$STAMP"

# --- tracking: an experiment and a run that logs an ONNX model through the artifacts proxy -------
call POST $API/experiments/create "{\"name\": \"registry-curl-$STAMP\"}"
check 'experiments/create returns experiment_id' 200 '.experiment_id | type == "string" and length > 0'
EXP=$(jq -r .experiment_id <<<"$BODY")

call POST $API/runs/create "{\"experiment_id\": \"$EXP\", \"start_time\": $(date +%s)000, \"run_name\": \"train\"}"
check 'runs/create returns run.info.run_id and an mlflow-artifacts artifact_uri' 200 \
  ".run.info.run_id | length > 0"
RUN=$(jq -r .run.info.run_id <<<"$BODY")
ARTIFACT_URI=$(jq -r .run.info.artifact_uri <<<"$BODY")
check 'run artifact_uri is mlflow-artifacts:/<experiment>/<run>/artifacts' 200 \
  ".run.info.artifact_uri == \"mlflow-artifacts:/$EXP/$RUN/artifacts\""

out=$(curl -sS -X PUT "$BASE/api/2.0/mlflow-artifacts/artifacts/$EXP/$RUN/artifacts/model/model.onnx" \
  -H 'Content-Type: application/octet-stream' --data-binary "@$ONNX" -w '\n%{http_code}')
STATUS=${out##*$'\n'}
BODY=${out%$'\n'*}
check 'mlflow-artifacts PUT uploads model/model.onnx' 200 '. == {}'

get /api/2.0/mlflow-artifacts/artifacts "path=$EXP/$RUN/artifacts/model"
check 'mlflow-artifacts list shows model.onnx with its size' 200 \
  "[.files[] | select(.path == \"model.onnx\" and .is_dir == false and (.file_size | tonumber) == $(stat -c %s "$ONNX"))] | length == 1"

# --- registered-models/create with tags and description --------------------------------------
call POST $API/registered-models/create "{\"name\": \"$MODEL\", \"tags\": [{\"key\": \"team\", \"value\": \"risk\"}, {\"key\": \"task\", \"value\": \"classification\"}], \"description\": \"card fraud scorer\"}"
check 'registered-models/create returns the model with name, description, tags' 200 \
  ".registered_model.name == \"$MODEL\" and .registered_model.description == \"card fraud scorer\"
   and (.registered_model.tags | sort_by(.key)) == [{\"key\":\"task\",\"value\":\"classification\"},{\"key\":\"team\",\"value\":\"risk\"}]
   and (.registered_model.creation_timestamp | type == \"number\")"

# --- model-versions/create from runs:/ and from the mlflow-artifacts URI ---------------------
call POST $API/model-versions/create "{\"name\": \"$MODEL\", \"source\": \"runs:/$RUN/model\", \"run_id\": \"$RUN\", \"tags\": [{\"key\": \"framework\", \"value\": \"torch\"}], \"description\": \"first cut\"}"
check 'model-versions/create (runs:/ source) returns version "1", stage None, READY' 200 \
  ".model_version.name == \"$MODEL\" and .model_version.version == \"1\" and .model_version.current_stage == \"None\"
   and .model_version.status == \"READY\" and .model_version.run_id == \"$RUN\" and .model_version.source == \"runs:/$RUN/model\"
   and .model_version.description == \"first cut\" and .model_version.tags == [{\"key\":\"framework\",\"value\":\"torch\"}]
   and .model_version.aliases == []"

call POST $API/model-versions/create "{\"name\": \"$MODEL\", \"source\": \"$ARTIFACT_URI/model\", \"run_id\": \"$RUN\"}"
check 'model-versions/create (mlflow-artifacts source) returns version "2"' 200 \
  ".model_version.version == \"2\" and .model_version.source == \"$ARTIFACT_URI/model\" and .model_version.run_id == \"$RUN\""

get $API/model-versions/get "name=$MODEL" version=1
check 'model-versions/get returns version "1" with its source and run_id' 200 \
  ".model_version.name == \"$MODEL\" and .model_version.version == \"1\" and .model_version.run_id == \"$RUN\""

# --- aliases: set, resolve, move, delete ------------------------------------------------------
call POST $API/registered-models/alias "{\"name\": \"$MODEL\", \"alias\": \"champion\", \"version\": \"1\"}"
check 'registered-models/alias POST sets champion -> 1 (empty answer)' 200 '. == {}'

get $API/registered-models/alias "name=$MODEL" alias=champion
check 'registered-models/alias GET resolves champion to version "1", aliases ["champion"]' 200 \
  '.model_version.version == "1" and .model_version.aliases == ["champion"]'

get $API/registered-models/get "name=$MODEL"
check 'registered-models/get lists aliases [{alias, version}]' 200 \
  '.registered_model.aliases == [{"alias":"champion","version":"1"}]'

call POST $API/registered-models/alias "{\"name\": \"$MODEL\", \"alias\": \"champion\", \"version\": \"2\"}"
get $API/registered-models/alias "name=$MODEL" alias=champion
check 'moving champion to 2 resolves to version "2"' 200 '.model_version.version == "2" and .model_version.aliases == ["champion"]'

get $API/model-versions/get "name=$MODEL" version=1
check 'version 1 no longer carries the moved alias' 200 '.model_version.aliases == []'

call DELETE $API/registered-models/alias "{\"name\": \"$MODEL\", \"alias\": \"champion\"}"
check 'registered-models/alias DELETE (empty answer)' 200 '. == {}'

get $API/registered-models/alias "name=$MODEL" alias=champion
check 'a deleted alias no longer resolves: 404 RESOURCE_DOES_NOT_EXIST' 404 '.error_code == "RESOURCE_DOES_NOT_EXIST"'

# --- stages: transition-stage with archive_existing_versions, get-latest-versions -----------
call POST $API/model-versions/transition-stage "{\"name\": \"$MODEL\", \"version\": \"1\", \"stage\": \"Production\", \"archive_existing_versions\": false}"
check 'transition-stage 1 -> Production' 200 '.model_version.version == "1" and .model_version.current_stage == "Production"'

call POST $API/model-versions/transition-stage "{\"name\": \"$MODEL\", \"version\": \"2\", \"stage\": \"Production\", \"archive_existing_versions\": true}"
check 'transition-stage 2 -> Production with archive_existing_versions' 200 '.model_version.version == "2" and .model_version.current_stage == "Production"'

get $API/model-versions/get "name=$MODEL" version=1
check 'archive_existing_versions moved version 1 to Archived' 200 '.model_version.current_stage == "Archived"'

call POST $API/registered-models/get-latest-versions "{\"name\": \"$MODEL\", \"stages\": [\"Production\"]}"
check 'get-latest-versions (POST, stages [Production]) returns version "2" only' 200 \
  '[.model_versions[] | {version, current_stage}] == [{"version":"2","current_stage":"Production"}]'

get $API/registered-models/get-latest-versions "name=$MODEL"
check 'get-latest-versions (GET, no stages) returns the latest of each stage' 200 \
  '[.model_versions[] | {version, current_stage}] | sort_by(.version) == [{"version":"1","current_stage":"Archived"},{"version":"2","current_stage":"Production"}]'

get $API/registered-models/get "name=$MODEL"
check 'registered-models/get latest_versions has one version per stage' 200 \
  '[.registered_model.latest_versions[] | .current_stage] | sort == ["Archived","Production"]'

get $API/registered-models/get-latest-versions "name=$MODEL" stages=Production
check 'get-latest-versions (GET, stages=Production in the query string) returns version "2"' 200 \
  '[.model_versions[] | .version] == ["2"]'

# --- search with filters and pages ------------------------------------------------------------
call POST $API/registered-models/create "{\"name\": \"$OTHER\"}"
check 'registered-models/create a second model' 200 ".registered_model.name == \"$OTHER\""

get $API/registered-models/search "filter=name LIKE 'curl-%-$STAMP'" max_results=1
check 'registered-models/search name LIKE, max_results=1: one model and a next_page_token' 200 \
  '(.registered_models | length) == 1 and (.next_page_token | type == "string" and length > 0)'
FIRST=$(jq -r '.registered_models[0].name' <<<"$BODY")
TOKEN=$(jq -r '.next_page_token // ""' <<<"$BODY")

get $API/registered-models/search "filter=name LIKE 'curl-%-$STAMP'" max_results=1 "page_token=$TOKEN"
check 'registered-models/search page 2 holds the other model and ends the pages' 200 \
  "(.registered_models | length) == 1 and .registered_models[0].name != \"$FIRST\" and (.registered_models[0].name == \"$MODEL\" or .registered_models[0].name == \"$OTHER\") and (.next_page_token // \"\") == \"\""

get $API/registered-models/search "filter=name = '$MODEL'"
check 'registered-models/search name = exact' 200 "[.registered_models[].name] == [\"$MODEL\"]"

get $API/model-versions/search "filter=run_id = '$RUN'"
check 'model-versions/search run_id = finds both versions' 200 \
  "[.model_versions[] | select(.name == \"$MODEL\") | .version] | sort == [\"1\",\"2\"]"

get $API/model-versions/search "filter=name = '$MODEL'" max_results=1
check 'model-versions/search name =, max_results=1: one version and a next_page_token' 200 \
  '(.model_versions | length) == 1 and (.next_page_token | type == "string" and length > 0)'
FIRSTV=$(jq -r '.model_versions[0].version' <<<"$BODY")
TOKEN=$(jq -r '.next_page_token // ""' <<<"$BODY")
get $API/model-versions/search "filter=name = '$MODEL'" max_results=1 "page_token=$TOKEN"
check 'model-versions/search page 2 holds the other version' 200 \
  "(.model_versions | length) == 1 and .model_versions[0].version != \"$FIRSTV\""

get $API/registered-models/search "filter=name LIKE 'curl-%-$STAMP'" "order_by=name DESC"
check 'registered-models/search order_by name DESC' 200 \
  "[.registered_models[].name] == [\"$MODEL\", \"$OTHER\"]"

get $API/model-versions/search "filter=name LIKE 'curl-fr%d-$STAMP'"
check 'model-versions/search name LIKE' 200 \
  "[.model_versions[] | .version] | sort == [\"1\",\"2\"]"

# --- update, download URI, rename -------------------------------------------------------------
call PATCH $API/model-versions/update "{\"name\": \"$MODEL\", \"version\": \"1\", \"description\": \"superseded by v2\"}"
check 'model-versions/update sets the description' 200 \
  '.model_version.version == "1" and .model_version.description == "superseded by v2"'

call PATCH $API/registered-models/update "{\"name\": \"$MODEL\", \"description\": \"card fraud scorer, v2 live\"}"
check 'registered-models/update sets the description' 200 '.registered_model.description == "card fraud scorer, v2 live"'

call POST $API/registered-models/set-tag "{\"name\": \"$MODEL\", \"key\": \"owner\", \"value\": \"ann\"}"
check 'registered-models/set-tag (empty answer)' 200 '. == {}'
call POST $API/model-versions/set-tag "{\"name\": \"$MODEL\", \"version\": \"2\", \"key\": \"validated\", \"value\": \"true\"}"
check 'model-versions/set-tag (empty answer)' 200 '. == {}'
get $API/model-versions/get "name=$MODEL" version=2
check 'the version tag is on version "2"' 200 '[.model_version.tags[] | select(.key == "validated") | .value] == ["true"]'
get $API/registered-models/get "name=$MODEL"
check 'the model tag is on the model' 200 '[.registered_model.tags[] | select(.key == "owner") | .value] == ["ann"]'

call POST $API/model-versions/transition-stage "{\"name\": \"$MODEL\", \"version\": \"1\", \"stage\": \"staging\", \"archive_existing_versions\": false}"
check 'transition-stage takes a stage name in any case and answers the canonical "Staging"' 200 '.model_version.current_stage == "Staging"'

get $API/model-versions/get-download-uri "name=$MODEL" version=1
# MLflow's SQL store answers storage_location, which is the source itself for a runs:/ source.
check 'model-versions/get-download-uri returns the version source as artifact_uri' 200 \
  ".artifact_uri == \"runs:/$RUN/model\""

call POST $API/registered-models/rename "{\"name\": \"$MODEL\", \"new_name\": \"$MODEL-v2\"}"
check 'registered-models/rename returns the renamed model' 200 ".registered_model.name == \"$MODEL-v2\""
get $API/model-versions/get "name=$MODEL-v2" version=2
check 'versions follow the rename' 200 ".model_version.name == \"$MODEL-v2\" and .model_version.current_stage == \"Production\""

# --- MLflow's errors ----------------------------------------------------------------------
get $API/registered-models/get "name=$MODEL"
check 'get the old name after rename: 404 RESOURCE_DOES_NOT_EXIST' 404 '.error_code == "RESOURCE_DOES_NOT_EXIST" and (.message | length > 0)'

get $API/registered-models/get "name=no-such-model-$STAMP"
check 'get an unknown model: 404 RESOURCE_DOES_NOT_EXIST' 404 '.error_code == "RESOURCE_DOES_NOT_EXIST" and (.message | length > 0)'

call POST $API/registered-models/create "{\"name\": \"$OTHER\"}"
check 'create a duplicate model: 400 RESOURCE_ALREADY_EXISTS' 400 '.error_code == "RESOURCE_ALREADY_EXISTS" and (.message | length > 0)'

call POST $API/model-versions/transition-stage "{\"name\": \"$MODEL-v2\", \"version\": \"1\", \"stage\": \"Prod\", \"archive_existing_versions\": false}"
check 'transition to an unknown stage: 400 INVALID_PARAMETER_VALUE' 400 '.error_code == "INVALID_PARAMETER_VALUE" and (.message | length > 0)'

call POST $API/model-versions/transition-stage "{\"name\": \"$MODEL-v2\", \"version\": \"1\", \"stage\": \"Archived\", \"archive_existing_versions\": true}"
check 'archive_existing_versions with a stage other than Staging/Production: 400 INVALID_PARAMETER_VALUE' 400 '.error_code == "INVALID_PARAMETER_VALUE"'

call POST $API/registered-models/alias "{\"name\": \"$MODEL-v2\", \"alias\": \"champion\", \"version\": \"42\"}"
check 'alias to an unknown version: 404 RESOURCE_DOES_NOT_EXIST' 404 '.error_code == "RESOURCE_DOES_NOT_EXIST"'

call POST $API/model-versions/create "{\"name\": \"no-such-model-$STAMP\", \"source\": \"runs:/$RUN/model\", \"run_id\": \"$RUN\"}"
check 'a version of an unknown model: 404 RESOURCE_DOES_NOT_EXIST' 404 '.error_code == "RESOURCE_DOES_NOT_EXIST"'

call POST $API/registered-models/rename "{\"name\": \"$MODEL-v2\", \"new_name\": \"$OTHER\"}"
check 'rename onto an existing name: 400 RESOURCE_ALREADY_EXISTS' 400 '.error_code == "RESOURCE_ALREADY_EXISTS"'

call POST $API/registered-models/create '{"description": "no name"}'
check 'create without the required name: 400 INVALID_PARAMETER_VALUE' 400 '.error_code == "INVALID_PARAMETER_VALUE" and (.message | test("name"))'

get $API/model-versions/get "name=$MODEL-v2" version=99
check 'get an unknown version: 404 RESOURCE_DOES_NOT_EXIST' 404 '.error_code == "RESOURCE_DOES_NOT_EXIST"'

# --- delete -----------------------------------------------------------------------------------
call DELETE $API/model-versions/delete "{\"name\": \"$MODEL-v2\", \"version\": \"1\"}"
check 'model-versions/delete (empty answer)' 200 '. == {}'
get $API/model-versions/get "name=$MODEL-v2" version=1
check 'a deleted version is gone: 404 RESOURCE_DOES_NOT_EXIST' 404 '.error_code == "RESOURCE_DOES_NOT_EXIST"'

for name in "$MODEL-v2" "$OTHER"; do
  call DELETE $API/registered-models/delete "{\"name\": \"$name\"}"
  check "registered-models/delete $name (empty answer)" 200 '. == {}'
done
get $API/registered-models/get "name=$MODEL-v2"
check 'a deleted model is gone: 404 RESOURCE_DOES_NOT_EXIST' 404 '.error_code == "RESOURCE_DOES_NOT_EXIST"'

echo
echo "$PASSED passed, $FAILED failed, $((PASSED + FAILED)) checks"
[[ $FAILED -eq 0 ]]
