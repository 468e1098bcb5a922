#!/usr/bin/env bash
# The Java client's suite, run by tests/clients.sh from this folder against its graphrpc
# (GRAPHRPC_TEST_ENDPOINT, the GRAPHRPC_TEST_TOKEN_* tokens, GRAPHRPC_BIN and the database's
# GRAPHRPC_TEST_NEO4J_* settings; see tests/clients.sh).
#   - Maven resolves every dependency and plugin at the versions pom.xml pins, from Maven
#     Central, into the default local repository (~/.m2, kept between runs; set
#     MAVEN_REPO_LOCAL to use another folder).
#   - The gRPC and protobuf classes are generated from ../../proto by protoc and
#     protoc-gen-grpc-java (pinned, from Maven Central) in every build, so they cannot be stale.
#   - The lint is the compiler's: javac -Xlint:all -Werror over main and test code.
#   - JUnit 5 tests against the real server; a missing setting or an unreachable server fails.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v mvn >/dev/null 2>&1 || ! command -v openssl >/dev/null 2>&1; then
  # The machine image has Java 17, Maven and openssl (TlsTest makes its certificates with
  # it); a bare one gets them from Debian.
  apt-get update -qq && apt-get install -y -qq maven openssl >/dev/null
fi

for variable in GRAPHRPC_TEST_ENDPOINT GRAPHRPC_TEST_TOKEN_WRITER GRAPHRPC_TEST_TOKEN_READER GRAPHRPC_BIN \
  GRAPHRPC_TEST_NEO4J_URI; do
  [ -n "${!variable:-}" ] || { echo "java: $variable is not set: run through tests/clients.sh" >&2; exit 1; }
done

maven=(mvn -B -q)
[ -n "${MAVEN_REPO_LOCAL:-}" ] && maven+=("-Dmaven.repo.local=$MAVEN_REPO_LOCAL")

status=0
"${maven[@]}" clean test || status=$?
# The install command of docs/clients/java.md (packages and installs the jar into ~/.m2).
[ "$status" -ne 0 ] || "${maven[@]}" install -DskipTests || status=$?

# Surefire's counts, as one closing line (mvn -q prints none of its own).
python3 - <<'PY' || status=1
import glob, sys, xml.etree.ElementTree as ET
total = failed = skipped = 0
for report in glob.glob("target/surefire-reports/TEST-*.xml"):
    suite = ET.parse(report).getroot()
    total += int(suite.get("tests", 0))
    failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    skipped += int(suite.get("skipped", 0))
print(f"java: {total - failed - skipped} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if total == 0 or skipped else 0)
PY
exit "$status"
