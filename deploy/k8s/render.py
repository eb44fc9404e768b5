"""Write deploy/k8s/base/*.yaml: every process of the platform as Kubernetes objects.

`python deploy/k8s/render.py` (or `--check`, which fails when a committed file differs). The
base is generated, not hand-written, so that thirteen Deployments cannot drift apart: the same
probes, security context and secret wiring for every service's api, worker and relay and the
console. Kafka comes from the Strimzi operator and PostgreSQL from CloudNativePG, by their
custom resources; the Kafka users' ACLs are those of houqin_shared.kafka_acl. Overlays
(overlays/campus) change replicas, resources, images and addresses with kustomize patches.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from houqin_shared.contracts.feedback import FEEDBACK_TOPIC
from houqin_shared.contracts.inbound import INBOUND_TOPIC
from houqin_shared.contracts.scoring import SCORING_TOPIC
from houqin_shared.contracts.tickets import TICKETS_TOPIC
from houqin_shared.kafka import dead_letter_topic
from houqin_shared.kafka_acl import EXTERNAL_USERS, SERVICE_TOPICS, service_group

BASE = Path(__file__).resolve().parent / "base"
IMAGE = "registry.campus.invalid/houqin/{}"
PG = "houqin-pg"  # CloudNativePG cluster: services houqin-pg-rw (primary), -ro, -r
KAFKA = "houqin-kafka"  # Strimzi cluster: service houqin-kafka-kafka-bootstrap
PORTS = {"feedback": 8101, "tickets": 8102, "scoring": 8103, "notify": 8104}
CONSOLE_PORT = 8100
ROLE_OFFSET = {"api": 0, "worker": 10, "relay": 20}
ROLE_PORT = {"api": "HTTP_PORT", "worker": "WORKER_PORT", "relay": "RELAY_PORT"}
# Requests and limits of one pod of the base (docs/kubernetes.md explains the campus overlay's).
RESOURCES = {
    "api": ({"cpu": "250m", "memory": "256Mi"}, {"cpu": "1", "memory": "512Mi"}),
    "worker": ({"cpu": "200m", "memory": "256Mi"}, {"cpu": "1", "memory": "512Mi"}),
    "relay": ({"cpu": "50m", "memory": "128Mi"}, {"cpu": "500m", "memory": "256Mi"}),
    "migrate": ({"cpu": "100m", "memory": "128Mi"}, {"cpu": "500m", "memory": "256Mi"}),
}
TOPICS = (FEEDBACK_TOPIC, TICKETS_TOPIC, SCORING_TOPIC, INBOUND_TOPIC)
SSO = "https://sso.campus.invalid"
Doc = dict[str, Any]


class Dumper(yaml.SafeDumper):
    """Plain YAML: no &anchors for the label maps a Deployment repeats."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def meta(name: str, **labels: str) -> Doc:
    return {"name": name, "labels": {"app.kubernetes.io/part-of": "houqin", **labels}}


def labels(service: str, role: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": service, "app.kubernetes.io/component": role}


def secret_env(name: str, secret: str, key: str) -> Doc:
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}


def service_env(service: str) -> list[Doc]:
    """The secrets every service process reads; the rest comes from its ConfigMap."""
    p = service.upper() + "_"
    env = [
        secret_env("DB_PASSWORD", f"houqin-db-{service}", "password"),
        {
            "name": p + "DATABASE_URL",
            "value": f"postgresql://{service}:$(DB_PASSWORD)@{PG}-rw:5432/houqin",
        },
        secret_env(p + "KAFKA_SASL_PASSWORD", service, "password"),  # Strimzi's KafkaUser secret
    ]
    if service == "feedback":
        env.append(secret_env(p + "BALLOT_SECRET", "houqin-feedback", "ballot-secret"))
    if service == "notify":
        env.append(secret_env(p + "CLIENT_SECRET", "houqin-notify", "client-secret"))
    return env


