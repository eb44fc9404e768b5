"""The Kubernetes manifests (deploy/k8s) render and are valid, offline.

The base and the campus overlay are rendered by a small Python subset of kustomize (the
features the overlay uses: resources, namespace, labels, images, replicas, strategic-merge
patches by kind and name, JSON-patch `replace` by kind) and every built-in object is validated
against the Kubernetes 1.32 OpenAPI schema that the `kubernetes-validate` package bundles
(strict: an unknown field is an error). Strimzi's and CloudNativePG's custom resources are
checked for the fields their operators require. When kubectl is installed, its own kustomize
must render the same objects. The environment variables named are those the services' settings
classes read, and the probes hit the ports those variables give.
"""

from __future__ import annotations

import copy
import functools
import importlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from pydantic_settings import BaseSettings

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
KUBERNETES = "1.32.0"
SETTINGS = {
    "FEEDBACK_": ("feedback.settings", "FeedbackSettings"),
    "TICKETS_": ("tickets.settings", "TicketsSettings"),
    "SCORING_": ("scoring.settings", "ScoringSettings"),
    "NOTIFY_": ("notify.settings", "NotifySettings"),
    "CONSOLE_": ("console.settings", "ConsoleSettings"),
}
CLUSTER_SCOPED = {"Namespace"}
Doc = dict[str, Any]


def load(path: Path) -> list[Doc]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def merge(into: Any, patch: Any) -> Any:
    """Strategic merge as kustomize does it for these objects: maps merge, lists of named maps
    merge by name, other lists are replaced."""
    if isinstance(into, dict) and isinstance(patch, dict):
        out = dict(into)
        for key, value in patch.items():
            out[key] = merge(into[key], value) if key in into else value
        return out
    if isinstance(into, list) and isinstance(patch, list):
        named = all(isinstance(i, dict) and "name" in i for i in into + patch)
        if named:
            out_list = [dict(i) for i in into]
            for item in patch:
                hit = [n for n, i in enumerate(out_list) if i["name"] == item["name"]]
                if hit:
                    out_list[hit[0]] = merge(out_list[hit[0]], item)
                else:
                    out_list.append(item)
            return out_list
    return patch


def json_replace(doc: Doc, ops: list[Doc]) -> Doc:
    for op in ops:
        assert op["op"] == "replace", op
        *parents, last = op["path"].strip("/").split("/")
        node = doc
        for part in parents:
            node = node[part]
        assert last in node, op["path"]
        node[last] = op["value"]
    return doc


def each_container(doc: Doc) -> list[Doc]:
    spec = doc.get("spec", {}).get("template", {}).get("spec", {})
    return [*spec.get("containers", []), *spec.get("initContainers", [])]


def render(directory: Path) -> list[Doc]:
    kust = yaml.safe_load((directory / "kustomization.yaml").read_text())
    docs: list[Doc] = []
    for entry in kust.get("resources", []):
        path = directory / entry
        docs += render(path) if path.is_dir() else load(path)
    docs = copy.deepcopy(docs)
    for patch in kust.get("patches", []):
        if "path" in patch:
            for part in load(directory / patch["path"]):
                key = (part["kind"], part["metadata"]["name"])
                hits = [n for n, d in enumerate(docs) if (d["kind"], d["metadata"]["name"]) == key]
                assert hits, f"patch {patch['path']} names no object {key}"
                docs[hits[0]] = merge(docs[hits[0]], part)
        else:
            ops = yaml.safe_load(patch["patch"])
            targets = [d for d in docs if d["kind"] == patch["target"]["kind"]]
            assert targets, patch["target"]
            for doc in targets:
                json_replace(doc, ops)
    for change in kust.get("replicas", []):
        hits = [d for d in docs if d["metadata"]["name"] == change["name"]]
        assert hits, change
        hits[0]["spec"]["replicas"] = change["count"]
    for image in kust.get("images", []):
        for doc in docs:
            for c in each_container(doc):
                if c["image"].split(":")[0] == image["name"]:
                    c["image"] = f"{image.get('newName', image['name'])}:{image['newTag']}"
    for label in kust.get("labels", []):
        for doc in docs:
            doc["metadata"].setdefault("labels", {}).update(label["pairs"])
    if "namespace" in kust:
        for doc in docs:
            if doc["kind"] not in CLUSTER_SCOPED:
                doc["metadata"]["namespace"] = kust["namespace"]
    return docs


