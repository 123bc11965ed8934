/**
 * The replication wire protocol (design §4): one TCP connection per resource carrying framed
 * {@link io.appliance.replication.wire.Packet}s. {@link io.appliance.replication.wire.PacketDecoder}
 * and {@link io.appliance.replication.wire.PacketEncoder} frame them,
 * {@link io.appliance.replication.wire.PeerAuthenticator} does the CRAM-HMAC peer authentication and
 * {@link io.appliance.replication.wire.HandshakeRules} holds the handshake's acceptance rules as pure
 * functions. Nothing here knows about resources or engines.
 */
package io.appliance.replication.wire;