def service_config(service: str) -> Doc:
    p = service.upper() + "_"
    port = PORTS[service]
    data = {
        "HOUQIN_DEMO": "0",
        p + "KAFKA_BOOTSTRAP": f"{KAFKA}-kafka-bootstrap:9092",
        p + "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        p + "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
        p + "KAFKA_SASL_USERNAME": service,
        p + "HTTP_HOST": "0.0.0.0",  # noqa: S104 (inside the pod)
        **{p + ROLE_PORT[r]: str(port + off) for r, off in ROLE_OFFSET.items()},
        p + "JWT_ISSUER": SSO,
        p + "JWT_JWKS_URL": SSO + "/.well-known/jwks.json",
        p + "JWT_AUDIENCE": "houqin",
        p + "LOG_JSON": "true",
    }
    if service == "feedback":
        data[p + "PHOTO_DIR"] = "/var/lib/houqin/photos"
        data[p + "TRUSTED_PROXIES"] = "10.0.0.0/8"
    if service == "notify":
        data |= {
            p + "FEEDBACK_URL": "http://feedback-api:8101",
            p + "TICKETS_URL": "http://tickets-api:8102",
            p + "CONSOLE_URL": "https://houqin.campus.invalid",
            p + "SSO_TOKEN_URL": SSO + "/token",
            p + "CLIENT_ID": "notify",
        }
    return config_map(service, data)


def console_config() -> Doc:
    data = {
        "HOUQIN_DEMO": "0",
        "CONSOLE_HTTP_HOST": "0.0.0.0",  # noqa: S104 (inside the pod)
        "CONSOLE_HTTP_PORT": str(CONSOLE_PORT),
        "CONSOLE_PUBLIC_URL": "https://houqin.campus.invalid",
        "CONSOLE_OIDC_DISCOVERY_URL": SSO + "/.well-known/openid-configuration",
        "CONSOLE_OIDC_CLIENT_ID": "console",
        "CONSOLE_COOKIE_SECURE": "true",
        "CONSOLE_LOG_JSON": "true",
        **{f"CONSOLE_{s.upper()}_URL": f"http://{s}-api:{port}" for s, port in PORTS.items()},
    }
    return config_map("console", data)


def config_map(service: str, data: dict[str, str]) -> Doc:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": meta(f"houqin-{service}", **{"app.kubernetes.io/name": service}),
        "data": data,
    }


def probe(path: str, port: int, period: int, failures: int) -> Doc:
    return {
        "httpGet": {"path": path, "port": port},
        "periodSeconds": period,
        "timeoutSeconds": 3,
        "failureThreshold": failures,
    }


def container(service: str, role: str, port: int, env: list[Doc]) -> Doc:
    requests, limits = RESOURCES[role]
    return {
        "name": role,
        "image": IMAGE.format(service),
        "args": [role],
        "envFrom": [{"configMapRef": {"name": f"houqin-{service}"}}],
        "env": env,
        "ports": [{"name": "http", "containerPort": port}],
        # /readyz checks PostgreSQL and Kafka (a worker: its consumer holds partitions or
        # waits for them); /healthz only that the process turns: restart on that alone.
        "readinessProbe": probe("/readyz", port, 5, 3),
        "livenessProbe": probe("/healthz", port, 10, 6),
        "startupProbe": probe("/healthz", port, 2, 60),
        "resources": {"requests": requests, "limits": limits},
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],  # noqa: S108
    }


def deployment(service: str, role: str, port: int, env: list[Doc], replicas: int) -> Doc:
    selector = labels(service, role)
    spec = container(service, role, port, env)
    volumes: list[Doc] = [{"name": "tmp", "emptyDir": {}}]
    if service == "feedback" and role in ("api", "worker"):  # photos: uploaded, then swept
        spec["volumeMounts"].append({"name": "photos", "mountPath": "/var/lib/houqin/photos"})
        volumes.append(
            {"name": "photos", "persistentVolumeClaim": {"claimName": "feedback-photos"}}
        )
    pod = {
        "metadata": {"labels": {"app.kubernetes.io/part-of": "houqin", **selector}},
        "spec": {
            "securityContext": {"runAsNonRoot": True, "runAsUser": 10001, "fsGroup": 10001},
            "terminationGracePeriodSeconds": 30,
            "containers": [spec],
            "volumes": volumes,
            "topologySpreadConstraints": [
                {
                    "maxSkew": 1,
                    "topologyKey": "kubernetes.io/hostname",
                    "whenUnsatisfiable": "ScheduleAnyway",
                    "labelSelector": {"matchLabels": selector},
                }
            ],
        },
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta(f"{service}-{role}", **selector),
        "spec": {"replicas": replicas, "selector": {"matchLabels": selector}, "template": pod},
    }


def http_service(service: str, port: int) -> Doc:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta(f"{service}-api", **labels(service, "api")),
        "spec": {
            "selector": labels(service, "api"),
            "ports": [{"name": "http", "port": port, "targetPort": "http"}],
        },
    }


