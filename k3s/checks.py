#!/usr/bin/env python3
"""The offline checks behind k3s/validate. Each check prints one line per thing it looked at
and collects failures; the process exits 1 if there was any.

  checks.py manifests RENDERED_DIR      schemas (Kubernetes + vendored CRDs) and platform rules
  checks.py terraform TERRAFORM_DIR     every .tf parses (python-hcl2); variables documented
"""
import glob
import json
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
K8S_VERSION = "1.33.0"  # the Kubernetes minor that terraform/ installs (k3s v1.33)
SERVICES = ["command-service", "query-service", "order-service", "projector", "scheduler"]

failures = []


def ok(msg):
    print(f"  ok    {msg}")


def fail(msg):
    failures.append(msg)
    print(f"  FAIL  {msg}")


def check(cond, msg):
    ok(msg) if cond else fail(msg)
    return cond


# ------------------------------------------------------------------------------------------
# Schemas
# ------------------------------------------------------------------------------------------
def strict(schema):
    """CRD schemas leave unknown fields to the API server's pruning, which silently drops a
    misspelt field; close every object that lists its properties, as `kubectl --validate=strict`
    does for built-in kinds."""
    if isinstance(schema, dict):
        if (schema.get("type") == "object" and "properties" in schema
                and "additionalProperties" not in schema
                and not schema.get("x-kubernetes-preserve-unknown-fields")):
            schema = dict(schema, additionalProperties=False)
            schema["properties"] = dict(schema["properties"])
            schema["properties"].setdefault("apiVersion", {"type": "string"})
            schema["properties"].setdefault("kind", {"type": "string"})
        return {k: strict(v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [strict(v) for v in schema]
    return schema


def crd_schemas():
    schemas = {}
    for path in glob.glob(os.path.join(HERE, "schemas", "*.json")):
        kind, rest = os.path.basename(path)[:-5].split("-", 1)
        group, version = rest.rsplit("-", 1)
        with open(path, encoding="utf-8") as f:
            schemas[(f"{group}/{version}", kind)] = json.load(f)
    return schemas


def validate_documents(docs, label):
    import jsonschema
    import kubernetes_validate

    crds = crd_schemas()
    by_kind = {}
    for doc in docs:
        api, kind = doc.get("apiVersion", ""), doc.get("kind", "")
        name = f"{label}: {kind}/{doc.get('metadata', {}).get('name')}"
        key = (api, kind.lower())
        if key in crds:
            schema = strict(crds[key])
            errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
            if errors:
                for e in errors[:5]:
                    fail(f"{name}: {'/'.join(map(str, e.path))}: {e.message[:200]}")
            else:
                by_kind.setdefault(kind, 0)
                by_kind[kind] += 1
            continue
        try:
            kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
            by_kind.setdefault(kind, 0)
            by_kind[kind] += 1
        except kubernetes_validate.SchemaNotFoundError:
            fail(f"{name}: no schema for {api} {kind} (vendor its CRD into k3s/schemas)")
        except kubernetes_validate.ValidationError as e:
            fail(f"{name}: {'/'.join(map(str, e.path))}: {e.message[:200]}")
    ok(f"{label}: {sum(by_kind.values())} documents valid against Kubernetes {K8S_VERSION} "
       f"and CRD schemas ({', '.join(f'{v} {k}' for k, v in sorted(by_kind.items()))})")


# ------------------------------------------------------------------------------------------
# Platform rules on one rendered overlay
# ------------------------------------------------------------------------------------------
def find(docs, kind, name=None):
    return [d for d in docs if d.get("kind") == kind and (name is None or d["metadata"]["name"] == name)]


def one(docs, kind, name, label):
    found = find(docs, kind, name)
    if len(found) != 1:
        fail(f"{label}: expected one {kind}/{name}, found {len(found)}")
        return None
    return found[0]


def check_services(docs, label):
    env = one(docs, "ConfigMap", "boxoffice-env", label) or {"data": {}}
    check(env["data"].get("LISTEN_ADDR", "").startswith("0.0.0.0:"),
          f"{label}: services listen on 0.0.0.0 (LISTEN_ADDR={env['data'].get('LISTEN_ADDR')})")
    for svc in SERVICES:
        dep = one(docs, "Deployment", svc, label)
        if not dep:
            continue
        pod = dep["spec"]["template"]["spec"]
        c = next((c for c in pod["containers"] if c["name"] == svc), None)
        if not check(c is not None, f"{label}: {svc} has its container"):
            continue
        ready = c.get("readinessProbe", {}).get("httpGet", {}).get("path")
        live = c.get("livenessProbe", {}).get("httpGet", {}).get("path")
        res = c.get("resources", {})
        check(ready == "/ready" and live == "/health",
              f"{label}: {svc} readiness {ready}, liveness {live}")
        check({"requests", "limits"} <= set(res), f"{label}: {svc} has resource requests and limits")
        check(any(e.get("configMapRef", {}).get("name") == "boxoffice-env" for e in c.get("envFrom", [])),
              f"{label}: {svc} reads boxoffice-env")
        port = next((p["containerPort"] for p in c.get("ports", []) if p.get("name") == "http"), None)
        check(port == int(env["data"].get("LISTEN_ADDR", ":0").rsplit(":", 1)[1]),
              f"{label}: {svc} container port {port} matches LISTEN_ADDR")
        check(bool(find(docs, "PodDisruptionBudget", svc)), f"{label}: {svc} has a PodDisruptionBudget")
        hpa = find(docs, "HorizontalPodAutoscaler", svc)
        if check(bool(hpa), f"{label}: {svc} has a HorizontalPodAutoscaler"):
            kinds = {m["type"] for m in hpa[0]["spec"]["metrics"]}
            check("Resource" in kinds, f"{label}: {svc} scales on CPU")
            if svc == "projector":
                check("External" in kinds, f"{label}: projector also scales on consumer lag")
        check(bool(find(docs, "ServiceMonitor", svc)), f"{label}: {svc} has a ServiceMonitor")
        uses_pg = any(e.get("name") == "DATABASE_URL" for e in c.get("env", []))
        waits = any("boxoffice-migrate" in " ".join(i.get("command", [])) for i in pod.get("initContainers", []))
        check(waits == uses_pg, f"{label}: {svc} {'waits' if waits else 'does not wait'} for migrations"
                                f" ({'uses' if uses_pg else 'no'} PostgreSQL)")

    # A misspelt setting is silently ignored by the service: every name must be one it reads.
    sources = ""
    for path in glob.glob(os.path.join(ROOT, "*", "src", "**", "*.rs"), recursive=True):
        with open(path, encoding="utf-8") as f:
            sources += f.read()
    known = set(re.findall(r'env = "([A-Z0-9_]+)"', sources))
    names = set(env["data"])
    for svc in SERVICES:
        for dep in find(docs, "Deployment", svc):
            for c in dep["spec"]["template"]["spec"]["containers"]:
                names |= {e["name"] for e in c.get("env", [])}
    unknown = names - known
    check(not unknown, f"{label}: {len(names)} environment settings are all read by the services"
                       f"{' (unknown: ' + ', '.join(sorted(unknown)) + ')' if unknown else ''}")

    job = one(docs, "Job", "boxoffice-migrate", label)
    if job:
        spec = job["spec"]["template"]["spec"]
        order = [(c["image"].split("/")[-1].split(":")[0], c.get("args")) for c in
                 spec.get("initContainers", []) + spec["containers"]]
        check(order == [("command-service", ["migrate"]), ("order-service", ["migrate"]),
                        ("scheduler", ["migrate"])],
              f"{label}: migrations run command-service, order-service, then the scheduler ({order})")
    check(not find(docs, "Secret"), f"{label}: no Secret values in the manifests (referenced by name only)")


def check_redis(docs, label):
    cm = one(docs, "ConfigMap", "redis-config", label)
    if cm:
        m = re.search(r"^notify-keyspace-events\s+(\S+)", cm["data"]["redis.conf"], re.M)
        local = re.search(r"--notify-keyspace-events '([^']+)'",
                          open(os.path.join(ROOT, "devstack/lib/engines.sh"), encoding="utf-8").read())
        check(m and local and set(m.group(1)) == set(local.group(1)),
              f"{label}: Redis notify-keyspace-events {m.group(1) if m else None} as the local stack's "
              f"{local.group(1) if local else None}")


def check_ingress(docs, label):
    route = one(docs, "IngressRoute", "boxoffice", label)
    if not route:
        return
    routes = route["spec"]["routes"]
    nginx = open(os.path.join(ROOT, "devstack/proxy/nginx.conf.template"), encoding="utf-8").read()
    upstream_to_service = {"command_service": "command-service", "query_service": "query-service",
                           "order_service": "order-service"}
    for prefix, upstream in re.findall(r"location\s+(/api/[a-z-]+/)\s*\{[^}]*proxy_pass http://(\w+)", nginx):
        want = upstream_to_service[upstream]
        hit = [r for r in routes if f"PathPrefix(`{prefix}`)" in r["match"]]
        got = hit[0]["services"][0]["name"] if hit else None
        check(got == want, f"{label}: {prefix} routes to {got} as nginx routes it to {want}")
    sse = [r for r in routes if "PathRegexp" in r["match"] and "stream" in r["match"]]
    if check(len(sse) == 1, f"{label}: one SSE route ({sse[0]['match'] if sse else None})"):
        s = sse[0]["services"][0]
        check(s.get("responseForwarding", {}).get("flushInterval") == "-1" and s.get("serversTransport") == "sse",
              f"{label}: SSE route flushes every write and uses the long-timeout transport")
        check(re.search(r"location ~ \^/api/catalog/\.\*/stream\$", nginx) is not None
              and "^/api/catalog/.*/stream$" in sse[0]["match"],
              f"{label}: SSE path pattern matches nginx's")
        others = [r for r in routes if "PathPrefix(`/api/catalog/`)" in r["match"]]
        check(others and sse[0]["priority"] > others[0]["priority"],
              f"{label}: SSE route takes priority over /api/catalog/")
    for m in re.findall(r"location = (/api/[a-z-]+/openapi\.json)", nginx):
        check(any(f"Path(`{m}`)" in r["match"] for r in routes), f"{label}: {m} is routed")
    for r in routes:
        for mw in r.get("middlewares", []):
            check(bool(find(docs, "Middleware", mw["name"])), f"{label}: middleware {mw['name']} exists")
        for s in r["services"]:
            if s.get("kind") != "TraefikService":
                check(bool(find(docs, "Service", s["name"])), f"{label}: route target Service {s['name']} exists")
            if s.get("serversTransport"):
                check(bool(find(docs, "ServersTransport", s["serversTransport"])),
                      f"{label}: ServersTransport {s['serversTransport']} exists")


def parse_properties(path):
    """The subset debezium/kafka-connect/render.sh parses, with the same meaning."""
    props = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#!":
                continue
            key, value = re.match(r"([^=:\s]+)\s*[=:]\s*(.*)$", line).groups()
            value = re.sub(r"\\(.)", lambda e: {"t": "\t", "n": "\n"}.get(e.group(1), e.group(1)), value)
            props[key] = re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}", r"${env:\1}", value)
    return props


def check_connector(docs, label):
    props = parse_properties(os.path.join(ROOT, "debezium/connector.properties"))
    conn = one(docs, "KafkaConnector", props["name"], label)
    connect = find(docs, "KafkaConnect")
    if not conn or not check(len(connect) == 1, f"{label}: one KafkaConnect"):
        return
    connect = connect[0]
    spec = conn["spec"]
    want = {k: v for k, v in props.items() if k not in ("name", "connector.class", "tasks.max")}
    got = {k: str(v) for k, v in spec.get("config", {}).items()}
    diff = sorted(set(want.items()) ^ set(got.items()))
    check(not diff, f"{label}: KafkaConnector config equals debezium/connector.properties "
                    f"({len(want)} keys{'; differs: ' + str(diff[:4]) if diff else ''})")
    check(spec.get("class") == props["connector.class"] and str(spec.get("tasksMax")) == props.get("tasks.max", "1"),
          f"{label}: connector class {spec.get('class')}, tasksMax {spec.get('tasksMax')}")
    check(conn["metadata"].get("labels", {}).get("strimzi.io/cluster") == connect["metadata"]["name"],
          f"{label}: KafkaConnector belongs to KafkaConnect {connect['metadata']['name']}")
    check(connect["metadata"].get("annotations", {}).get("strimzi.io/use-connector-resources") == "true",
          f"{label}: KafkaConnect manages connectors as resources")
    cfg = connect["spec"].get("config", {})
    check(cfg.get("config.providers") == "env" and cfg.get("config.providers.env.class", "").endswith("EnvVarConfigProvider"),
          f"{label}: KafkaConnect resolves ${{env:...}} (EnvVarConfigProvider)")
    needed = set(re.findall(r"\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}", json.dumps(spec.get("config", {}))))
    given = {e["name"] for e in connect["spec"].get("template", {}).get("connectContainer", {}).get("env", [])}
    check(needed <= given, f"{label}: Connect has every variable the connector reads ({', '.join(sorted(needed))})")
    plugins = [a for p in connect["spec"].get("build", {}).get("plugins", []) for a in p["artifacts"]]
    check(any(a.get("artifact") == "debezium-connector-postgres" for a in plugins),
          f"{label}: Connect image carries the Debezium PostgreSQL plugin")


def check_monitoring(docs, label):
    sources = ""
    for path in glob.glob(os.path.join(ROOT, "*", "src", "**", "*.rs"), recursive=True):
        with open(path, encoding="utf-8") as f:
            sources += f.read()
    recorded = set(re.findall(r'metrics::(?:counter|gauge|histogram)!\(\s*"([a-z_]+)"', sources))
    # Names held in constants (query-service's live instruments).
    recorded |= set(re.findall(r'const [A-Z_]+: &str = "([a-z_]+)";', sources))
    exprs = []
    for cm in find(docs, "ConfigMap", "boxoffice-dashboards"):
        for name, text in cm["data"].items():
            board = json.loads(text)
            exprs += [(f"dashboard {name}", t["expr"]) for p in board["panels"] for t in p["targets"]]
    for rule in find(docs, "PrometheusRule"):
        exprs += [(f"alert {r['alert']}", r["expr"]) for g in rule["spec"]["groups"] for r in g["rules"]]
    builtin = {"up", "absent", "sum", "max", "min", "rate", "increase", "clamp_min", "by", "and"}
    unknown = set()
    for where, expr in exprs:
        # Every query selects its series with {...}; grouping labels (by (...)) are not metrics.
        for name in re.findall(r"\b([a-z_][a-z0-9_]*)\s*\{", re.sub(r"\bby \([^)]*\)", "", expr)):
            base = re.sub(r"_(sum|count)$", "", name)
            if name not in builtin and name not in recorded and base not in recorded:
                unknown.add(f"{where}: {name}")
    check(not unknown, f"{label}: {len(exprs)} dashboard/alert queries use only metrics the services record"
                       f"{'; unknown: ' + ', '.join(sorted(unknown)) if unknown else ''}")
    alerts = {r["alert"] for rule in find(docs, "PrometheusRule") for g in rule["spec"]["groups"] for r in g["rules"]}
    for a in ["ProjectorLagHigh", "ProjectorDeadLetters", "Http5xxRateHigh", "RedisFeedDown"]:
        check(a in alerts, f"{label}: alert {a} defined")
    boards = {n for cm in find(docs, "ConfigMap", "boxoffice-dashboards") for n in cm["data"]}
    check(boards == {f"{s}.json" for s in SERVICES}, f"{label}: one Grafana dashboard per service")


def check_realm(docs, label):
    realm_cm = [d for d in find(docs, "ConfigMap") if d["metadata"]["name"].startswith("keycloak-realm")]
    if not check(len(realm_cm) == 1, f"{label}: Keycloak realm import ConfigMap"):
        return
    realm = json.loads(realm_cm[0]["data"]["boxoffice-realm.json"])
    oidc = os.path.join(ROOT, "devstack/oidc")
    clients = json.load(open(os.path.join(oidc, "clients.json"), encoding="utf-8"))["clients"]
    users = json.load(open(os.path.join(oidc, "users.json"), encoding="utf-8"))["users"]
    local_roles = {r for u in users for r in u["roles"]} | {r for c in clients for r in c.get("roles", [])}
    default_role = realm.get("defaultRole", {}).get("name")
    realm_roles = {r["name"] for r in realm["roles"]["realm"]} - {default_role}
    check(realm_roles == local_roles, f"{label}: realm roles {sorted(realm_roles)} = local provider's {sorted(local_roles)}")
    by_id = {c["clientId"]: c for c in realm["clients"]}
    check(set(by_id) == {c["metadata"]["client_id"] for c in clients},
          f"{label}: realm clients {sorted(by_id)} = local provider's")
    sa_users = {u.get("serviceAccountClientId"): u for u in realm.get("users", [])}
    for entry in clients:
        meta = entry["metadata"]
        kc = by_id.get(meta["client_id"])
        if not kc:
            continue
        grants = set(meta["grant_types"])
        public = meta["token_endpoint_auth_method"] == "none"
        check(kc.get("publicClient", False) == public, f"{label}: {meta['client_id']} public={public}")
        check(kc.get("standardFlowEnabled", True) == ("authorization_code" in grants)
              and kc.get("serviceAccountsEnabled", False) == ("client_credentials" in grants)
              and not kc.get("implicitFlowEnabled", False) and not kc.get("directAccessGrantsEnabled", False),
              f"{label}: {meta['client_id']} flows match {sorted(grants)}")
        if public:
            check(kc.get("attributes", {}).get("pkce.code.challenge.method") == "S256",
                  f"{label}: {meta['client_id']} requires PKCE S256")
        paths = {re.sub(r"^https?://[^/]+", "", u) for u in meta["redirect_uris"]}
        kc_paths = {u.replace("${BOXOFFICE_PUBLIC_URL}", "") for u in kc.get("redirectUris", [])}
        check(paths == kc_paths, f"{label}: {meta['client_id']} redirect paths {sorted(kc_paths)}")
        if "client_credentials" in grants:
            sa = sa_users.get(meta["client_id"], {})
            check(set(sa.get("realmRoles", [])) == set(entry.get("roles", [])),
                  f"{label}: {meta['client_id']} service account roles {sa.get('realmRoles')}")
            check(kc.get("secret", "").startswith("${"), f"{label}: {meta['client_id']} secret comes from the environment")
    env = (one(docs, "ConfigMap", "boxoffice-env", label) or {"data": {}})["data"]
    mappers = [m for s in realm.get("clientScopes", []) for m in s.get("protocolMappers", [])]
    roles_claim = [m["config"]["claim.name"] for m in mappers if m["protocolMapper"] == "oidc-usermodel-realm-role-mapper"
                   and m["config"].get("access.token.claim") == "true"]
    check(roles_claim == [env.get("OIDC_ROLES_CLAIM")] == ["realm_access.roles"],
          f"{label}: access tokens carry realm roles at {roles_claim} (OIDC_ROLES_CLAIM {env.get('OIDC_ROLES_CLAIM')})")
    audiences = [m["config"]["included.custom.audience"] for m in mappers if m["protocolMapper"] == "oidc-audience-mapper"]
    server_js = open(os.path.join(oidc, "server.js"), encoding="utf-8").read()
    local_aud = re.search(r"OIDC_AUDIENCE \|\| '([^']+)'", server_js)
    check(audiences == [env.get("OIDC_AUDIENCE")] and local_aud and audiences == [local_aud.group(1)],
          f"{label}: access tokens carry audience {audiences} (services and local provider: {env.get('OIDC_AUDIENCE')})")
    scoped = set(realm.get("defaultDefaultClientScopes", []))
    for cid, kc in by_id.items():
        check({"roles", "api"} <= set(kc.get("defaultClientScopes", scoped)),
              f"{label}: {cid} tokens get the roles and api scopes")
    issuer = env.get("OIDC_ISSUER", "")
    kc_env = (one(docs, "ConfigMap", "keycloak-env", label) or {"data": {}})["data"]
    check(issuer == f"{kc_env.get('KC_HOSTNAME')}/realms/{realm['realm']}",
          f"{label}: OIDC_ISSUER {issuer} is Keycloak's issuer for realm {realm['realm']}")


def manifests(rendered_dir):
    for path in sorted(glob.glob(os.path.join(rendered_dir, "*.yaml"))):
        label = os.path.basename(path)[:-5]
        with open(path, encoding="utf-8") as f:
            docs = [d for d in yaml.safe_load_all(f) if d]
        print(f"{label}: {len(docs)} documents")
        validate_documents(docs, label)
        if label.startswith("overlay-"):
            check_services(docs, label)
            check_redis(docs, label)
            check_ingress(docs, label)
            check_connector(docs, label)
            check_monitoring(docs, label)
            check_realm(docs, label)


def unquote(value):
    """python-hcl2 keeps the quotes of block labels and string values."""
    return value[1:-1] if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"' else value


def terraform(tf_dir):
    """Parses every file, then checks what `terraform validate` would check without providers:
    variables are documented, every var./local./module. reference resolves, and every module
    call passes exactly the variables its module declares (all required ones included)."""
    import hcl2

    files = sorted(glob.glob(os.path.join(tf_dir, "**", "*.tf"), recursive=True))
    check(bool(files), f"terraform: {len(files)} .tf files found")
    dirs = {}
    for path in files:
        rel = os.path.relpath(path, ROOT)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            tree = hcl2.loads(text)
        except Exception as e:  # noqa: BLE001 - the parser raises several unrelated types
            fail(f"{rel}: does not parse: {str(e).splitlines()[0][:200]}")
            continue
        d = dirs.setdefault(os.path.dirname(path), {"vars": {}, "outputs": set(), "locals": set(),
                                                    "modules": {}, "text": ""})
        d["text"] += text
        undocumented = []
        for block in tree.get("variable", []):
            for name, body in block.items():
                name = unquote(name)
                d["vars"][name] = body
                if not body.get("description"):
                    undocumented.append(name)
        for block in tree.get("output", []):
            for name, body in block.items():
                name = unquote(name)
                d["outputs"].add(name)
                if not body.get("description"):
                    undocumented.append(f"output {name}")
        for block in tree.get("locals", []):
            d["locals"] |= {unquote(k) for k in block}
        for block in tree.get("module", []):
            d["modules"].update({unquote(k): v for k, v in block.items()})
        check(not undocumented, f"{rel}: parses{'; undocumented: ' + ', '.join(undocumented) if undocumented else ''}")

    meta = {"source", "version", "providers", "depends_on", "count", "for_each", "__is_block__"}
    for path, d in sorted(dirs.items()):
        rel = os.path.relpath(path, ROOT)
        code = re.sub(r"(?m)^\s*#.*$", "", d["text"])
        used = set(re.findall(r"\bvar\.([A-Za-z0-9_]+)", code))
        missing = used - set(d["vars"])
        check(not missing, f"{rel}: every var. reference is declared{' (missing: ' + ', '.join(sorted(missing)) + ')' if missing else ''}")
        missing = set(re.findall(r"\blocal\.([A-Za-z0-9_]+)", code)) - d["locals"]
        check(not missing, f"{rel}: every local. reference is declared{' (missing: ' + ', '.join(sorted(missing)) + ')' if missing else ''}")
        for name, body in d["modules"].items():
            target = os.path.normpath(os.path.join(path, unquote(body["source"])))
            t = dirs.get(target)
            if not check(t is not None, f"{rel}: module {name} source {body['source']} exists"):
                continue
            args = {a for a in body if not a.startswith("__")} - meta
            required = {v for v, b in t["vars"].items() if "default" not in b}
            unknown, absent = args - set(t["vars"]), required - args
            check(not unknown and not absent,
                  f"{rel}: module {name} gets its variables"
                  f"{' (unknown: ' + ', '.join(sorted(unknown)) + ')' if unknown else ''}"
                  f"{' (required but missing: ' + ', '.join(sorted(absent)) + ')' if absent else ''}")
            outs = set(re.findall(rf"\bmodule\.{name}\.([A-Za-z0-9_]+)", code))
            missing = outs - t["outputs"]
            check(not missing, f"{rel}: module {name} outputs used exist{' (missing: ' + ', '.join(sorted(missing)) + ')' if missing else ''}")
        for name in set(re.findall(r"\bmodule\.([A-Za-z0-9_]+)", code)) - set(d["modules"]):
            fail(f"{rel}: module.{name} is referenced but not declared")

    # The manifests are validated against one Kubernetes minor; every cluster must run it.
    minor = ".".join(K8S_VERSION.split(".")[:2])
    for path, d in sorted(dirs.items()):
        for version in re.findall(r'k3s_version\s*=\s*"v([0-9]+\.[0-9]+)\.', d["text"]):
            check(version == minor, f"{os.path.relpath(path, ROOT)}: k3s {version} is the Kubernetes minor the manifests are validated against ({minor})")


if __name__ == "__main__":
    {"manifests": manifests, "terraform": terraform}[sys.argv[1]](sys.argv[2])
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