@pytest.fixture(scope="module", params=["base", "overlays/campus"])
def rendered(request: pytest.FixtureRequest) -> list[Doc]:
    return render(K8S / request.param)


def by_kind(docs: list[Doc], kind: str) -> list[Doc]:
    return [d for d in docs if d["kind"] == kind]


def test_base_is_what_render_py_writes() -> None:
    run = subprocess.run(
        [sys.executable, str(K8S / "render.py"), "--check"], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.fixture(scope="module")
def schemas_read_once() -> Iterator[None]:
    """kubernetes-validate parses its JSON schema files again for every object (seconds each
    for the shared definitions): keep what it read for this module's objects."""
    utils = kubernetes_validate.utils
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(utils, "schema_contents", functools.cache(utils.schema_contents))
        yield


@pytest.mark.usefixtures("schemas_read_once")
def test_builtin_objects_match_the_kubernetes_schema(rendered: list[Doc]) -> None:
    checked = 0
    for doc in rendered:
        if "strimzi.io" in doc["apiVersion"] or "cnpg.io" in doc["apiVersion"]:
            continue
        try:
            kubernetes_validate.validate(doc, KUBERNETES, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{doc['kind']} {doc['metadata']['name']}: {error}")
        checked += 1
    assert checked >= 40


def test_operators_by_reference_not_statefulsets(rendered: list[Doc]) -> None:
    assert not by_kind(rendered, "StatefulSet")
    (cluster,) = by_kind(rendered, "Cluster")
    assert cluster["apiVersion"] == "postgresql.cnpg.io/v1"
    assert cluster["spec"]["instances"] >= 1 and cluster["spec"]["storage"]["size"]
    (kafka,) = by_kind(rendered, "Kafka")
    assert kafka["metadata"]["annotations"]["strimzi.io/kraft"] == "enabled"
    (pool,) = by_kind(rendered, "KafkaNodePool")
    assert pool["metadata"]["labels"]["strimzi.io/cluster"] == kafka["metadata"]["name"]
    assert set(pool["spec"]["roles"]) == {"controller", "broker"}
    config = kafka["spec"]["kafka"]["config"]
    for topic in by_kind(rendered, "KafkaTopic"):
        assert topic["spec"]["replicas"] == pool["spec"]["replicas"]
        assert topic["spec"]["replicas"] >= config["min.insync.replicas"]
        assert topic["spec"]["partitions"] >= 4
    workers = [
        d for d in by_kind(rendered, "Deployment") if d["metadata"]["name"].endswith("-worker")
    ]
    least = min(t["spec"]["partitions"] for t in by_kind(rendered, "KafkaTopic"))
    assert all(w["spec"]["replicas"] <= least for w in workers), "idle workers beyond partitions"
    users = {u["metadata"]["name"] for u in by_kind(rendered, "KafkaUser")}
    assert {"feedback", "tickets", "scoring", "notify"} <= users
    for user in by_kind(rendered, "KafkaUser"):
        assert user["spec"]["authentication"]["type"] == "scram-sha-512"


def test_the_kafka_users_acls_are_kafka_acls(rendered: list[Doc]) -> None:
    """What houqin_shared.kafka_acl declares (the local broker's ACLs), but Create: Strimzi's
    topic operator makes the topics. A service's API reads its own dead-letter topic."""
    from houqin_shared import kafka_acl as k

    kinds = {k.TOPIC: "topic", k.GROUP: "group"}
    patterns = {k.LITERAL: "literal", k.PREFIXED: "prefix"}
    ops = {k.READ: "Read", k.WRITE: "Write", k.DESCRIBE: "Describe"}
    users = {u["metadata"]["name"]: u for u in by_kind(rendered, "KafkaUser")}
    for service, topics in k.SERVICE_TOPICS.items():
        declared = {
            (kinds[a.resource_type], a.name, patterns[a.pattern], ops[a.operation])
            for a in k.service_acls(service, topics)
            if a.operation != k.CREATE
        }
        manifest = {
            (r["resource"]["type"], r["resource"]["name"], r["resource"]["patternType"], op)
            for r in users[service]["spec"]["authorization"]["acls"]
            for op in r["operations"]
        }
        assert manifest == declared, service
        assert ("topic", f"houqin.{service}.dlq", "literal", "Read") in manifest


def setting_names(prefix: str) -> set[str]:
    module, name = SETTINGS[prefix]
    cls: type[BaseSettings] = getattr(importlib.import_module(module), name)
    names = {prefix + field.upper() for field in cls.model_fields}
    aliases = {f.validation_alias for f in cls.model_fields.values() if f.validation_alias}
    return names | {str(a) for a in aliases}


def container_env(doc: Doc, container: Doc, maps: dict[str, Doc]) -> dict[str, str]:
    env = {}
    for source in container.get("envFrom", []):
        env |= maps[source["configMapRef"]["name"]]["data"]
    for item in container.get("env", []):
        env[item["name"]] = item.get("value", "<secret>")
    return env


def test_every_variable_is_one_the_services_read(rendered: list[Doc]) -> None:
    maps = {m["metadata"]["name"]: m for m in by_kind(rendered, "ConfigMap")}
    for doc in [*by_kind(rendered, "Deployment"), *by_kind(rendered, "Job")]:
        for container in each_container(doc):
            for name in container_env(doc, container, maps):
                if name == "DB_PASSWORD" or name.startswith("HOUQIN_DB_PASSWORD_"):
                    continue  # used inside DATABASE_URL / read by houqin_shared.bootstrap
                prefix = name.split("_")[0] + "_"
                known = setting_names(prefix) if prefix in SETTINGS else {"HOUQIN_DEMO"}
                assert name in known, f"{doc['metadata']['name']}: {name} is read by nothing"


def test_probes_hit_the_ports_the_processes_listen_on(rendered: list[Doc]) -> None:
    maps = {m["metadata"]["name"]: m for m in by_kind(rendered, "ConfigMap")}
    budgets = by_kind(rendered, "PodDisruptionBudget")
    deployments = by_kind(rendered, "Deployment")
    assert len(deployments) == 13  # 4 services x api, worker, relay; the console
    for doc in deployments:
        (container,) = each_container(doc)
        env = container_env(doc, container, maps)
        service, role = doc["metadata"]["name"].split("-")
        setting = {"api": "HTTP_PORT", "worker": "WORKER_PORT", "relay": "RELAY_PORT"}[role]
        port = int(env[f"{service.upper()}_{setting}"])
        assert container["args"] == [role]
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": port}
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": port}
        assert container["ports"][0]["containerPort"] == port
        resources = container["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"]) and resources["limits"]["memory"]
        selector = doc["spec"]["selector"]["matchLabels"]
        assert any(b["spec"]["selector"]["matchLabels"] == selector for b in budgets), doc
        if role != "worker":
            assert doc["spec"]["replicas"] >= 2, "one pod of an api or relay is an outage"


def test_kubectl_kustomize_renders_the_same_when_installed() -> None:
    kubectl = shutil.which("kubectl")
    for directory in ("base", "overlays/campus"):
        ours = render(K8S / directory)
        if kubectl is None:  # the Python subset above is then the only renderer
            continue
        out = subprocess.run(
            [kubectl, "kustomize", str(K8S / directory)], capture_output=True, text=True, timeout=60
        )
        assert out.returncode == 0, out.stderr
        theirs = [d for d in yaml.safe_load_all(out.stdout) if d]
        key = lambda d: (d["kind"], d["metadata"]["name"])  # noqa: E731
        assert sorted(map(key, ours)) == sorted(map(key, theirs))
        for mine, kust in zip(sorted(ours, key=key), sorted(theirs, key=key), strict=True):
            assert mine == kust, f"{key(mine)} differs from kubectl kustomize's"