def budget(service: str, role: str) -> Doc:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": meta(f"{service}-{role}", **labels(service, role)),
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": labels(service, role)}},
    }


def migrate_job(service: str) -> Doc:
    requests, limits = RESOURCES["migrate"]
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": meta(f"{service}-migrate", **labels(service, "migrate")),
        "spec": {
            "backoffLimit": 20,  # retried until houqin-db-bootstrap has made the role
            "template": {
                "metadata": {"labels": labels(service, "migrate")},
                "spec": {
                    "restartPolicy": "OnFailure",
                    "securityContext": {"runAsNonRoot": True, "runAsUser": 10001},
                    "containers": [
                        {
                            "name": "migrate",
                            "image": IMAGE.format(service),
                            "args": ["migrate"],
                            "envFrom": [{"configMapRef": {"name": f"houqin-{service}"}}],
                            "env": service_env(service),
                            "resources": {"requests": requests, "limits": limits},
                        }
                    ],
                },
            },
        },
    }


def bootstrap_job() -> Doc:
    env = [
        secret_env(f"HOUQIN_DB_PASSWORD_{s.upper()}", f"houqin-db-{s}", "password") for s in PORTS
    ]
    requests, limits = RESOURCES["migrate"]
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": meta("houqin-db-bootstrap"),
        "spec": {
            "backoffLimit": 20,
            "template": {
                "spec": {
                    "restartPolicy": "OnFailure",
                    "securityContext": {"runAsNonRoot": True, "runAsUser": 10001},
                    "containers": [
                        {
                            "name": "bootstrap",
                            "image": IMAGE.format("feedback"),
                            "command": ["python", "-m", "houqin_shared.bootstrap"],
                            "args": [
                                "--admin-dsn",
                                f"postgresql://postgres@{PG}-rw:5432/houqin",
                                "--admin-password-file",
                                "/var/lib/houqin/admin/password",
                            ],
                            "env": env,
                            "resources": {"requests": requests, "limits": limits},
                            "volumeMounts": [
                                {"name": "admin", "mountPath": "/var/lib/houqin/admin"}
                            ],
                        }
                    ],
                    "volumes": [
                        # CloudNativePG's superuser secret (enableSuperuserAccess)
                        {"name": "admin", "secret": {"secretName": f"{PG}-superuser"}}
                    ],
                },
            },
        },
    }


def postgres() -> Doc:
    return {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Cluster",
        "metadata": meta(PG),
        "spec": {
            "instances": 1,
            "imageName": "ghcr.io/cloudnative-pg/postgresql:15",
            "enableSuperuserAccess": True,
            "bootstrap": {"initdb": {"database": "houqin", "owner": "houqin"}},
            "postgresql": {"parameters": {"max_connections": "200"}},
            "storage": {"size": "10Gi"},
            "resources": {
                "requests": {"cpu": "500m", "memory": "1Gi"},
                "limits": {"memory": "1Gi"},
            },
        },
    }


def kafka() -> list[Doc]:
    strimzi = "kafka.strimzi.io/v1beta2"
    pool = {
        "apiVersion": strimzi,
        "kind": "KafkaNodePool",
        "metadata": meta("brokers", **{"strimzi.io/cluster": KAFKA}),
        "spec": {
            "replicas": 1,
            "roles": ["controller", "broker"],
            "storage": {"type": "persistent-claim", "size": "10Gi", "deleteClaim": False},
            "resources": {
                "requests": {"cpu": "500m", "memory": "1Gi"},
                "limits": {"memory": "1Gi"},
            },
        },
    }
    cluster = {
        "apiVersion": strimzi,
        "kind": "Kafka",
        "metadata": meta(KAFKA)
        | {"annotations": {"strimzi.io/node-pools": "enabled", "strimzi.io/kraft": "enabled"}},
        "spec": {
            "kafka": {
                "listeners": [
                    {
                        "name": "plain",
                        "port": 9092,
                        "type": "internal",
                        "tls": False,
                        "authentication": {"type": "scram-sha-512"},
                    }
                ],
                "authorization": {"type": "simple"},
                "config": {
                    "default.replication.factor": 1,
                    "min.insync.replicas": 1,
                    "offsets.topic.replication.factor": 1,
                    "auto.create.topics.enable": False,
                },
            },
            "entityOperator": {"topicOperator": {}, "userOperator": {}},
        },
    }
    groups = {service_group(s) for s, t in SERVICE_TOPICS.items() if t.consumes}
    topics = [*TOPICS, *sorted(dead_letter_topic(g) for g in groups)]
    users = [kafka_user(s) for s in SERVICE_TOPICS] + [external_user(u) for u in EXTERNAL_USERS]
    return [pool, cluster, *(kafka_topic(t) for t in topics), *users]


