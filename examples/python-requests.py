"""Python `requests`, unchanged, against AIThriving's and Aitubo's real URLs; the emulator answers.

    imagegen-emulators serve --proxy &          # the emulator, with its HTTPS proxy, on :4000
    eval "$(imagegen-emulators env)"            # HTTPS_PROXY, REQUESTS_CA_BUNDLE, ... for this shell
    python3 examples/python-requests.py

requests reads HTTPS_PROXY and REQUESTS_CA_BUNDLE from the environment: no code change.
"""

import base64
import os

import requests

KEY = os.environ.get("AITHRIVING_API_KEY", "example-key-0002")

# Synchronous generation: the image comes back as base64 in the answer.
res = requests.post(
    "https://www.aithriving.com/api/generate/core",
    headers={"Authorization": KEY, "Content-Type": "application/json"},
    json={"prompt": "a lighthouse at dusk", "aspect_ratio": "1:1"},
    timeout=30,
)
res.raise_for_status()
body = res.json()
image = base64.b64decode(body["data"]["image"])
print("aithriving", res.status_code, "png" if image[:4] == b"\x89PNG" else "not png", len(image), "bytes")

profile = requests.get(
    "https://api.aitubo.ai/api/user/profile",
    headers={"Authorization": "Bearer " + os.environ.get("AITUBO_API_KEY", "example-key-0001")},
    timeout=30,
)
print("aitubo", profile.status_code, profile.json()["data"]["credit"])
