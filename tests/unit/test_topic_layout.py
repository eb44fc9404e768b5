"""Topics' partitions and replication come from the services' settings: one broker keeps
replication 1 and the broker's defaults, a cluster gets 3 replicas with min.insync.replicas 2."""

from __future__ import annotations

import launcher
import pytest
from pydantic import ValidationError

from houqin_shared.kafka import TopicLayout
from houqin_shared.settings import ServiceSettings


def test_one_broker_keeps_replication_one_and_the_brokers_defaults() -> None:
    topic = TopicLayout.of(ServiceSettings()).new_topic("houqin.tickets.events")
    assert (topic.num_partitions, topic.replication_factor) == (4, 1)
    assert not topic.topic_configs


def test_a_cluster_gets_three_replicas_and_two_in_sync() -> None:
    settings = ServiceSettings(
        kafka_topic_partitions=8, kafka_topic_replication=3, kafka_topic_min_insync=2
    )
    topic = TopicLayout.of(settings).new_topic("houqin.tickets.events")
    assert (topic.num_partitions, topic.replication_factor) == (8, 3)
    assert topic.topic_configs == {"min.insync.replicas": "2"}


def test_min_insync_above_replication_is_refused() -> None:
    with pytest.raises(ValidationError, match="MIN_INSYNC"):
        ServiceSettings(kafka_topic_replication=1, kafka_topic_min_insync=2)
    with pytest.raises(ValueError, match="min_insync"):
        TopicLayout(4, 3, 4)


def test_the_launcher_asks_for_replicas_only_on_a_cluster() -> None:
    one = launcher.Instance("h4", "", "127.0.0.1:24092")
    three = launcher.Instance("h4", "", "127.0.0.1:24092,127.0.0.1:24102,127.0.0.1:24112")
    assert launcher.topic_layout_env(one, "tickets") == {}
    assert launcher.topic_layout_env(three, "tickets") == {
        "TICKETS_KAFKA_TOPIC_REPLICATION": "3",
        "TICKETS_KAFKA_TOPIC_MIN_INSYNC": "2",
    }
