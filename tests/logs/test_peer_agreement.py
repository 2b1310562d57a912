"""The parser agrees with every peer's expectations, but for the listed, reasoned disagreements."""
import peer_agreement


def test_every_peer_value_agrees_or_is_a_known_disagreement(corpus):
    table, unexplained, stale = peer_agreement.run()
    print()
    for peer, (lines, compared, agree, known) in sorted(table.items()):
        print(f"{peer:32} lines={lines:3} values={compared:4} agree={agree:4} known={known}")
    assert not unexplained, "\n".join(
        f"{f.peer} {f.key}: peer {f.peer_value!r} ours {f.our_value!r} | {f.line}" for f in unexplained)
    assert not stale, f"known disagreements that no longer occur (remove them): {stale}"


def test_the_comparison_covers_every_peer_with_assertions(corpus):
    table, _, _ = peer_agreement.run()
    for peer in ("elastic-integrations", "elastic-beats", "sekoia-intake-formats", "logstash-patterns-core",
                 "noc", "wazuh", "ossec", "graylog", "librenms", "nav", "elastic-integrations (headers)",
                 "syslog-ng (headers)"):
        assert table[peer][1] > 0, peer
    # the full-document peers are compared field by field, not just recognised
    assert table["elastic-integrations"][1] > 900
    assert table["elastic-beats"][1] > 700


def test_every_known_disagreement_gives_a_reason():
    for entry in peer_agreement.known_disagreements().values():
        assert len(entry) > 40
