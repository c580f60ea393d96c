#!/usr/bin/env python3
"""Writes the openAPIV3Schema of each served version of the given CustomResourceDefinitions
as <kind>-<group>-<version>.json next to this file, so k3s/validate checks custom resources
offline. Usage: extract.py CRD.yaml [CRD.yaml ...] (the operators' release CRD files, see
README.md for the versions vendored)."""
import json
import os
import sys

import yaml

here = os.path.dirname(os.path.abspath(__file__))
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        for doc in yaml.safe_load_all(f):
            if not doc or doc.get("kind") != "CustomResourceDefinition":
                continue
            spec = doc["spec"]
            kind, group = spec["names"]["kind"], spec["group"]
            for version in spec["versions"]:
                if not version.get("served"):
                    continue
                schema = version["schema"]["openAPIV3Schema"]
                name = f"{kind.lower()}-{group}-{version['name']}.json"
                with open(os.path.join(here, name), "w", encoding="utf-8") as out:
                    json.dump(schema, out, indent=1, sort_keys=True)
                    out.write("\n")
                print(f"wrote {name}")
