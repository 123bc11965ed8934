package io.appliance.replication.wire;

import io.appliance.config.replication.AfterSb0Pri;
import io.appliance.config.replication.AfterSb1Pri;
import io.appliance.config.replication.AfterSb2Pri;
import io.appliance.config.replication.ReplicationProtocol;
import java.util.Objects;

/**
 * The sender's net options that both nodes must share (checked by {@link HandshakeRules#checkParams}).
 *
 * @param verifyAlg DRBD name of verify-alg, "" for none
 * @param csumsAlg  DRBD name of csums-alg, "" for none
 */
public record Params(ReplicationProtocol protocol, AfterSb0Pri sb0, AfterSb1Pri sb1, AfterSb2Pri sb2,
                     String verifyAlg, String csumsAlg, boolean allowTwoPrimaries) implements Packet {
    public Params {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(sb0, "sb0");
        Objects.requireNonNull(sb1, "sb1");
        Objects.requireNonNull(sb2, "sb2");
        FieldChecks.encodable(verifyAlg, "verifyAlg");
        FieldChecks.encodable(csumsAlg, "csumsAlg");
    }

    @Override
    public Command command() {
        return Command.PARAMS;
    }
}
