#!/usr/bin/env bash
# The compose broker (apache/kafka image): the same security as deploy/local's
# server.properties.template. Clients sign in with SASL/SCRAM-SHA-512 (users in the metadata
# log: `admin` added when the storage is formatted, the rest by the `kafka-users` one-shot);
# the controller listener takes PLAIN with one static user, `admin`; nothing is allowed
# without an ACL, and `admin` is the one super user. Admin's password is first-start's
# secrets/kafka-password-admin; the files written here are readable by the broker's user only.
set -euo pipefail

SECRETS=/var/lib/houqin/secrets
DATA=/var/lib/kafka/data
CONF=$DATA/conf
LOGS=$DATA/log
ADMIN_PASSWORD=$(<"$SECRETS/kafka-password-admin")
umask 077
mkdir -p "$CONF" "$LOGS"

cat >"$CONF/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@kafka:9093
listeners=CLIENT://:9092,CONTROLLER://:9093
advertised.listeners=CLIENT://kafka:9092
inter.broker.listener.name=CLIENT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,CLIENT:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$ADMIN_PASSWORD";
listener.name.controller.sasl.enabled.mechanisms=PLAIN
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$ADMIN_PASSWORD" user_admin="$ADMIN_PASSWORD";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin
log.dirs=$LOGS
num.partitions=4
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS

# For the health check (kafka-broker-api-versions.sh --command-config).
cat >"$CONF/admin-client.properties" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$ADMIN_PASSWORD";
PROPS

if [[ ! -f $LOGS/meta.properties ]]; then
  [[ -s $CONF/cluster.id ]] || /opt/kafka/bin/kafka-storage.sh random-uuid >"$CONF/cluster.id"
  /opt/kafka/bin/kafka-storage.sh format -t "$(<"$CONF/cluster.id")" -c "$CONF/server.properties" \
    --add-scram "SCRAM-SHA-512=[name=admin,password=$ADMIN_PASSWORD]" --ignore-formatted
fi
exec /opt/kafka/bin/kafka-server-start.sh "$CONF/server.properties"
