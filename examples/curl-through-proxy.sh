#!/bin/sh
# curl, unchanged, against Aitubo's real URL; the emulator's proxy answers it.
#
#   imagegen-emulators serve --proxy &          # the emulator, with its HTTPS proxy, on :4000
#   eval "$(imagegen-emulators env)"            # HTTPS_PROXY, CURL_CA_BUNDLE, ... for this shell
#   sh examples/curl-through-proxy.sh
#
# Hosts that are not emulated are refused by the proxy (403), so nothing here reaches the internet.
set -eu
curl --silent --show-error --fail \
  --proxy "${HTTPS_PROXY:-http://127.0.0.1:4000}" \
  --cacert "${NODE_EXTRA_CA_CERTS:?run: eval \"\$(imagegen-emulators env)\"}" \
  -H "Authorization: Bearer ${AITUBO_API_KEY:-example-key-0001}" \
  https://api.aitubo.ai/api/user/profile
echo
