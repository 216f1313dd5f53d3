#!/usr/bin/python3
"""test-compose.py - no Docker engine runs where kchat is tested, so the
compose files are checked by reading them: they parse, they run the Kafka
version the tests run, with the broker settings the tests use
(tests/kafka/broker.properties), and the production file has three KRaft
nodes with replication 3 and min.insync.replicas 2 behind two bridges."""
import os
import re
import sys

import yaml

src = os.environ.get("KCHAT_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", "..")
failures = 0


def check(cond, what):
    global failures
    print(("ok - " if cond else "FAIL - ") + what)
    if not cond:
        failures += 1


def env_props(env):
    """KAFKA_FOO_BAR: v -> {"foo.bar": v}, as the apache/kafka image does."""
    return {k[6:].lower().replace("_", "."): str(v) for k, v in env.items() if k.startswith("KAFKA_")}


pom = open(os.path.join(src, "tests/kafka/pom.xml")).read()
version = re.search(r"<kafka.version>(.*)</kafka.version>", pom).group(1)
shared = {}
for line in open(os.path.join(src, "tests/kafka/broker.properties")):
    line = line.strip()
    if line and not line.startswith("#"):
        k, v = line.split("=", 1)
        shared[k] = v

# docker-compose.yml: one node, the test broker's settings.
dev = yaml.safe_load(open(os.path.join(src, "docker-compose.yml")))
kafka = dev["services"]["kafka"]
check(kafka["image"] == "apache/kafka:" + version, "dev: image is apache/kafka:%s like the tests" % version)
props = env_props(kafka["environment"])
for k, v in shared.items():
    check(props.get(k) == v, "dev: %s=%s as in tests/kafka/broker.properties (compose: %s)" % (k, v, props.get(k)))
check("9092:9092" in kafka["ports"], "dev: Kafka reachable from the host on 9092")
check("HOST://localhost:9092" in props["advertised.listeners"], "dev: advertises localhost:9092 to the host")
bridge = dev["services"]["bridge"]
boot = bridge["environment"]["KAFKA_BOOTSTRAP_SERVERS"]
check(("DOCKER://" + boot) in props["advertised.listeners"], "dev: the bridge uses the broker's container listener")
check("8000:8000" in bridge["ports"], "dev: web client on 8000")

# docker-compose.prod.yml: three nodes, RF 3, min ISR 2, two bridges, a balancer.
prod = yaml.safe_load(open(os.path.join(src, "docker-compose.prod.yml")))
svcs = prod["services"]
nodes = {n: s for n, s in svcs.items() if s.get("image", "").startswith("apache/kafka")}
check(len(nodes) == 3, "prod: three Kafka nodes")
ids = set()
for name, s in nodes.items():
    p = env_props(s["environment"])
    ids.add(p["node.id"])
    check(s["image"] == "apache/kafka:" + version, "prod: %s runs Kafka %s" % (name, version))
    check(p["process.roles"] == shared["process.roles"], "prod: %s is broker and controller (KRaft)" % name)
    check(p["default.replication.factor"] == "3", "prod: %s replication factor 3" % name)
    check(p["min.insync.replicas"] == "2", "prod: %s min.insync.replicas 2" % name)
    check(p["offsets.topic.replication.factor"] == "3", "prod: %s offsets topic RF 3" % name)
    check(p["auto.create.topics.enable"] == shared["auto.create.topics.enable"], "prod: %s auto-creates topics like the tests" % name)
    voters = p["controller.quorum.voters"].split(",")
    check(len(voters) == 3 and all(v.split("@")[1].split(":")[0] in nodes for v in voters), "prod: %s knows all three voters" % name)
    check(("DOCKER://%s:19092" % name) == p["advertised.listeners"], "prod: %s advertises its own name" % name)
check(ids == {"1", "2", "3"}, "prod: node ids 1, 2, 3")
bridges = [n for n, s in svcs.items() if "build" in s]
check(len(bridges) == 2, "prod: two bridges")
for b in bridges:
    boot = svcs[b]["environment"]["KAFKA_BOOTSTRAP_SERVERS"].split(",")
    check(sorted(x.split(":")[0] for x in boot) == sorted(nodes), "prod: %s bootstraps from all three nodes" % b)
lb = open(os.path.join(src, "tests/kafka/nginx-lb.conf")).read()
for b in bridges:
    check(("server %s:8000;" % b) in lb, "prod: the balancer sends to %s" % b)
check("Upgrade $http_upgrade" in lb, "prod: the balancer passes WebSocket upgrades")

# The Dockerfile builds with the packages a user is told to install.
deps = open(os.path.join(src, ".ci/install-deps")).read()
build_pkgs = set(re.search(r'build_pkgs="([^"]*)"', deps).group(1).split())
docker = open(os.path.join(src, "Dockerfile")).read()
stage = docker.split("FROM debian:12")[1]
for pkg in ("librdkafka-dev", "libwebsockets-dev", "libmsgpack-dev", "libjansson-dev", "libncurses-dev"):
    check(pkg in stage and pkg in build_pkgs, "Dockerfile and install-deps both install %s" % pkg)

print("%d failure(s)" % failures)
sys.exit(1 if failures else 0)