def kafka_topic(name: str) -> Doc:
    return {
        "apiVersion": "kafka.strimzi.io/v1beta2",
        "kind": "KafkaTopic",
        "metadata": meta(name.replace(".", "-").replace("_", "-"), **{"strimzi.io/cluster": KAFKA}),
        "spec": {
            "topicName": name,
            "partitions": 4,
            "replicas": 1,
            "config": {"retention.ms": 7 * 24 * 3600 * 1000},
        },
    }


def acl(kind: str, name: str, pattern: str, operations: list[str]) -> Doc:
    return {
        "resource": {"type": kind, "name": name, "patternType": pattern},
        "operations": operations,
    }


def kafka_user(service: str) -> Doc:
    topics = SERVICE_TOPICS[service]
    group = service_group(service)
    dlq = [dead_letter_topic(group)] if topics.consumes else []
    acls = [acl("group", group, "prefix", ["Read"])]
    acls += [acl("topic", t, "literal", ["Write", "Describe"]) for t in topics.produces]
    # its own dead-letter topic: written by the worker, read by the API (houqin_shared.dlq_api)
    acls += [acl("topic", t, "literal", ["Write", "Read", "Describe"]) for t in dlq]
    acls += [acl("topic", t, "literal", ["Read", "Describe"]) for t in topics.consumes]
    return user_doc(service, acls)


def external_user(name: str) -> Doc:
    return user_doc(name, [acl("topic", INBOUND_TOPIC, "literal", ["Write", "Describe"])])


def user_doc(name: str, acls: list[Doc]) -> Doc:
    return {
        "apiVersion": "kafka.strimzi.io/v1beta2",
        "kind": "KafkaUser",
        "metadata": meta(name, **{"strimzi.io/cluster": KAFKA}),
        "spec": {
            "authentication": {"type": "scram-sha-512"},
            "authorization": {"type": "simple", "acls": acls},
        },
    }


def service_docs(service: str) -> list[Doc]:
    port = PORTS[service]
    docs = [service_config(service)]
    for role, offset in ROLE_OFFSET.items():
        replicas = 2 if role in ("api", "relay") else 1  # a relay standby takes the lock over
        docs.append(deployment(service, role, port + offset, service_env(service), replicas))
        docs.append(budget(service, role))
    docs += [http_service(service, port), migrate_job(service)]
    if service == "feedback":
        docs.append(
            {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "metadata": meta("feedback-photos"),
                "spec": {
                    "accessModes": ["ReadWriteMany"],  # the api writes, the worker sweeps
                    "resources": {"requests": {"storage": "20Gi"}},
                },
            }
        )
    return docs


def console_docs() -> list[Doc]:
    env = [secret_env("CONSOLE_OIDC_CLIENT_SECRET", "houqin-console", "oidc-client-secret")]
    service = http_service("console", CONSOLE_PORT)
    service["spec"]["sessionAffinity"] = "ClientIP"  # sign-in sessions live in each pod's memory
    return [
        console_config(),
        deployment("console", "api", CONSOLE_PORT, env, 2),
        budget("console", "api"),
        service,
    ]


def files() -> dict[str, str]:
    head = "# Generated by deploy/k8s/render.py: edit that, then run it.\n"
    parts: dict[str, list[Doc]] = {
        "platform.yaml": [postgres(), *kafka(), bootstrap_job()],
        **{f"{s}.yaml": service_docs(s) for s in PORTS},
        "console.yaml": console_docs(),
    }
    out = {
        name: head + yaml.dump_all(docs, Dumper=Dumper, sort_keys=False, allow_unicode=True)
        for name, docs in parts.items()
    }
    kustomization = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "labels": [{"pairs": {"app.kubernetes.io/instance": "houqin"}}],
        "resources": list(parts),
    }
    out["kustomization.yaml"] = head + yaml.safe_dump(kustomization, sort_keys=False)
    return out


def main(argv: list[str]) -> int:
    stale = []
    for name, text in files().items():
        path = BASE / name
        if "--check" in argv:
            if not path.is_file() or path.read_text() != text:
                stale.append(name)
        else:
            BASE.mkdir(exist_ok=True)
            path.write_text(text)
    if stale:
        print("stale (run python deploy/k8s/render.py):", ", ".join(stale))
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
